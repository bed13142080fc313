#include "zk/wire/server_spec.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace zk::wire {
namespace {

struct LegalLine {
  const char* input;
  const char* printed;  // as ZooKeeper writes it in /zookeeper/config
};

// Every legal server statement in the reconfig guide (seeds/zookeeperReconfig.md),
// with what ZooKeeper 3.8 prints for it (checked with the real QuorumServer).
constexpr LegalLine kGuideLines[] = {
    // "Specifying the client port"
    {"server.5 = 125.23.63.23:1234:1235;1236",
     "server.5=125.23.63.23:1234:1235:participant;0.0.0.0:1236"},
    {"server.5 = 125.23.63.23:1234:1235:participant;1236",
     "server.5=125.23.63.23:1234:1235:participant;0.0.0.0:1236"},
    {"server.5 = 125.23.63.23:1234:1235:observer;1236",
     "server.5=125.23.63.23:1234:1235:observer;0.0.0.0:1236"},
    {"server.5 = 125.23.63.23:1234:1235;125.23.63.24:1236",
     "server.5=125.23.63.23:1234:1235:participant;125.23.63.24:1236"},
    {"server.5 = 125.23.63.23:1234:1235:participant;125.23.63.23:1236",
     "server.5=125.23.63.23:1234:1235:participant;125.23.63.23:1236"},
    // "Specifying multiple server addresses"
    {"server.2=zoo2-net1:2888:3888|zoo2-net2:2889:3889;2188",
     "server.2=zoo2-net1:2888:3888|zoo2-net2:2889:3889:participant;0.0.0.0:2188"},
    {"server.2=zoo2-net1:2888:3888|zoo2-net2:2889:3889|zoo2-net3:2890:3890;2188",
     "server.2=zoo2-net1:2888:3888|zoo2-net2:2889:3889|zoo2-net3:2890:3890:participant;0.0.0.0:"
     "2188"},
    {"server.2=zoo2-net1:2888:3888|zoo2-net2:2889:3889;zoo2-net1:2188",
     "server.2=zoo2-net1:2888:3888|zoo2-net2:2889:3889:participant;zoo2-net1:2188"},
    {"server.2=zoo2-net1:2888:3888:observer|zoo2-net2:2889:3889:observer;2188",
     "server.2=zoo2-net1:2888:3888|zoo2-net2:2889:3889:observer;0.0.0.0:2188"},
    // "Dynamic configuration file", Example 1
    {"server.1=125.23.63.23:2780:2783:participant;2791",
     "server.1=125.23.63.23:2780:2783:participant;0.0.0.0:2791"},
    {"server.2=125.23.63.24:2781:2784:participant;2792",
     "server.2=125.23.63.24:2781:2784:participant;0.0.0.0:2792"},
    {"server.3=125.23.63.25:2782:2785:participant;2793",
     "server.3=125.23.63.25:2782:2785:participant;0.0.0.0:2793"},
    // "Backward compatibility": no client part
    {"server.1=125.23.63.23:2780:2783:participant", "server.1=125.23.63.23:2780:2783:participant"},
    {"server.2=125.23.63.24:2781:2784:participant", "server.2=125.23.63.24:2781:2784:participant"},
    {"server.3=125.23.63.25:2782:2785:participant", "server.3=125.23.63.25:2782:2785:participant"},
    // "Incremental mode", including the short "<id>=" form
    {"server.5=125.23.63.23:1234:1235;1236",
     "server.5=125.23.63.23:1234:1235:participant;0.0.0.0:1236"},
    {"server.5=localhost:2111:2112;2113", "server.5=localhost:2111:2112:participant;0.0.0.0:2113"},
    {"6=localhost:2114:2115:observer;2116", "server.6=localhost:2114:2115:observer;0.0.0.0:2116"},
    {"server.4=localhost:1234:1235;1236", "server.4=localhost:1234:1235:participant;0.0.0.0:1236"},
    // "Non-incremental mode": Java API examples. A bare number is an IPv4
    // literal to Java (1111 = 0.0.4.87), and ZooKeeper prints it so.
    {"server.1=1111:1234:1235;1236", "server.1=0.0.4.87:1234:1235:participant;0.0.0.0:1236"},
    {"server.2=1112:1237:1238;1239", "server.2=0.0.4.88:1237:1238:participant;0.0.0.0:1239"},
    {"server.3=1114:1240:1241:observer;1242", "server.3=0.0.4.90:1240:1241:observer;0.0.0.0:1242"},
    // The -members example (without the guide's stray "}}").
    {"server.1=125.23.63.23:2780:2783:participant;2791",
     "server.1=125.23.63.23:2780:2783:participant;0.0.0.0:2791"},
};

TEST_CASE("server lines: every legal example of the guide parses and prints as ZooKeeper does") {
  for (const auto& c : kGuideLines) {
    INFO(c.input);
    auto spec = ParseServerLine(c.input);
    REQUIRE(spec.ok());
    CHECK(spec->ToLine() == c.printed);
    // text -> struct -> text is stable
    auto again = ParseServerLine(spec->ToLine());
    REQUIRE(again.ok());
    CHECK(*again == *spec);
    CHECK(again->ToLine() == c.printed);
  }
}

TEST_CASE("server lines: the parsed fields") {
  auto s =
      ParseServerLine("server.2=zoo2-net2:2889:3889:observer|zoo2-net1:2888:3888;zoo2-net1:2188");
  REQUIRE(s.ok());
  CHECK(s->id == 2);
  REQUIRE(s->addresses.size() == 2);
  CHECK(s->addresses[0] == QuorumAddress{"zoo2-net1", 2888, 3888});  // sorted by host
  CHECK(s->addresses[1] == QuorumAddress{"zoo2-net2", 2889, 3889});
  CHECK(s->type == LearnerType::kObserver);  // one explicit role decides
  REQUIRE(s->client.has_value());
  CHECK(*s->client == HostPort{"zoo2-net1", 2188});

  auto bare = ParseServerSpec(9, "10.0.0.1:2888:3888");
  REQUIRE(bare.ok());
  CHECK(bare->is_participant());
  CHECK_FALSE(bare->client.has_value());
  CHECK(bare->SpecString() == "10.0.0.1:2888:3888:participant");
}

TEST_CASE("server lines: where a client connects (a wildcard client host becomes the quorum host)") {
  auto bare_port = ParseServerLine("server.1=125.23.63.23:2780:2783:participant;2791");
  REQUIRE(bare_port.ok());
  CHECK(*bare_port->client == HostPort{"0.0.0.0", 2791});  // as ZooKeeper publishes it
  CHECK(bare_port->ConnectAddress() == HostPort{"125.23.63.23", 2791});
  auto v6 = ParseServerLine("server.2=b.example:2888:3888|a.example:2889:3889;[::]:2181");
  REQUIRE(v6.ok());
  REQUIRE(v6->ConnectAddress().has_value());
  CHECK(v6->ConnectAddress()->host == "a.example");  // the first address, sorted
  auto named = ParseServerLine("server.3=10.0.0.3:2888:3888;zk3:2181");
  REQUIRE(named.ok());
  CHECK(named->ConnectAddress() == HostPort{"zk3", 2181});
  auto none = ParseServerLine("server.4=10.0.0.4:2888:3888");
  REQUIRE(none.ok());
  CHECK_FALSE(none->ConnectAddress().has_value());
  CHECK(IsWildcardHost("0.0.0.0"));
  CHECK(IsWildcardHost("::"));
  CHECK(IsWildcardHost("0:0:0:0:0:0:0:0"));
  CHECK_FALSE(IsWildcardHost("127.0.0.1"));
}

TEST_CASE("server lines: host normalisation follows Java's InetSocketAddress") {
  struct Case {
    const char* spec;
    const char* printed;
  };
  const std::vector<Case> cases = {
      {"[::1]:2884:3884:observer;[::1]:2194",
       "[0:0:0:0:0:0:0:1]:2884:3884:observer;[0:0:0:0:0:0:0:1]:2194"},  // observed in
                                                                        // cli_reconfig_ok
      {"[2001:DB8::1]:1:2", "[2001:db8:0:0:0:0:0:1]:1:2:participant"},
      {"[::ffff:1.2.3.4]:1:2", "1.2.3.4:1:2:participant"},
      {"[::1.2.3.4]:1:2", "[0:0:0:0:0:0:102:304]:1:2:participant"},
      {"[fe80::1%1]:1:2", "[fe80:0:0:0:0:0:0:1%1]:1:2:participant"},
      {"127.1:1:2", "127.0.0.1:1:2:participant"},
      {"0127.0.0.1:1:2", "127.0.0.1:1:2:participant"},
      {"4294967295:1:2", "255.255.255.255:1:2:participant"},
      {"256.1.1.1:1:2", "256.1.1.1:1:2:participant"},                  // not an address: a name
      {"Zoo-1.Example.COM:1:2", "Zoo-1.Example.COM:1:2:participant"},  // names keep their case
      {":1:2", "localhost:1:2:participant"},  // Java resolves "" to the loopback
      {"h:1:2;[::]:5", "h:1:2:participant;[0:0:0:0:0:0:0:0]:5"},
      {"h:+1:2", "h:1:2:participant"},  // Integer.parseInt accepts a '+'
      {"h:1:2:", "h:1:2:participant"},  // Java's split drops trailing empty fields
      {"h:1:2;", "h:1:2:participant"},
      {"h:1:2: Observer ", "h:1:2:observer"},
      {"  h:1:2;2181  ", "h:1:2:participant;0.0.0.0:2181"},
  };
  for (const auto& c : cases) {
    INFO(c.spec);
    auto s = ParseServerSpec(1, c.spec);
    REQUIRE(s.ok());
    CHECK(s->SpecString() == c.printed);
    auto again = ParseServerSpec(1, s->SpecString());
    REQUIRE(again.ok());
    CHECK(again->SpecString() == c.printed);
  }
}

TEST_CASE("server lines: each illegal form gets its own error") {
  struct Case {
    const char* spec;
    Error code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"h:1:2;3;4", Error::kBadArguments,
       "\"h:1:2;3;4\": more than one ';' (expected server_config[;client_config])"},
      {"h:1:2;;3", Error::kBadArguments,
       "\"h:1:2;;3\": more than one ';' (expected server_config[;client_config])"},
      {"h:2888", Error::kBadArguments,
       "address \"h:2888\" has 2 ':'-separated fields, expected host:port:port[:role]"},
      {"h", Error::kBadArguments,
       "address \"h\" has 1 ':'-separated fields, expected host:port:port[:role]"},
      {"", Error::kBadArguments,
       "address \"\" has 1 ':'-separated fields, expected host:port:port[:role]"},
      {"h:1:2:observer:x", Error::kBadArguments,
       "address \"h:1:2:observer:x\" has 5 ':'-separated fields, expected host:port:port[:role]"},
      {"::1:2888:3888", Error::kBadArguments,
       "address \"::1:2888:3888\" has 5 ':'-separated fields, expected host:port:port[:role]"},
      {"h:x:3888", Error::kBadArguments, "quorum port \"x\" is not a number"},
      {"h:2888:y", Error::kBadArguments, "election port \"y\" is not a number"},
      {"h::3888", Error::kBadArguments, "quorum port \"\" is not a number"},
      {"h:2888:3888;abc", Error::kBadArguments, "client port \"abc\" is not a number"},
      {"h:2888:3888;h:", Error::kBadArguments, "client port \"h\" is not a number"},
      {"h:2888:3888;a:b:c", Error::kBadArguments,
       "client address \"a:b:c\" is not port or host:port"},
      {"h:2888:2888", Error::kBadArguments,
       "address \"h:2888:2888\": quorum and election port must be different (both 2888)"},
      {"h:2888:3888:leader", Error::kBadArguments,
       "Unrecognised peertype: \"leader\" (expected participant or observer)"},
      {"a:1:2:participant|b:3:4:observer", Error::kBadArguments,
       "addresses have different roles: participant and observer"},
      {"[::1:2888:3888", Error::kBadArguments,
       "\"[::1:2888:3888\" starts with '[' but has no matching ']'"},
      {"[::1]x2888:3888", Error::kBadArguments, "\"[::1]x2888:3888\" does not have ':' after ']'"},
      {"h:1:2;[::1]:", Error::kBadArguments,
       "client address: \"[::1]:\" doesn't have a port after colon"},
      {"h:1:2;[::1", Error::kBadArguments,
       "client address: \"[::1\" starts with '[' but has no matching ']'"},
      {"h:1:2;[::1]", Error::kBadArguments, "client port \"::1\" is not a number"},
      {"|", Error::kBadArguments, "\"|\": no quorum address"},
      {"a b:1:2", Error::kBadArguments, "address \"a b\": invalid character in host"},
      {"a,b:1:2", Error::kBadArguments, "address \"a,b\": invalid character in host"},
      {"a/b:1:2", Error::kBadArguments, "address \"a/b\": invalid character in host"},
      {"h:1:2;a\\b:3", Error::kBadArguments,
       "client address \"a\\\\b\": invalid character in host"},
      {"[1::2::3]:1:2", Error::kBadArguments, "address \"1::2::3\": not an IPv6 address"},
      {"[foo]x:1:2", Error::kBadArguments, "\"[foo]x:1:2\" does not have ':' after ']'"},
      {"a:1:2|a:1:3", Error::kBadArguments, "quorum address a:1 appears twice"},
      {"a:1:2|a:3:2", Error::kBadArguments, "election address a:2 appears twice"},
      {"h:70000:3888", Error::kMarshallingError, "quorum port out of range: 70000"},
      {"h:2888:-1", Error::kMarshallingError, "election port out of range: -1"},
      {"h:2888:3888;65536", Error::kMarshallingError, "client port out of range: 65536"},
      {";;;", Error::kMarshallingError, "\";;;\": no server address"},
      {"h:1:2;:", Error::kMarshallingError, "client address \":\" has no port"},
  };
  for (const auto& c : cases) {
    INFO(c.spec);
    auto s = ParseServerSpec(5, c.spec);
    REQUIRE_FALSE(s.ok());
    CHECK(s.status().code() == c.code);
    CHECK(s.status().message() == c.message);
  }
}

