#include <catch2/catch.hpp>

#include "data_tree.h"
#include "path.h"
#include "prep.h"

using namespace zk::sim;
using zk::Error;
namespace wire = zk::wire;

namespace {

int32_t Flags(wire::CreateMode mode) { return static_cast<int32_t>(mode); }

struct Fixture {
  DataTree tree;
  AuthInfo auth;
  PrepContext ctx;
  int64_t zxid = 0x100000000;
  int64_t now_ms = 1000;  // wall time of the next transaction
  std::vector<TreeChange> changes;

  Fixture() {
    auth.Add({"ip", "127.0.0.1"});
    ctx.session_id = 0x42;
    ctx.auth = &auth;
  }
  Error Do(const WriteOp& op, std::string* created = nullptr) {
    auto r = PrepOp(tree, op, ctx);
    if (!r.ok()) return r.status().code();
    Txn t;
    t.zxid = ++zxid;
    t.time_ms = now_ms;
    std::visit(
        [&](const auto& s) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(s)>, CheckTxn>) t.body = s;
          if constexpr (std::is_same_v<std::decay_t<decltype(s)>, CreateTxn>) {
            if (created) *created = s.path;
          }
        },
        r.value());
    tree.Apply(t, &changes);
    return Error::kOk;
  }
};

}  // namespace

TEST_CASE("initial tree: five nodes, 44 bytes, built-in stats") {
  DataTree t;
  CHECK(t.NodeCount() == 5);
  CHECK(t.ApproximateDataSize() == 44);
  CHECK(t.Find("/")->ToStat().cversion == -1);
  CHECK(t.Find("/zookeeper")->ToStat().cversion == -2);
  CHECK(t.Find("/zookeeper/quota")->ToStat().cversion == 0);
  CHECK(t.Find("/zookeeper/config")->ToStat().aversion == -1);
  CHECK(t.Find("/zookeeper/config")->acl == ReadAclUnsafe());
}

TEST_CASE("path validation") {
  CHECK(IsValidPath("/"));
  CHECK(IsValidPath("/a/b"));
  CHECK_FALSE(IsValidPath(""));
  CHECK_FALSE(IsValidPath("a"));
  CHECK_FALSE(IsValidPath("/a/"));
  CHECK_FALSE(IsValidPath("/a//b"));
  CHECK_FALSE(IsValidPath("/a/./b"));
  CHECK_FALSE(IsValidPath("/a/.."));
  CHECK_FALSE(IsValidPath(std::string("/a\0b", 4)));
  CHECK(ParentPath("/a/b") == "/a");
  CHECK(ParentPath("/a") == "/");
}

TEST_CASE("create: sequential names, cversion, pzxid, ephemerals") {
  Fixture f;
  CHECK(f.Do(CreateReq{"/a", std::string("hello"), OpenAclUnsafe(), 0}) == Error::kOk);
  CHECK(f.Do(CreateReq{"/a/eph", std::string(), OpenAclUnsafe(), Flags(wire::CreateMode::kEphemeral)}) == Error::kOk);
  std::string seq;
  CHECK(f.Do(CreateReq{"/a/seq-", std::string("y"), OpenAclUnsafe(), Flags(wire::CreateMode::kPersistentSequential)},
             &seq) == Error::kOk);
  CHECK(seq == "/a/seq-0000000001");
  Stat s = f.tree.Find("/a")->ToStat();
  CHECK(s.num_children == 2);
  CHECK(s.cversion == 2);
  CHECK(s.pzxid == f.zxid);
  CHECK(f.tree.Find("/a/eph")->ephemeral_owner == 0x42);
  CHECK(f.tree.Ephemerals(0x42) == std::vector<std::string>{"/a/eph"});
  CHECK(f.Do(DeleteReq{"/a/eph", -1}) == Error::kOk);
  CHECK(f.tree.Find("/a")->ToStat().cversion == 3);
  CHECK(f.tree.Ephemerals(0x42).empty());
  CHECK(f.Do(CreateReq{"/a/s-", std::nullopt, OpenAclUnsafe(), Flags(wire::CreateMode::kPersistentSequential)}, &seq) ==
        Error::kOk);
  CHECK(seq == "/a/s-0000000002");  // deletes do not decrement the counter
  CHECK_FALSE(f.tree.Find(seq)->data.has_value());
}

