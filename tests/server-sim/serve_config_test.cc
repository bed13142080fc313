// zksim serve --config: zoo.cfg loading (split and backward-compatible
// forms, errors naming the line) and the files written on reconfig.
#include "serve_config.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ensemble.h"

namespace fs = std::filesystem;
using zk::sim::ServeConfig;
using zk::sim::SimOptions;

namespace {

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "zksim-cfg-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string p = (fs::path(path) / name).string();
    std::ofstream(p) << text;
    return p;
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(fs::path(path) / name);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string path;
};

}  // namespace

TEST_CASE("split form: members from the dynamic file, version from its name") {
  TempDir d;
  std::string dyn = d.Write("zoo.cfg.dynamic.100000000",
                            "server.1=127.0.0.1:2881:3881:participant;127.0.0.1:22181\n"
                            "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:22182\n"
                            "server.3=127.0.0.1:2883:3883:observer;127.0.0.1:22183\n");
  std::string cfg = d.Write("zoo.cfg",
                            "tickTime=500\ndataDir=/tmp/x\nreconfigEnabled=true\n"
                            "dynamicConfigFile=" +
                                dyn + "\n");
  SimOptions o;
  auto sc = ServeConfig::Load(cfg, &o);
  REQUIRE(sc.ok());
  CHECK(o.tick_ms == 500);
  CHECK(o.reconfig_enabled);
  REQUIRE(o.members.size() == 3);
  CHECK(o.members[0].listen_port == 22181);
  CHECK(o.members[2].observer);
  CHECK(sc->my_id() == 1);
  CHECK(o.initial_config_version == 0x100000000);  // the file name's hex version
  CHECK_FALSE(o.extended_types_enabled);
}

TEST_CASE("backward-compatible form: clientPort serves the lowest participant") {
  TempDir d;
  std::string cfg = d.Write("zoo.cfg",
                            "tickTime=2000\ndataDir=/tmp/x\nclientPort=22791\n"
                            "server.1=127.0.0.1:2780:2783:participant\n"
                            "server.2=127.0.0.1:2781:2784:participant;22792\n"
                            "server.3=127.0.0.1:2782:2785:participant;22793\n");
  SimOptions o;
  auto sc = ServeConfig::Load(cfg, &o);
  REQUIRE(sc.ok());
  CHECK_FALSE(o.reconfig_enabled);  // ZooKeeper's default
  REQUIRE(o.members.size() == 3);
  CHECK(o.members[0].listen_port == 22791);
  CHECK(o.members[0].client_port == 0);  // no client address in its line
  CHECK(o.members[1].listen_port == 22792);
  CHECK(o.members[1].client_host == "0.0.0.0");
  CHECK(o.initial_config_version == 0);  // no version: the first leader's epoch << 32
}

TEST_CASE("extendedTypesEnabled: Java's Boolean.getBoolean (\"true\" in any case only)") {
  TempDir d;
  for (const auto& [value, want] : std::vector<std::pair<std::string, bool>>{
           {"true", true}, {"TRUE", true}, {"yes", false}, {"1", false}, {"false", false}}) {
    std::string cfg = d.Write("zoo.cfg",
                              "tickTime=2000\ndataDir=/tmp/x\nclientPort=22791\n"
                              "extendedTypesEnabled=" +
                                  value + "\n");
    SimOptions o;
    INFO(value);
    REQUIRE(ServeConfig::Load(cfg, &o).ok());
    CHECK(o.extended_types_enabled == want);
  }
}