TEST_CASE("server lines: the multi-address feature can be disabled as in ZooKeeper's default") {
  ServerSpecOptions off;
  off.multi_address_enabled = false;
  auto s = ParseServerSpec(2, "a:1:2|b:3:4;5", off);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message() ==
        "multiple addresses given for server.2 but the multi-address feature is disabled");
  CHECK(ParseServerSpec(2, "a:1:2;5", off).ok());
}

TEST_CASE("server lines: keys and line forms") {
  CHECK(*ParseServerKeyId("server.17") == 17);
  CHECK(*ParseServerKeyId("server.+3") == 3);
  auto bad = ParseServerKeyId("server.x");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Error::kMarshallingError);
  CHECK(bad.status().message() == "server id \"x\" is not a number");

  auto line = ParseServerLine("  server.3   =   127.0.0.1:2883:3883;2193  ");
  REQUIRE(line.ok());
  CHECK(line->ToLine() == "server.3=127.0.0.1:2883:3883:participant;0.0.0.0:2193");
  auto err = ParseServerLine("server.3=127.0.0.1:2883:2883");
  REQUIRE_FALSE(err.ok());
  CHECK(err.status().message() ==
        "server.3: address \"127.0.0.1:2883:2883\": quorum and election port must be different "
        "(both 2883)");
  CHECK_FALSE(ParseServerLine("server.3 127.0.0.1:1:2").ok());
  CHECK(ParseServerLine("abc=127.0.0.1:1:2").status().message() ==
        "\"abc\" is neither server.<id> nor <id>");
}

