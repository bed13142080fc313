// zkcli's pure parts: the tokenizer and commons-cli-style option parsing,
// zkCli's formats (Stat, ACL, events, KeeperException messages), and the
// srvr/cons parsers used by `servers` and `rebalance`, the quota texts.
#include <catch2/catch.hpp>

#include "args.h"
#include "balance.h"
#include "format.h"
#include "quota_stats.h"

using namespace zk::cli;

TEST_CASE("cli args: tokenizer and options as zkCli parses them") {
  CHECK(SplitCommandLine("  set /a \"hello world\" ") == std::vector<std::string>{"set", "/a", "hello world"});
  ParsedArgs a;
  CHECK_FALSE(ParseArgs({"set", "/a", "v", "-v", "7", "-s"}, {{"s"}, {"v", true}}, &a));
  CHECK(a.args == std::vector<std::string>{"/a", "v"});
  CHECK(a.Value("v") == "7");
  CHECK(a.Has("s"));
  ParsedArgs b;
  CHECK_FALSE(ParseArgs({"ls", "-sw", "/"}, {{"s"}, {"w"}, {"R"}}, &b));
  CHECK((b.Has("s") && b.Has("w") && !b.Has("R")));
  ParsedArgs c;
  auto e = ParseArgs({"create", "-x", "/q"}, {{"s"}}, &c);
  REQUIRE(e);
  CHECK(e->message == "org.apache.commons.cli.UnrecognizedOptionException: Unrecognized option: -x");
  ParsedArgs d;
  e = ParseArgs({"delete", "/a", "-v"}, {{"v", true}}, &d);
  REQUIRE(e);
  CHECK(e->message == "org.apache.commons.cli.MissingArgumentException: Missing argument for option: v");
  ParsedArgs f;
  CHECK_FALSE(ParseArgs({"rebalance", "--dry-run", "-members", "x"}, {{"dry-run"}, {"members", true}}, &f));
  CHECK((f.Has("dry-run") && f.Value("members") == "x"));
}

TEST_CASE("cli format: Stat, ACLs, events and messages as zkCli prints them") {
  setenv("TZ", "UTC", 1);
  tzset();
  zk::Stat s;
  s.czxid = 5;
  s.mzxid = 8;
  s.pzxid = 7;
  s.ctime = s.mtime = 1795316494000;
  s.cversion = 2;
  s.version = 1;
  s.data_length = 5;
  s.num_children = 2;
  CHECK(FormatStat(s) ==
        "cZxid = 0x5\nctime = Sun Nov 22 03:01:34 UTC 2026\nmZxid = 0x8\nmtime = Sun Nov 22 03:01:34 UTC 2026\n"
        "pZxid = 0x7\ncversion = 2\ndataVersion = 1\naclVersion = 0\nephemeralOwner = 0x0\ndataLength = 5\n"
        "numChildren = 2\n");
  CHECK(FormatJavaDate(0) == "Thu Jan 01 00:00:00 UTC 1970");
  CHECK(FormatAcl({31, {"world", "anyone"}}) == "'world,'anyone\n: cdrwa\n");
  std::vector<std::string> complaints;
  auto acl = ParseAclList("world:anyone:rq,ip:1.2.3.4", &complaints);
  REQUIRE(acl.size() == 1);
  CHECK(acl[0].perms == zk::wire::kPermRead);
  CHECK(complaints == std::vector<std::string>{"Unknown perm type: q",
                                               "ip:1.2.3.4 does not have the form scheme:id:perm"});
  CHECK(FormatEvent({zk::EventType::kNodeDataChanged, zk::SessionState::kConnected, "/x"}) ==
        "WatchedEvent state:SyncConnected type:NodeDataChanged path:/x");
  CHECK(FormatSessionEvent(zk::SessionState::kClosed) == "WatchedEvent state:Closed type:None path:null");
  CHECK(KeeperMessage(zk::Error::kNoNode, "/a") == "Node does not exist: /a");
  CHECK(KeeperMessage(zk::Error::kNoAuth, "") == "Insufficient permission : ");
  CHECK(KeeperMessage(zk::Error::kMarshallingError, "") == "KeeperErrorCode = MarshallingError");
  CHECK(KeeperMessage(zk::Error::kNoWatcher, "/n") == "KeeperErrorCode = No such watcher for /n");
  CHECK(KeeperMessage(zk::Error::kInvalidAcl, std::nullopt) == "Acl is not valid : null");
}

TEST_CASE("cli balance: srvr and cons parsers") {
  auto srvr = ParseSrvr("Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.0/0\nConnections: 4\nMode: leader\n");
  REQUIRE(srvr);
  CHECK(srvr->mode == "leader");
  CHECK(srvr->connections == 4);
  CHECK_FALSE(ParseSrvr("srvr is not executed because it is not in the whitelist.\n"));
  auto cons = ParseCons(
      " /127.0.0.1:42304[1](queued=0,recved=4,sent=4,sid=0x1000009725d0000,lop=GETC,est=1,to=10000)\n"
      " /127.0.0.1:42318[0](queued=0,recved=1,sent=0)\n\n");
  REQUIRE(cons);
  CHECK(*cons == std::vector<uint64_t>{0x1000009725d0000ULL});
  CHECK_FALSE(ParseCons("cons is not executed because it is not in the whitelist.\n"));
}

TEST_CASE("cli quota: StatsTrack texts read and written as ZooKeeper 3.8") {
  // As setquota writes a new limit: all four keys, the extra ones sorted
  // after a stray '='.
  QuotaStats q;
  for (auto k : {QuotaStats::kCount, QuotaStats::kBytes, QuotaStats::kCountHardLimit,
                 QuotaStats::kByteHardLimit}) {
    q.Set(k, -1);
  }
  q.Set(QuotaStats::kCountHardLimit, 10);
  CHECK(q.ToString() == "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=10");
  auto back = QuotaStats::Parse(q.ToString());
  REQUIRE(back.ok());
  CHECK(back->Get(QuotaStats::kBytes) == -1);
  CHECK(back->Get(QuotaStats::kCountHardLimit) == 10);
  CHECK(back->ToString() == q.ToString());
  // The stats node: only the soft keys; a missing key reads -1, an empty value is -1.
  auto st = QuotaStats::Parse("count=3,bytes=6");
  REQUIRE(st.ok());
  CHECK(st->ToString() == "count=3,bytes=6");
  CHECK(st->Get(QuotaStats::kByteHardLimit) == -1);
  auto empty = QuotaStats::Parse("count=,bytes=7;;");
  REQUIRE(empty.ok());
  CHECK(empty->Get(QuotaStats::kCount) == -1);
  CHECK(empty->Get(QuotaStats::kBytes) == 7);
  CHECK(QuotaStats::Parse("").value().ToString() == "count=-1,bytes=-1");
  // Bad input: an error naming the pair, no crash.
  CHECK(QuotaStats::Parse("count").status().code() == zk::Error::kBadArguments);
  CHECK(QuotaStats::Parse("count=x1").status().message() == "quota stats: bad value in \"count=x1\"");
}