TEST_CASE("bad config: the error names the file and the line") {
  TempDir d;
  std::string cfg = d.Write("zoo.cfg",
                            "tickTime=2000\ndataDir=/tmp/x\n"
                            "server.1=127.0.0.1:2780:2783:participant;2791\n"
                            "server.2=127.0.0.1:2781:participant;2792\n");
  SimOptions o;
  auto sc = ServeConfig::Load(cfg, &o);
  REQUIRE_FALSE(sc.ok());
  INFO(sc.status().message());
  CHECK(sc.status().message().find(cfg + ": line 4:") == 0);

  std::string bad_num = d.Write("zoo2.cfg", "tickTime=abc\ndataDir=/tmp/x\nclientPort=2181\n");
  auto sc2 = ServeConfig::Load(bad_num, &o);
  REQUIRE_FALSE(sc2.ok());
  CHECK(sc2.status().message().find(bad_num + ": line 1:") == 0);

  auto missing = ServeConfig::Load(d.path + "/nope.cfg", &o);
  REQUIRE_FALSE(missing.ok());
}

TEST_CASE("reconfig writes zoo.cfg.dynamic.<hex> and points the static file at it") {
  TempDir d;
  std::string dyn = d.Write("zoo.cfg.dynamic.100000000",
                            "server.1=127.0.0.1:2881:3881:participant;127.0.0.1:22181\n"
                            "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:22182\n"
                            "server.3=127.0.0.1:2883:3883:participant;127.0.0.1:22183\n");
  std::string cfg = d.Write("zoo.cfg",
                            "tickTime=2000\ndataDir=/tmp/x\nreconfigEnabled=true\n"
                            "dynamicConfigFile=" +
                                dyn + "\n");
  SimOptions o;
  auto sc = ServeConfig::Load(cfg, &o);
  REQUIRE(sc.ok());
  REQUIRE(sc->OnStarted(0x100000000).ok());  // split form: nothing to do
  REQUIRE(sc->OnCommitted("server.1=127.0.0.1:2881:3881:participant;127.0.0.1:22181\n"
                          "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:22182\n"
                          "version=100000002")
              .ok());
  CHECK(d.Read("zoo.cfg.dynamic.100000002") ==
        "server.1=127.0.0.1:2881:3881:participant;127.0.0.1:22181\n"
        "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:22182");
  std::string canonical = fs::weakly_canonical(fs::path(d.path) / "zoo.cfg.dynamic.100000002");
  std::string st = d.Read("zoo.cfg");
  CHECK(st.find("dynamicConfigFile=" + canonical + "\n") != std::string::npos);
  CHECK(st.find("reconfigEnabled=true\n") != std::string::npos);
  CHECK(d.Read("zoo.cfg.dynamic.100000000").size() > 0);  // earlier files are kept
}

TEST_CASE("backward-compatible form is split at start, clientPort kept when not redundant") {
  TempDir d;
  std::string cfg =
      d.Write("zoo.cfg",
              "tickTime=2000\ndataDir=/tmp/x\nreconfigEnabled=true\nclientPort=22791\n"
              "server.1=127.0.0.1:2780:2783:participant\n"
              "server.2=127.0.0.1:2781:2784:participant;22792\n"
              "server.3=127.0.0.1:2782:2785:participant;22793\n");
  SimOptions o;
  auto sc = ServeConfig::Load(cfg, &o);
  REQUIRE(sc.ok());
  REQUIRE(sc->OnStarted(0x100000000).ok());
  CHECK(fs::exists(cfg + ".bak"));
  CHECK(d.Read("zoo.cfg.dynamic.100000000") ==
        "server.1=127.0.0.1:2780:2783:participant\n"
        "server.2=127.0.0.1:2781:2784:participant;0.0.0.0:22792\n"
        "server.3=127.0.0.1:2782:2785:participant;0.0.0.0:22793");
  std::string st = d.Read("zoo.cfg");
  CHECK(st.find("clientPort=22791\n") != std::string::npos);
  CHECK(st.find("server.") == std::string::npos);
  // A reconfig that gives server 1 a client address makes clientPort redundant.
  REQUIRE(sc->OnCommitted("server.1=127.0.0.1:2780:2783:participant;0.0.0.0:22791\n"
                          "server.2=127.0.0.1:2781:2784:participant;0.0.0.0:22792\n"
                          "version=100000003")
              .ok());
  st = d.Read("zoo.cfg");
  CHECK(st.find("clientPort") == std::string::npos);
  CHECK(st.find("zoo.cfg.dynamic.100000003\n") != std::string::npos);
}