TEST_CASE("reconfig -add / -remove arguments as the leader reads them") {
  // zkCli lowercases the argument; the id is the text after the last '.'.
  auto j = ParseJoiningServers(
      "server.5=localhost:2111:2112;2113, 6=localhost:2114:2115:observer;2116,,");
  REQUIRE(j.ok());
  REQUIRE(j->size() == 2);
  CHECK((*j)[0].ToLine() == "server.5=localhost:2111:2112:participant;0.0.0.0:2113");
  CHECK((*j)[1].ToLine() == "server.6=localhost:2114:2115:observer;0.0.0.0:2116");

  // Observed -8 (BadArguments) cases of cli_reconfig_errors.txt.
  auto no_client = ParseJoiningServers("4=127.0.0.1:2884:3884");
  REQUIRE_FALSE(no_client.ok());
  CHECK(no_client.status().code() == Error::kBadArguments);
  CHECK(no_client.status().message() ==
        "server.4: no client address (each server should have 3 ports specified)");
  auto two_fields = ParseJoiningServers("server.4=127.0.0.1:2884");
  REQUIRE_FALSE(two_fields.ok());
  CHECK(two_fields.status().code() == Error::kBadArguments);
  auto same_ports = ParseJoiningServers("server.4=127.0.0.1:2884:2884;2194");
  CHECK(same_ports.status().code() == Error::kBadArguments);
  auto no_eq = ParseJoiningServers("server.4");
  CHECK(no_eq.status().message() ==
        "\"server.4\": wrong format of server string (expected server.<id>=<spec>)");
  CHECK(ParseJoiningServers("a=b=c").status().code() == Error::kBadArguments);
  CHECK(ParseJoiningServers("server.x=h:1:2;3").status().code() == Error::kMarshallingError);

  auto l = ParseLeavingServers("1, 3,,17");
  REQUIRE(l.ok());
  CHECK(*l == std::vector<int64_t>{1, 3, 17});
  // Observed: -remove abc -> MarshallingError.
  auto abc = ParseLeavingServers("abc");
  REQUIRE_FALSE(abc.ok());
  CHECK(abc.status().code() == Error::kMarshallingError);
  CHECK(ParseLeavingServers("")->empty());
}

