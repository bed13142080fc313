#include "zk/wire/zoo_cfg.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace zk::wire {
namespace {

// The guide's files (seeds/zookeeperReconfig.md).
constexpr const char* kExample1Static =
    "tickTime=2000\n"
    "dataDir=/zookeeper/data/zookeeper1\n"
    "initLimit=5\n"
    "syncLimit=2\n"
    "dynamicConfigFile=/zookeeper/conf/zoo_replicated1.cfg.dynamic\n";

constexpr const char* kExample1Dynamic =
    "server.1=125.23.63.23:2780:2783:participant;2791\n"
    "server.2=125.23.63.24:2781:2784:participant;2792\n"
    "server.3=125.23.63.25:2782:2785:participant;2793\n";

// Example 2 as the seed copy of the guide has it: cut short after
// "clientPort=".
constexpr const char* kExample2Seed =
    "tickTime=2000\n"
    "dataDir=/zookeeper/data/zookeeper1\n"
    "initLimit=5\n"
    "syncLimit=2\n"
    "clientPort=\n";

// Example 2 as the ZooKeeper documentation has it: one file, client ports in
// the server lines, a redundant clientPort.
constexpr const char* kExample2 =
    "tickTime=2000\n"
    "dataDir=/zookeeper/data/zookeeper1\n"
    "initLimit=5\n"
    "syncLimit=2\n"
    "clientPort=2791\n"
    "server.1=125.23.63.23:2780:2783:participant;2791\n"
    "server.2=125.23.63.24:2781:2784:participant;2792\n"
    "server.3=125.23.63.25:2782:2785:participant;2793\n";

constexpr const char* kBackwardCompatible =
    "tickTime=2000\n"
    "dataDir=/zookeeper/data/zookeeper1\n"
    "initLimit=5\n"
    "syncLimit=2\n"
    "clientPort=2791\n"
    "server.1=125.23.63.23:2780:2783:participant\n"
    "server.2=125.23.63.24:2781:2784:participant\n"
    "server.3=125.23.63.25:2782:2785:participant\n";

ZooCfg MustParse(const std::string& text) {
  auto cfg = ZooCfg::Parse(text);
  INFO(text);
  REQUIRE(cfg.ok());
  return *cfg;
}

TEST_CASE("zoo.cfg: Example 1, static file with dynamicConfigFile") {
  const ZooCfg cfg = MustParse(kExample1Static);
  REQUIRE(cfg.dynamic_config_file().has_value());
  CHECK(*cfg.dynamic_config_file() == "/zookeeper/conf/zoo_replicated1.cfg.dynamic");
  CHECK_FALSE(cfg.has_dynamic_section());
  CHECK_FALSE(cfg.client_port().has_value());
  CHECK(cfg.standalone_enabled());
  CHECK_FALSE(cfg.reconfig_enabled());
  CHECK(cfg.CheckComplete().ok());
  CHECK(*cfg.Get("initLimit") == "5");
  // The dynamic file has no version in its name: version 0.
  CHECK_FALSE(
      VersionFromDynamicFileName("/zookeeper/conf/zoo_replicated1.cfg.dynamic").has_value());
  auto dynamic = DynamicConfig::ParseDynamicFile(kExample1Dynamic, 0);
  REQUIRE(dynamic.ok());
  CHECK(dynamic->size() == 3);

  // After a reconfig to version 0x100000000 ZooKeeper rewrites the static
  // file: Properties order (checked with ZooKeeper 3.8), new pointer last.
  CHECK(cfg.RewriteStatic("/zookeeper/conf/zoo_replicated1.cfg.dynamic.100000000", false) ==
        "dataDir=/zookeeper/data/zookeeper1\n"
        "tickTime=2000\n"
        "initLimit=5\n"
        "syncLimit=2\n"
        "dynamicConfigFile=/zookeeper/conf/zoo_replicated1.cfg.dynamic.100000000\n");
  CHECK(cfg.RewriteStatic("/d.1", false, StaticKeyOrder::kFile) ==
        "tickTime=2000\ndataDir=/zookeeper/data/zookeeper1\ninitLimit=5\nsyncLimit=2\n"
        "dynamicConfigFile=/d.1\n");
}

TEST_CASE("zoo.cfg: Example 2 as printed in the seed guide is cut short, and rejected") {
  auto cfg = ZooCfg::Parse(kExample2Seed);
  REQUIRE_FALSE(cfg.ok());
  CHECK(cfg.status().message() == "line 5: clientPort: \"\" is not a number");
}

TEST_CASE("zoo.cfg: Example 2 splits into the two files of Example 1, clientPort removed") {
  const ZooCfg cfg = MustParse(kExample2);
  CHECK(cfg.has_dynamic_section());
  CHECK(cfg.dynamic_section().size() == 3);
  CHECK(cfg.client_port() == uint16_t{2791});
  auto split = cfg.SplitBackwardCompatible("/zookeeper/conf/zoo_replicated1.cfg", 1, 0x100000000);
  REQUIRE(split.ok());
  CHECK(split->dynamic_file_name == "/zookeeper/conf/zoo_replicated1.cfg.dynamic.100000000");
  CHECK(split->dynamic_text ==
        "server.1=125.23.63.23:2780:2783:participant;0.0.0.0:2791\n"
        "server.2=125.23.63.24:2781:2784:participant;0.0.0.0:2792\n"
        "server.3=125.23.63.25:2782:2785:participant;0.0.0.0:2793");
  CHECK(split->static_text ==
        "dataDir=/zookeeper/data/zookeeper1\n"
        "tickTime=2000\n"
        "initLimit=5\n"
        "syncLimit=2\n"
        "dynamicConfigFile=/zookeeper/conf/zoo_replicated1.cfg.dynamic.100000000\n");
  // The split files read back as Example 1.
  const ZooCfg after = MustParse(split->static_text);
  CHECK_FALSE(after.has_dynamic_section());
  auto dynamic = DynamicConfig::ParseDynamicFile(split->dynamic_text, 0x100000000);
  REQUIRE(dynamic.ok());
  CHECK(*dynamic == *DynamicConfig::ParseDynamicFile(kExample1Dynamic, 0x100000000));
}

TEST_CASE("zoo.cfg: backward compatibility keeps a clientPort that is not redundant") {
  const ZooCfg cfg = MustParse(kBackwardCompatible);
  auto split = cfg.SplitBackwardCompatible("/conf/zoo.cfg", 1, 0x100000000);
  REQUIRE(split.ok());
  CHECK(split->dynamic_text ==
        "server.1=125.23.63.23:2780:2783:participant\n"
        "server.2=125.23.63.24:2781:2784:participant\n"
        "server.3=125.23.63.25:2782:2785:participant");
  CHECK(split->static_text ==
        "dataDir=/zookeeper/data/zookeeper1\n"
        "tickTime=2000\n"
        "initLimit=5\n"
        "clientPort=2791\n"
        "syncLimit=2\n"
        "dynamicConfigFile=/conf/zoo.cfg.dynamic.100000000\n");

  // A reconfig then gives server 1 a client port: the next rewrite drops
  // clientPort, which is now redundant.
  const ZooCfg split_static = MustParse(split->static_text);
  auto current = DynamicConfig::ParseDynamicFile(split->dynamic_text, 0x100000000);
  REQUIRE(current.ok());
  DynamicConfig next = current->CopyForIncrementalReconfig();
  next.Upsert(*ParseServerSpec(1, "125.23.63.23:2780:2783:participant;2791"));
  next.set_version(0x100000005);
  CHECK_FALSE(StaticClientPortRedundant(*current, 1));
  CHECK(StaticClientPortRedundant(next, 1));
  CHECK_FALSE(StaticClientPortRedundant(next, 2));
  CHECK_FALSE(StaticClientPortRedundant(next, 9));
  CHECK(split_static.RewriteStatic(DynamicFileName("/conf/zoo.cfg", next.version()),
                                   StaticClientPortRedundant(next, 1)) ==
        "dataDir=/zookeeper/data/zookeeper1\n"
        "tickTime=2000\n"
        "initLimit=5\n"
        "syncLimit=2\n"
        "dynamicConfigFile=/conf/zoo.cfg.dynamic.100000005\n");
}

TEST_CASE("zoo.cfg: the split refuses a static client address that contradicts the server line") {
  const ZooCfg cfg = MustParse(
      "tickTime=2000\ndataDir=/d\nclientPort=2000\n"
      "server.1=10.0.0.1:2780:2783;2791\nserver.2=10.0.0.2:2780:2783;2791\n");
  auto split = cfg.SplitBackwardCompatible("/conf/zoo.cfg", 1, 0x100000000);
  REQUIRE_FALSE(split.ok());
  CHECK(split.status().message() ==
        "client address for this server (id = 1) in static config file is 0.0.0.0:2000 is "
        "different from client address found in dynamic file: 0.0.0.0:2791");
  // Another server id has nothing to compare.
  CHECK(cfg.SplitBackwardCompatible("/conf/zoo.cfg", 7, 0x100000000).ok());
  CHECK_FALSE(MustParse(kExample1Static).SplitBackwardCompatible("/c", 1, 1).ok());
}

TEST_CASE("zoo.cfg: errors name the line number and the problem") {
  struct Case {
    const char* text;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"tickTime=2000\n\n# c\ninitLimit=five\n", "line 4: initLimit: \"five\" is not a number"},
      {"clientPort=70000", "line 1: clientPort: port out of range: 70000"},
      {"a=1\nelectionAlg=1", "line 2: Invalid electionAlg value. Only 3 is supported."},
      {"standaloneEnabled=yes",
       "line 1: Invalid option \"yes\" for standaloneEnabled. Choose 'true' or 'false.'"},
      {"peerType=leader", "line 1: Unrecognised peertype: \"leader\""},
      {"jvm.pause.sleep.time.ms=1.5", "line 1: jvm.pause.sleep.time.ms: \"1.5\" is not a number"},
      {"dynamicConfigFile=/d\nserver.1=a:1:2;3",
       "line 2: parameter: server.1 must be in a separate dynamic config file"},
      {"server.1=a:1:2;3\ndynamicConfigFile=/d",
       "line 1: parameter: server.1 must be in a separate dynamic config file"},
      {"dynamicConfigFile=/d\ngroup.1=1",
       "line 2: parameter: group.1 must be in a separate dynamic config file"},
      {"tickTime=2000\nserver.1=a:1:2;3\nserver.2=b:1:1;3",
       "line 3: server.2: address \"b:1:1\": quorum and election port must be different (both 1)"},
      {"standaloneEnabled=false\ndataDir=/d",
       "standaloneEnabled = false then number of participants should be >0"},
      {"server.1=a:1:2:observer;3", "Observers w/o participants is an invalid configuration"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto cfg = ZooCfg::Parse(c.text);
    REQUIRE_FALSE(cfg.ok());
    CHECK(cfg.status().message() == c.message);
  }
}

TEST_CASE("zoo.cfg: whole-file checks") {
  CHECK(MustParse("tickTime=2000").CheckComplete().message() == "dataDir is not set");
  CHECK(MustParse("dataDir=/d").CheckComplete().message() == "tickTime is not set");
  CHECK(MustParse("dataDir=/d\ntickTime=2000\nclientPortAddress=10.0.0.1")
            .CheckComplete()
            .message() == "clientPortAddress is set but clientPort is not set");
  CHECK(MustParse("dataDir=/d\ntickTime=2000\nminSessionTimeout=50000").CheckComplete().message() ==
        "minSessionTimeout must not be larger than maxSessionTimeout");
  CHECK(MustParse("dataDir=/d\ntickTime=2000\nminSessionTimeout=4000").CheckComplete().ok());
}

TEST_CASE("zoo.cfg: unknown keys, comments and odd syntax survive in order") {
  const ZooCfg cfg = MustParse(
      "# generated\n"
      "tickTime = 2000\n"
      "dataDir: /var/lib/zk\n"
      "4lw.commands.whitelist=*\n"
      "  admin.enableServer  false\n"
      "reconfigEnabled=TRUE\n"
      "skipACL=yes\n"
      "clientPort=2181\n"
      "clientPortListenBacklog=10\n"
      "peerType=observer\n"
      "dynamicConfigFile=/var/lib/zk/zoo.cfg.dynamic.100000000\n");
  CHECK(cfg.reconfig_enabled());
  CHECK(cfg.client_port() == uint16_t{2181});
  std::vector<std::string> keys;
  for (const auto& e : cfg.entries()) keys.push_back(e.key);
  CHECK(keys == std::vector<std::string>{"tickTime", "dataDir", "4lw.commands.whitelist",
                                         "admin.enableServer", "reconfigEnabled", "skipACL",
                                         "clientPort", "clientPortListenBacklog", "peerType",
                                         "dynamicConfigFile"});
  CHECK(cfg.entries()[3].line == 5);
  // peerType and the old pointer are dropped; erasing the client port also
  // drops clientPortListenBacklog (ZooKeeper matches the prefix).
  CHECK(cfg.RewriteStatic("/n", true, StaticKeyOrder::kFile) ==
        "tickTime=2000\ndataDir=/var/lib/zk\n4lw.commands.whitelist=*\nadmin.enableServer=false\n"
        "reconfigEnabled=TRUE\nskipACL=yes\ndynamicConfigFile=/n\n");
  CHECK(cfg.RewriteStatic("/n", false, StaticKeyOrder::kFile) ==
        "tickTime=2000\ndataDir=/var/lib/zk\n4lw.commands.whitelist=*\nadmin.enableServer=false\n"
        "reconfigEnabled=TRUE\nskipACL=yes\nclientPort=2181\nclientPortListenBacklog=10\n"
        "dynamicConfigFile=/n\n");
}

}  // namespace
}  // namespace zk::wire