TEST_CASE("config text is written by the wire library as ZooKeeper writes it") {
  std::map<int64_t, zk::sim::Member> members;
  members[1] = zk::sim::Member{1, "127.0.0.1", 2881, 3881, false, "127.0.0.1", 2181};
  members[2] = zk::sim::Member{2, "127.0.0.1", 2882, 3882, true, "0.0.0.0", 2182};
  members[3] = zk::sim::Member{3, "127.0.0.1", 2883, 3883, false, "127.0.0.1", 0};
  CHECK(zk::sim::Ensemble::ConfigTextOf(members, 0x100000000) ==
        "server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2181\n"
        "server.2=127.0.0.1:2882:3882:observer;0.0.0.0:2182\n"
        "server.3=127.0.0.1:2883:3883:participant\n"
        "version=100000000");
}

TEST_CASE("TLS and enforced auth keys: secureClientPort, PEM stores, ssl.clientAuth") {
  TempDir d;
  std::string cfg = d.Write("zoo.cfg",
                            "tickTime=2000\ndataDir=/tmp/x\nclientPort=22181\n"
                            "secureClientPort=22281\n"
                            "ssl.keyStore.location=/etc/zk/keystore.pem\nssl.keyStore.type=pem\n"
                            "ssl.trustStore.location=/etc/zk/ca.pem\nssl.trustStore.type=PEM\n"
                            "ssl.clientAuth=want\n"
                            "enforce.auth.enabled=TRUE\nenforce.auth.schemes=sasl, x509\n");
  SimOptions o;
  auto sc = ServeConfig::Load(cfg, &o);
  REQUIRE(sc.ok());
  REQUIRE(o.members.size() == 1);
  CHECK(o.members[0].listen_port == 22181);
  CHECK(o.members[0].secure_listen_port == 22281);
  CHECK(o.tls_cert == "/etc/zk/keystore.pem");
  CHECK(o.tls_key == "/etc/zk/keystore.pem");
  CHECK(o.tls_ca == "/etc/zk/ca.pem");
  CHECK(o.tls_client_auth == "want");
  CHECK(o.enforce_auth_schemes == std::vector<std::string>{"sasl", "x509"});

  SimOptions s;
  REQUIRE(ServeConfig::Load(d.Write("s.cfg", "tickTime=2000\ndataDir=/tmp/x\nclientPort=22181\n"
                                             "sessionRequireClientSASLAuth=true\n"
                                             "enforce.auth.schemes=x509\n"),
                            &s)
              .ok());
  CHECK(s.enforce_auth_schemes == std::vector<std::string>{"sasl"});

  SimOptions bad;
  auto jks = ServeConfig::Load(
      d.Write("jks.cfg", "tickTime=2000\ndataDir=/tmp/x\nclientPort=22181\nssl.keyStore.type=JKS\n"), &bad);
  REQUIRE_FALSE(jks.ok());
  CHECK(jks.status().message().find("ssl.keyStore.type=JKS: zksim reads PEM stores only") !=
        std::string::npos);
  auto pw = ServeConfig::Load(
      d.Write("pw.cfg", "tickTime=2000\ndataDir=/tmp/x\nclientPort=22181\nssl.keyStore.password=x\n"), &bad);
  REQUIRE_FALSE(pw.ok());
  CHECK(pw.status().message().find("ssl.keyStore.password") != std::string::npos);
  auto noschemes = ServeConfig::Load(
      d.Write("e.cfg", "tickTime=2000\ndataDir=/tmp/x\nclientPort=22181\nenforce.auth.enabled=true\n"), &bad);
  REQUIRE_FALSE(noschemes.ok());
  CHECK(noschemes.status().message().find("enforce.auth.schemes is not set") != std::string::npos);
}