TEST_CASE("address conflicts skip wildcard and loopback addresses, as ZooKeeper does") {
  auto member = *ParseServerSpec(1, "127.0.0.1:2881:3881;127.0.0.1:2191");
  // Observed in cli_reconfig_errors.txt: re-using 127.0.0.1:2881 was accepted.
  auto joiner = *ParseServerSpec(4, "127.0.0.1:2881:3884;2194");
  CHECK_FALSE(FindAddressConflict(joiner, member).has_value());

  auto a = *ParseServerSpec(1, "10.0.0.1:2881:3881;10.0.0.1:2191");
  auto b = *ParseServerSpec(4, "10.0.0.1:2191:3884;2194");
  auto conflict = FindAddressConflict(b, a);
  REQUIRE(conflict.has_value());
  CHECK(*conflict == "10.0.0.1:2191 of server.4 conflicts 10.0.0.1:2191 of server.1");
  auto names =
      FindAddressConflict(*ParseServerSpec(4, "ZOO1:1:2;3"), *ParseServerSpec(1, "zoo1:1:6;7"));
  REQUIRE(names.has_value());
  CHECK(*names == "ZOO1:1 of server.4 conflicts zoo1:1 of server.1");
  CHECK_FALSE(FindAddressConflict(*ParseServerSpec(4, "localhost:1:2;3"),
                                  *ParseServerSpec(1, "localhost:1:2;3"))
                  .has_value());
}

}  // namespace
}  // namespace zk::wire