TEST_CASE("write validation order and codes") {
  Fixture f;
  CHECK(f.Do(CreateReq{"/x/y", std::string(), OpenAclUnsafe(), 0}) == Error::kNoNode);
  CHECK(f.Do(CreateReq{"bad", std::string(), OpenAclUnsafe(), 0}) == Error::kBadArguments);
  CHECK(f.Do(CreateReq{"/x", std::string(), {}, 0}) == Error::kInvalidAcl);
  CHECK(f.Do(CreateReq{"/x", std::string(), OpenAclUnsafe(), Flags(wire::CreateMode::kPersistentWithTtl), 100}) ==
        Error::kUnimplemented);
  CHECK(f.Do(CreateReq{"/x", std::string("1"), OpenAclUnsafe(), 0}) == Error::kOk);
  CHECK(f.Do(CreateReq{"/x", std::string(), OpenAclUnsafe(), 0}) == Error::kNodeExists);
  CHECK(f.Do(CreateReq{"/e", std::string(), OpenAclUnsafe(), Flags(wire::CreateMode::kEphemeral)}) == Error::kOk);
  CHECK(f.Do(CreateReq{"/e/c", std::string(), OpenAclUnsafe(), 0}) ==
        Error::kNoChildrenForEphemerals);
  CHECK(f.Do(SetDataReq{"/x", std::string("2"), 5}) == Error::kBadVersion);
  CHECK(f.Do(SetDataReq{"/x", std::string("2"), 0}) == Error::kOk);
  CHECK(f.tree.Find("/x")->version == 1);
  CHECK(f.Do(CreateReq{"/x/c", std::string(), OpenAclUnsafe(), 0}) == Error::kOk);
  CHECK(f.Do(DeleteReq{"/x", -1}) == Error::kNotEmpty);
  CHECK(f.Do(DeleteReq{"/x", 7}) == Error::kBadVersion);  // version before children
  CHECK(f.Do(DeleteReq{"/zookeeper", -1}) == Error::kBadArguments);
  CHECK(f.Do(DeleteReq{"/nope", -1}) == Error::kNoNode);
  CHECK(f.Do(SetAclReq{"/x", ReadAclUnsafe(), 3}) == Error::kBadVersion);
  CHECK(f.Do(SetAclReq{"/x", ReadAclUnsafe(), 0}) == Error::kOk);
  CHECK(f.tree.Find("/x")->aversion == 1);
  CHECK(f.Do(SetDataReq{"/x", std::string("3"), -1}) == Error::kNoAuth);
  CHECK(f.Do(CreateReq{"/x/d", std::string(), OpenAclUnsafe(), 0}) == Error::kNoAuth);
  CHECK(f.Do(SetDataReq{"/zookeeper/config", std::string("x"), -1}) == Error::kNoAuth);
  f.ctx.skip_acl = true;
  CHECK(f.Do(SetDataReq{"/x", std::string("3"), -1}) == Error::kOk);
}

TEST_CASE("multi: atomic, per-op errors, sees earlier ops") {
  Fixture f;
  std::vector<WriteOp> ok = {CreateReq{"/m", std::string(), OpenAclUnsafe(), 0},
                             CreateReq{"/m/c", std::string(), OpenAclUnsafe(), 0},
                             CheckReq{"/m", 0}, SetDataReq{"/m", std::string("d"), 0}};
  MultiTxn m = PrepMulti(f.tree, ok, f.ctx);
  CHECK(m.errors.empty());
  CHECK(m.ops.size() == 4);
  CHECK(f.tree.Find("/m") == nullptr);  // prep leaves the tree alone

  std::vector<WriteOp> bad = {CreateReq{"/k", std::string(), OpenAclUnsafe(), 0},
                              CheckReq{"/", 99}, DeleteReq{"/k", -1}};
  MultiTxn b = PrepMulti(f.tree, bad, f.ctx);
  REQUIRE(b.errors.size() == 3);
  CHECK(b.errors[0] == Error::kOk);
  CHECK(b.errors[1] == Error::kBadVersion);
  CHECK(b.errors[2] == Error::kRuntimeInconsistency);
}

TEST_CASE("close session deletes ephemerals in path order") {
  Fixture f;
  CHECK(f.Do(CreateReq{"/p", std::string(), OpenAclUnsafe(), 0}) == Error::kOk);
  CHECK(f.Do(CreateReq{"/p/e1", std::string(), OpenAclUnsafe(), Flags(wire::CreateMode::kEphemeral)}) == Error::kOk);
  CHECK(f.Do(CreateReq{"/p/e2", std::string(), OpenAclUnsafe(), Flags(wire::CreateMode::kEphemeral)}) == Error::kOk);
  f.changes.clear();
  Txn t;
  t.zxid = ++f.zxid;
  t.body = CloseSessionTxn{0x42};
  f.tree.Apply(t, &f.changes);
  REQUIRE(f.changes.size() == 2);
  CHECK(f.changes[0].path == "/p/e1");
  CHECK(f.tree.Find("/p")->children.empty());
  CHECK(f.tree.EphemeralCount() == 0);
}

