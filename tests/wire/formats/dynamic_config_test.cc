#include "zk/wire/dynamic_config.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_data.h"

namespace zk::wire {
namespace {

using testing::Lines;
using testing::ReadFormatsData;
using testing::SortedLines;

// The config texts of a zkCli capture: every run of lines starting with
// "server."/"group."/"weight."/"version=".
std::vector<std::string> ConfigBlocks(const std::string& capture) {
  std::vector<std::string> blocks;
  std::string cur;
  for (const auto& line : Lines(capture)) {
    const bool cfg = line.starts_with("server.") || line.starts_with("group.") ||
                     line.starts_with("weight.") || line.starts_with("version=");
    if (cfg) {
      if (!cur.empty()) cur += '\n';
      cur += line;
      if (line.starts_with("version=")) {
        blocks.push_back(cur);
        cur.clear();
      }
    }
  }
  return blocks;
}

std::vector<ServerSpec> Joining(const std::string& text) {
  auto joining = ParseJoiningServers(text);
  INFO(text);
  REQUIRE(joining.ok());
  return *joining;
}

DynamicConfig MustParse(const std::string& text) {
  auto c = DynamicConfig::Parse(text);
  INFO(text);
  REQUIRE(c.ok());
  return *c;
}

TEST_CASE("dynamic config: every config text in the captures parses and prints back") {
  // 11 of the 13 texts print back byte for byte. The other two list
  // 1,9,17,2,10: the leader built that map by copying (8 buckets), while a
  // parse builds a 16-bucket map and prints 1,17,2,9,10. The test after this
  // one reproduces both orders from their histories.
  std::size_t exact = 0;
  std::size_t reordered = 0;
  for (const char* file :
       {"cli_reconfig_ok.txt", "cli_order.txt", "cli_reconfig_errors.txt", "cli_remove_leader.txt",
        "cli_reconfig_wire.txt", "envi_conf_follower.txt"}) {
    for (const auto& block : ConfigBlocks(ReadFormatsData(file))) {
      INFO(file << ":\n" << block);
      const std::string printed = MustParse(block).ToText();
      if (printed == block) {
        ++exact;
        continue;
      }
      ++reordered;
      CHECK(SortedLines(printed) == SortedLines(block));
      CHECK(
          block.starts_with("server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2191\n"
                            "server.9=127.0.0.2:2889:3889:observer;0.0.0.0:2209\n"));
    }
  }
  CHECK(exact == 11);
  CHECK(reordered == 2);
}

TEST_CASE("dynamic config: /zookeeper/config of the first epoch") {
  DynamicConfig cfg;
  for (int i = 1; i <= 3; ++i) {
    cfg.Upsert(*ParseServerSpec(
        i, fmt::format("127.0.0.1:288{0}:388{0}:participant;127.0.0.1:219{0}", i)));
  }
  cfg.set_version(0x100000000);
  const std::string text = cfg.ToText();
  CHECK(text ==
        "server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2191\n"
        "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:2192\n"
        "server.3=127.0.0.1:2883:3883:participant;127.0.0.1:2193\n"
        "version=100000000");
  CHECK(text.size() == 185);  // the observed dataLength
}

TEST_CASE("dynamic config: incremental reconfigs of cli_reconfig_ok.txt reproduced") {
  const auto blocks = ConfigBlocks(ReadFormatsData("cli_reconfig_ok.txt"));
  REQUIRE(blocks.size() == 5);
  const DynamicConfig base = MustParse(blocks[0]);
  CHECK(base.version() == 0x100000010);

  // reconfig -add server.4=127.0.0.1:2884:3884:observer;2194
  DynamicConfig add = base.CopyForIncrementalReconfig();
  for (auto& s : Joining("server.4=127.0.0.1:2884:3884:observer;2194")) add.Upsert(s);
  add.set_version(0x100000011);
  CHECK(add.ToText() == blocks[1]);

  // reconfig -remove 4
  DynamicConfig remove = add.CopyForIncrementalReconfig();
  CHECK(remove.Remove(4));
  remove.set_version(0x100000012);
  CHECK(remove.ToText() == blocks[2]);

  // reconfig -add server.4=[::1]:2884:3884:observer;[::1]:2194
  DynamicConfig v6 = remove.CopyForIncrementalReconfig();
  for (auto& s : Joining("server.4=[::1]:2884:3884:observer;[::1]:2194")) v6.Upsert(s);
  v6.set_version(0x100000013);
  CHECK(v6.ToText() == blocks[3]);
}

TEST_CASE("dynamic config: the two orders of cli_order.txt come from two map histories") {
  const auto blocks = ConfigBlocks(ReadFormatsData("cli_order.txt"));
  REQUIRE(blocks.size() == 2);
  // The leader copies the last config {1,2} and adds 9, 10, 17: its map has
  // 8 buckets, and that text is the data of /zookeeper/config.
  const DynamicConfig last = MustParse(
      "server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2191\n"
      "server.2=127.0.0.1:2882:3882:participant;127.0.0.1:2192\n"
      "version=100000017");
  DynamicConfig next = last.CopyForIncrementalReconfig();
  for (auto& s : Joining("server.9=127.0.0.2:2889:3889:observer;2209,"
                         "server.10=127.0.0.2:2810:3810:observer;2210,"
                         "server.17=127.0.0.2:2817:3817:observer;2217")) {
    next.Upsert(s);
  }
  next.set_version(0x200000003);
  CHECK(next.ToText() == blocks[1]);
  // The server the client talked to (a follower) parsed that text into a
  // fresh 16-bucket map: its reply lists 1,17,2,9,10.
  CHECK(MustParse(next.ToText()).ToText() == blocks[0]);
  // `config -c` on the /zookeeper/config data.
  CHECK(next.ClientConfigString() ==
        "200000003 0.0.0.0:2210,127.0.0.1:2192,127.0.0.1:2191,0.0.0.0:2217,0.0.0.0:2209");
}

TEST_CASE("dynamic config: Servers() lists members in printed order; counts and lookups") {
  const DynamicConfig cfg = MustParse(ConfigBlocks(ReadFormatsData("cli_order.txt"))[0]);
  std::vector<int64_t> ids;
  for (const auto* s : cfg.Servers()) ids.push_back(s->id);
  CHECK(ids == std::vector<int64_t>{1, 17, 2, 9, 10});
  CHECK(cfg.size() == 5);
  CHECK(cfg.ParticipantCount() == 2);
  CHECK(cfg.ObserverCount() == 3);
  REQUIRE(cfg.Find(17) != nullptr);
  CHECK(cfg.Find(17)->client == HostPort{"0.0.0.0", 2217});
  CHECK(cfg.Find(3) == nullptr);
  CHECK(cfg.WeightOf(1) == 1);
  CHECK(cfg.WeightOf(3) == 0);
  CHECK_FALSE(cfg.is_hierarchical());
}

TEST_CASE("dynamic config: zoo.cfg.dynamic files are sorted lines without the version") {
  // The guide's Example 1, as ZooKeeper itself writes the file.
  DynamicConfig cfg = MustParse(
      "server.1=125.23.63.23:2780:2783:participant;2791\n"
      "server.2=125.23.63.24:2781:2784:participant;2792\n"
      "server.3=125.23.63.25:2782:2785:participant;2793\n");
  cfg.set_version(0x100000000);
  CHECK(cfg.ToDynamicFileText() ==
        "server.1=125.23.63.23:2780:2783:participant;0.0.0.0:2791\n"
        "server.2=125.23.63.24:2781:2784:participant;0.0.0.0:2792\n"
        "server.3=125.23.63.25:2782:2785:participant;0.0.0.0:2793");
  CHECK(DynamicFileName("/zookeeper/conf/zoo_replicated1.cfg", cfg.version()) ==
        "/zookeeper/conf/zoo_replicated1.cfg.dynamic.100000000");

  // String sorting puts server.10 before server.1 ('0' < '=').
  const DynamicConfig ten = MustParse(
      "server.1=10.0.0.1:1:2;3\nserver.10=10.0.0.10:1:2;3\nserver.2=10.0.0.2:1:2:observer\n"
      "version=5");
  CHECK(ten.ToDynamicFileText() ==
        "server.10=10.0.0.10:1:2:participant;0.0.0.0:3\n"
        "server.1=10.0.0.1:1:2:participant;0.0.0.0:3\n"
        "server.2=10.0.0.2:1:2:observer");
  CHECK(ten.ToNextDynamicFileText() ==
        "server.10=10.0.0.10:1:2:participant;0.0.0.0:3\n"
        "server.1=10.0.0.1:1:2:participant;0.0.0.0:3\n"
        "server.2=10.0.0.2:1:2:observer\n"
        "version=5");

  // Reading a dynamic file back: the version comes from the name.
  auto version = VersionFromDynamicFileName("/conf/zoo.cfg.dynamic.10000000b");
  REQUIRE(version.has_value());
  CHECK(*version == 0x10000000b);
  CHECK_FALSE(VersionFromDynamicFileName("/conf/zoo.cfg.dynamic").has_value());
  auto file = DynamicConfig::ParseDynamicFile(cfg.ToDynamicFileText(), *version);
  REQUIRE(file.ok());
  CHECK(file->version() == 0x10000000b);
  CHECK(file->ToDynamicFileText() == cfg.ToDynamicFileText());
  auto with_version = DynamicConfig::ParseDynamicFile("server.1=a:1:2;3\nversion=4", 1);
  REQUIRE_FALSE(with_version.ok());
  CHECK(with_version.status().message() == "line 2: dynamic file shouldn't have version inside");
}

TEST_CASE("dynamic config: hierarchical quorums") {
  // The example of QuorumHierarchical's documentation, 9 servers in 3 groups.
  std::string text;
  for (int i = 1; i <= 9; ++i) text += fmt::format("server.{0}=10.0.0.{0}:2888:3888;2181\n", i);
  text +=
      "group.1=1:2:3\ngroup.2=4:5:6\ngroup.3=7:8:9\nweight.1=1\nweight.2=1\nweight.3=1\n"
      "weight.4=1\nweight.5=1\nweight.6=1\nweight.7=1\nweight.8=1\nweight.9=1\n";
  const DynamicConfig cfg = MustParse(text);
  CHECK(cfg.is_hierarchical());
  REQUIRE(cfg.groups().size() == 3);
  CHECK(cfg.groups()[1] == ServerGroup{2, {4, 5, 6}});
  std::string expected;
  for (int i = 1; i <= 9; ++i) {
    expected += fmt::format("server.{0}=10.0.0.{0}:2888:3888:participant;0.0.0.0:2181\n", i);
  }
  expected += "group.1=1:2:3\ngroup.2=4:5:6\ngroup.3=7:8:9\n";
  for (int i = 1; i <= 9; ++i) expected += fmt::format("weight.{}=1\n", i);
  expected += "version=0";
  CHECK(cfg.ToText() == expected);
  CHECK(MustParse(expected) == cfg);

  // Weights default to 1 for participants; observers may join a group with a weight.
  const DynamicConfig mixed = MustParse(
      "server.1=a:1:2;3\nserver.2=b:1:2;3\nserver.3=c:1:2:observer;3\n"
      "group.7=2:1\ngroup.8=3\nweight.3=0\nweight.2=5\nversion=1a");
  CHECK(mixed.ToText() ==
        "server.1=a:1:2:participant;0.0.0.0:3\nserver.2=b:1:2:participant;0.0.0.0:3\n"
        "server.3=c:1:2:observer;0.0.0.0:3\n"
        "group.7=1:2\ngroup.8=3\nweight.1=1\nweight.2=5\nweight.3=0\nversion=1a");
  CHECK(mixed.WeightOf(2) == 5);
  CHECK(mixed.WeightOf(1) == 1);
  CHECK(mixed.WeightOf(3) == 0);
}

TEST_CASE("dynamic config: errors name the line and the problem") {
  struct Case {
    const char* text;
    Error code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"server.1=a:1:2;3\nfoo=1", Error::kBadArguments, "line 2: Unrecognised parameter: \"foo\""},
      {"server.1=a:1:2;3\n5=b:1:2;3", Error::kBadArguments,
       "line 2: Unrecognised parameter: \"5\""},
      {"# c\n\nserver.1=a:1:1;3", Error::kBadArguments,
       "line 3: server.1: address \"a:1:1\": quorum and election port must be different (both 1)"},
      {"server.x=a:1:2;3", Error::kMarshallingError, "line 1: server id \"x\" is not a number"},
      {"server.1=a:1:2;3\nserver.01=b:1:2;3", Error::kBadArguments,
       "line 2: server.1 is already defined on line 1"},
      {"server.1=a:1:2;3\nversion=zz", Error::kMarshallingError,
       "line 2: version \"zz\" is not a hex number"},
      {"server.1=a:1:2;3\nversion=-5", Error::kBadArguments, "line 2: version \"-5\" is negative"},
      {"server.1=a:1:2:observer;3", Error::kMarshallingError,
       "Observers w/o participants is an invalid configuration"},
      {"server.1=a:1:2;3\nserver.2=b:1:2:observer;3", Error::kMarshallingError,
       "Observers w/o quorum is an invalid configuration"},
      {"server.1=a:1:2;3\nserver.2=b:1:2;3\ngroup.1=1", Error::kBadArguments,
       "Server 2 is not in a group"},
      {"server.1=a:1:2;3\nserver.2=b:1:2;3\ngroup.1=1:2\ngroup.2=2", Error::kBadArguments,
       "Server 2 is in multiple groups"},
      {"server.1=a:1:2;3\nserver.2=b:1:2;3\ngroup.1=1:2:7", Error::kBadArguments,
       "group.1: 7 is not a server"},
      {"server.1=a:1:2;3\nserver.2=b:1:2;3\nserver.3=c:1:2:observer;3\ngroup.1=1:2:3",
       Error::kBadArguments, "group.1: observer 3 needs a weight"},
      {"server.1=a:1:2;3\ngroup.1=1:x", Error::kMarshallingError,
       "line 2: group.1: member \"x\" is not a number"},
      {"server.1=a:1:2;3\ngroup=1", Error::kMarshallingError,
       "line 2: \"group\": expected group.<id>"},
      // Found by fuzz_dynamic_config: a hierarchical config that prints as a majority one.
      {"\x03group.3::", Error::kBadArguments, "line 1: group.3 has no members"},
      {"server.1=a:1:2;3\ngroup.1=1\nweight.1=x", Error::kMarshallingError,
       "line 3: weight.1: \"x\" is not a number"},
      {"server.1=a:1:2;3\ngroup.1=1\nweight.1=2\nweight.01=3", Error::kBadArguments,
       "line 4: the weight of server 1 is already given on line 3"},
      {"server.1=a:1:2;3\nkey\\u12=1", Error::kBadArguments, "line 2: malformed \\uxxxx escape"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto r = DynamicConfig::Parse(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == c.code);
    CHECK(r.status().message() == c.message);
  }
  DynamicConfigOptions no_standalone;
  no_standalone.standalone_enabled = false;
  auto empty = DynamicConfig::Parse("version=1", no_standalone);
  CHECK(empty.status().message() ==
        "standaloneEnabled = false then number of participants should be >0");
  // One participant with observers is fine without standalone mode.
  CHECK(DynamicConfig::Parse("server.1=a:1:2;3\nserver.2=b:1:2:observer;3", no_standalone).ok());
}

TEST_CASE("dynamic config: bulk reconfig input (-members)") {
  auto members = DynamicConfig::ParseMembers(
      "server.1=125.23.63.23:2780:2783:participant;2791,server.2=125.23.63.24:2781:2784:"
      "participant;"
      "2792,server.3=125.23.63.25:2782:2785:participant;2793");
  REQUIRE(members.ok());
  CHECK(members->size() == 3);
  members->set_version(0x100000020);
  CHECK(members->ToText() ==
        "server.1=125.23.63.23:2780:2783:participant;0.0.0.0:2791\n"
        "server.2=125.23.63.24:2781:2784:participant;0.0.0.0:2792\n"
        "server.3=125.23.63.25:2782:2785:participant;0.0.0.0:2793\n"
        "version=100000020");
  // The guide's -members example ends in a stray "}}", which ZooKeeper rejects.
  auto typo = DynamicConfig::ParseMembers(
      "server.1=125.23.63.23:2780:2783:participant;2791,"
      "server.2=125.23.63.24:2781:2784:participant;2792,"
      "server.3=125.23.63.25:2782:2785:participant;2793}}");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.status().message() == "line 3: server.3: client port \"2793}}\" is not a number");
}

TEST_CASE("dynamic config: Upsert replaces a member and moves it to the end of its bucket") {
  DynamicConfig cfg = MustParse("server.1=a:1:2;3\nserver.17=b:1:2;3\nserver.33=c:1:2;3");
  std::vector<int64_t> ids;
  for (const auto* s : cfg.Servers()) ids.push_back(s->id);
  CHECK(ids.size() == 3);
  cfg.Upsert(*ParseServerSpec(1, "d:1:2:observer;4"));
  std::vector<int64_t> after;
  for (const auto* s : cfg.Servers()) after.push_back(s->id);
  CHECK(after.back() == 1);  // ids 1, 17, 33 share bucket 1 of 16
  CHECK(cfg.Find(1)->type == LearnerType::kObserver);
  CHECK(cfg.Validate().ok());
  CHECK_FALSE(cfg.Remove(99));
}

}  // namespace
}  // namespace zk::wire
