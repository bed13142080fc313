#include "zk/wire/client_config.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_data.h"
#include "zk/wire/dynamic_config.h"

namespace zk::wire {
namespace {

// A config with servers `ids` (inserted in this order), client port 4000+id.
std::string ConfigText(const std::vector<int>& ids) {
  std::string text;
  for (int id : ids)
    text += fmt::format("server.{0}=127.0.0.1:{1}:{2};{3}\n", id, 2000 + id, 3000 + id, 4000 + id);
  return text + "version=100000000";
}

// The ids in the order `config -c` lists them.
std::vector<int> ConfigCOrder(const std::vector<int>& ids) {
  const std::string line = ClientConfigString(ConfigText(ids));
  auto parsed = ParseClientConfig(line);
  REQUIRE(parsed.ok());
  std::vector<int> out;
  for (const auto& hp : parsed->hosts) out.push_back(hp.port - 4000);
  return out;
}

std::vector<int> Range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i <= to; ++i) v.push_back(i);
  return v;
}

TEST_CASE("config -c: element order as zkCli.sh 3.8 prints it") {
  CHECK(ConfigCOrder(Range(1, 3)) == std::vector<int>{2, 1, 3});
  CHECK(ConfigCOrder(Range(1, 5)) == std::vector<int>{2, 1, 5, 4, 3});
  CHECK(ConfigCOrder(Range(1, 9)) == std::vector<int>{2, 1, 6, 5, 4, 3, 9, 8, 7});
  CHECK(ConfigCOrder(Range(1, 11)) == std::vector<int>{10, 11, 2, 1, 6, 5, 4, 3, 9, 8, 7});
  // Checked with the real ConfigUtils.getClientConfigStr (see zk38_oracle.txt).
  CHECK(ConfigCOrder({1, 2, 3, 17, 33, 100, 255}) == std::vector<int>{33, 2, 1, 3, 17, 100, 255});
  CHECK(ConfigCOrder(Range(1, 20)) ==
        std::vector<int>{18, 19, 16, 17, 10, 11, 20, 2, 14, 1, 15, 12, 13, 6, 5, 4, 3, 9, 8, 7});
}

TEST_CASE("config -c: the capture lines reproduced exactly") {
  const auto ok = testing::ReadFormatsData("cli_reconfig_ok.txt");
  CHECK(ok.find("100000010 127.0.0.1:2192,127.0.0.1:2191,127.0.0.1:2193\n") != std::string::npos);
  CHECK(ClientConfigString("server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2191\n"
                           "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:2192\n"
                           "server.3=127.0.0.1:2883:3883:participant;127.0.0.1:2193\n"
                           "version=100000010") ==
        "100000010 127.0.0.1:2192,127.0.0.1:2191,127.0.0.1:2193");
  // After removing server 3.
  CHECK(ClientConfigString("server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2191\n"
                           "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:2192\n"
                           "version=200000009") == "200000009 127.0.0.1:2192,127.0.0.1:2191");
  const auto order = testing::ReadFormatsData("cli_order.txt");
  const std::string read_back =
      "server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2191\n"
      "server.9=127.0.0.2:2889:3889:observer;0.0.0.0:2209\n"
      "server.17=127.0.0.2:2817:3817:observer;0.0.0.0:2217\n"
      "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:2192\n"
      "server.10=127.0.0.2:2810:3810:observer;0.0.0.0:2210\n"
      "version=200000003";
  REQUIRE(order.find(read_back) != std::string::npos);
  const std::string line = ClientConfigString(read_back);
  CHECK(line == "200000003 0.0.0.0:2210,127.0.0.1:2192,127.0.0.1:2191,0.0.0.0:2217,0.0.0.0:2209");
  CHECK(order.find(line + "\n") != std::string::npos);
}

TEST_CASE("config -c: client addresses as getClientConfigStr prints them") {
  // 0.0.0.0 stays, IPv6 loses its brackets, a server without client address
  // leaves an empty element, a broken line leaves nothing, no version gives a
  // leading space (all observed or checked against ZooKeeper 3.8).
  CHECK(ClientConfigString("server.1=a:1:2\nserver.2=b:1:2;[::1]:3\nserver.3=bad") ==
        " 0:0:0:0:0:0:0:1:3,");
  CHECK(ClientConfigString("server.1=127.0.0.1:2881:3881;2181\nversion=1") == "1 0.0.0.0:2181");
  CHECK(ClientConfigString("") == " ");
  // zkCli's JVM has the multi-address feature off: such servers are skipped.
  ServerSpecOptions zkcli;
  zkcli.multi_address_enabled = false;
  const std::string multi = "server.1=a:1:2;3\nserver.2=b:1:2|c:4:5;3\nversion=1";
  CHECK(ClientConfigString(multi) == "1 0.0.0.0:3,0.0.0.0:3");
  CHECK(ClientConfigString(multi, zkcli) == "1 0.0.0.0:3");
}

TEST_CASE("config -c: DynamicConfig::ClientConfigString works on the text ZooKeeper would hold") {
  // /zookeeper/config lists 1,17,33,2,3,100,255 (HashMap order), and the
  // Properties bucket shared by server.3 and server.17 keeps that order, so
  // the line differs from the one for the input text above in two places.
  // Checked with ZooKeeper 3.8: getClientConfigStr(parseDynamicConfig(text).toString()).
  auto cfg = DynamicConfig::Parse(ConfigText({1, 2, 3, 17, 33, 100, 255}));
  REQUIRE(cfg.ok());
  CHECK(cfg->ClientConfigString() ==
        "100000000 0.0.0.0:4033,0.0.0.0:4002,0.0.0.0:4001,0.0.0.0:4017,0.0.0.0:4003,0.0.0.0:4100,"
        "0.0.0.0:4255");
  CHECK(cfg->ClientConfigString() == ClientConfigString(cfg->ToText()));
}

TEST_CASE("config -c: what a client reads back") {
  auto cc = ParseClientConfig("200000003 0.0.0.0:2210,127.0.0.1:2192,0:0:0:0:0:0:0:1:2194,Zoo1:5");
  REQUIRE(cc.ok());
  CHECK(cc->version == 0x200000003);
  REQUIRE(cc->hosts.size() == 4);
  CHECK(cc->hosts[0] == HostPort{"0.0.0.0", 2210});
  CHECK(cc->hosts[2] == HostPort{"0:0:0:0:0:0:0:1", 2194});
  CHECK(cc->hosts[3] == HostPort{"zoo1", 5});  // lowercased, as connect strings are
  CHECK(cc->ToString() == "200000003 0.0.0.0:2210,127.0.0.1:2192,0:0:0:0:0:0:0:1:2194,zoo1:5");
  auto again = ParseClientConfig(cc->ToString());
  REQUIRE(again.ok());
  CHECK(*again == *cc);

  auto with_empty = ParseClientConfig("1 a:1,,b:2,");
  REQUIRE(with_empty.ok());
  CHECK(with_empty->hosts.size() == 2);

  CHECK(ParseClientConfig(" 0.0.0.0:2181").status().message() ==
        "version \"\" is not a hex number");
  CHECK(ParseClientConfig("1").status().message() == "\"1\": expected \"<version> <hosts>\"");
  CHECK(ParseClientConfig("1 ,").status().message() == "\"1 ,\" names no client address");
  CHECK(ParseClientConfig("xyz a:1").status().code() == Error::kBadArguments);
  CHECK(ParseClientConfig("1 a:1,b:x").status().message() ==
        "element 2: \"b:x\": port \"x\" is not a number");
}

}  // namespace
}  // namespace zk::wire