TEST_CASE("containers and TTL nodes: owner 0 for clients, TTL only when enabled") {
  Fixture f;
  const auto ttl_mode = Flags(wire::CreateMode::kPersistentWithTtl);
  // zookeeper.extendedTypesEnabled off: UNIMPLEMENTED (-6) before any other check.
  CHECK(f.Do(CreateReq{"bad path", std::string(), OpenAclUnsafe(), ttl_mode, 100}) ==
        Error::kUnimplemented);
  f.ctx.ttl_enabled = true;
  CHECK(f.Do(CreateReq{"/t", std::string(), OpenAclUnsafe(), ttl_mode, 0}) == Error::kBadArguments);
  CHECK(f.Do(CreateReq{"/t", std::string(), OpenAclUnsafe(), ttl_mode, wire::kMaxTtlMs + 1}) ==
        Error::kBadArguments);
  // createTTL with a mode that takes no TTL (EphemeralType.validateTTL).
  CHECK(f.Do(CreateReq{"/t", std::string(), OpenAclUnsafe(), 0, 100}) == Error::kBadArguments);
  CHECK(f.Do(CreateReq{"/t", std::string(), OpenAclUnsafe(), ttl_mode, 100}) == Error::kOk);
  CHECK(f.Do(CreateReq{"/c", std::string(), OpenAclUnsafe(), Flags(wire::CreateMode::kContainer)}) ==
        Error::kOk);
  // Stored owners keep the encodings; the client-visible stat says 0, as
  // ZooKeeper 3.8's DataNode.copyStat (checked against a real server by
  // tests/client/ops_test.cc).
  CHECK(f.tree.Find("/t")->ephemeral_owner == wire::TtlEphemeralOwner(100));
  CHECK(f.tree.Find("/c")->ephemeral_owner == wire::kContainerEphemeralOwner);
  CHECK(f.tree.Find("/t")->ToStat().ephemeral_owner == 0);
  CHECK(f.tree.Find("/c")->ToStat().ephemeral_owner == 0);
  CHECK(f.tree.EphemeralCount() == 0);
  // Containers and TTL nodes may have children (only ephemerals may not).
  CHECK(f.Do(CreateReq{"/c/x", std::string(), OpenAclUnsafe(), 0}) == Error::kOk);
  CHECK(f.Do(CreateReq{"/t/x", std::string(), OpenAclUnsafe(), 0}) == Error::kOk);
}

TEST_CASE("reap candidates: used childless containers, expired childless TTL nodes") {
  Fixture f;
  f.ctx.ttl_enabled = true;
  const auto ttl_mode = Flags(wire::CreateMode::kPersistentWithTtl);
  const auto container = Flags(wire::CreateMode::kContainer);
  f.now_ms = 10000;
  REQUIRE(f.Do(CreateReq{"/never", std::string(), OpenAclUnsafe(), container}) == Error::kOk);
  REQUIRE(f.Do(CreateReq{"/used", std::string(), OpenAclUnsafe(), container}) == Error::kOk);
  REQUIRE(f.Do(CreateReq{"/used/a", std::string(), OpenAclUnsafe(), 0}) == Error::kOk);
  REQUIRE(f.Do(CreateReq{"/ttl", std::string(), OpenAclUnsafe(), ttl_mode, 500}) == Error::kOk);
  REQUIRE(f.Do(CreateReq{"/ttlp", std::string(), OpenAclUnsafe(), ttl_mode, 500}) == Error::kOk);
  REQUIRE(f.Do(CreateReq{"/ttlp/k", std::string(), OpenAclUnsafe(), 0}) == Error::kOk);
  // A container with a child, and a fresh one, stay; TTL not elapsed.
  CHECK(f.tree.ReapCandidates(10000, 0).empty());
  // TTL: strictly more than ttl ms since mtime, and only when childless.
  CHECK(f.tree.ReapCandidates(10500, 0).empty());
  CHECK(f.tree.ReapCandidates(10501, 0) == std::vector<std::string>{"/ttl"});
  // setData moves mtime, so it extends a TTL node's life.
  f.now_ms = 10400;
  REQUIRE(f.Do(SetDataReq{"/ttl", std::string("x"), -1}) == Error::kOk);
  CHECK(f.tree.ReapCandidates(10501, 0).empty());
  CHECK(f.tree.ReapCandidates(10901, 0) == std::vector<std::string>{"/ttl"});
  // The container's last child goes: it becomes a candidate at once.
  REQUIRE(f.Do(DeleteReq{"/used/a", -1}) == Error::kOk);
  CHECK(f.tree.ReapCandidates(10000, 0) == std::vector<std::string>{"/used"});
  // maxNeverUsedIntervalMs also takes never-used containers past that age.
  CHECK(f.tree.ReapCandidates(10000 + 2001, 2000) ==
        std::vector<std::string>{"/never", "/ttl", "/used"});
  REQUIRE(f.Do(DeleteReq{"/ttlp/k", -1}) == Error::kOk);
  CHECK(f.tree.ReapCandidates(20000, 0) == std::vector<std::string>{"/ttl", "/ttlp", "/used"});
}
