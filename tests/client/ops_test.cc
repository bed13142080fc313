// Every operation and watch kind against a real ZooKeeper 3.8 ensemble.
#include <catch2/catch.hpp>

#include <optional>

#include "ensemble.h"
#include "loop_runner.h"
#include "zk/client/client.h"

using namespace std::chrono_literals;
using zk::test::LoopRunner;

namespace {

// Waits for one callback result (bounded).
template <typename T>
struct Wait {
  std::optional<zk::Result<T>> r;
  zk::Callback<T> cb() {
    return [this](zk::Result<T> v) { r.emplace(std::move(v)); };
  }
};
struct WaitM {
  std::optional<zk::MultiResult> r;
  zk::MultiCallback cb() {
    return [this](zk::MultiResult v) { r.emplace(std::move(v)); };
  }
};
struct WaitS {
  std::optional<zk::Status> s;
  zk::StatusCallback cb() {
    return [this](zk::Status v) { s.emplace(std::move(v)); };
  }
};

std::shared_ptr<zk::Client> Connect(LoopRunner& lr, const std::string& connect,
                                    std::vector<zk::SessionState>* states = nullptr) {
  zk::ClientOptions o;
  o.connect_string = connect;
  o.session_timeout = 4000ms;
  o.random_seed = 42;
  o.track_ensemble = false;
  if (states) o.session_watcher = [states](zk::SessionState s) { states->push_back(s); };
  auto c = zk::Client::Create(lr.loop(), o);
  REQUIRE(c.ok());
  auto client = c.value();
  REQUIRE(lr.RunUntil([&] { return client->state() == zk::SessionState::kConnected; }));
  return client;
}

void CloseAndDrain(LoopRunner& lr, std::shared_ptr<zk::Client>& c, bool last = true) {
  bool closed = false;
  c->Close([&] { closed = true; });
  REQUIRE(lr.RunUntil([&] { return closed; }));
  CHECK(c->state() == zk::SessionState::kClosed);
  c.reset();
  if (last) CHECK(lr.Drained());
}

#define RUN_OK(lr, w) REQUIRE((lr).RunUntil([&] { return (w).r.has_value(); }))
#define RUN_S(lr, w) REQUIRE((lr).RunUntil([&] { return (w).s.has_value(); }))

}  // namespace

TEST_CASE("create, read, write, delete and stats", "[ops][interop]") {
  const auto& ens = zk::test::SharedEnsemble();
  if (!ens.ok) {
    WARN("no ZooKeeper ensemble: skipped");
    return;
  }
  LoopRunner lr;
  std::vector<zk::SessionState> states;
  auto c = Connect(lr, ens.connect, &states);
  CHECK(c->session_id() != 0);
  CHECK(c->negotiated_timeout() == 4000ms);
  std::string base = zk::test::UniquePath("ops");

  Wait<zk::CreateResult> cr;
  REQUIRE(c->CreateNode(base, "hello", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  CHECK(cr.r->value().path == base);
  CHECK(cr.r->value().stat.data_length == 5);

  Wait<zk::DataResult> gd;
  REQUIRE(c->GetData(base, {}, gd.cb()).ok());
  RUN_OK(lr, gd);
  REQUIRE(gd.r->ok());
  CHECK(gd.r->value().data == "hello");

  Wait<zk::Stat> sd;
  REQUIRE(c->SetData(base, "world", 0, sd.cb()).ok());
  RUN_OK(lr, sd);
  REQUIRE(sd.r->ok());
  CHECK(sd.r->value().version == 1);

  Wait<zk::Stat> bad;
  REQUIRE(c->SetData(base, "x", 0, bad.cb()).ok());
  RUN_OK(lr, bad);
  CHECK(bad.r->status().code() == zk::Error::kBadVersion);

  Wait<zk::Stat> ex, nex;
  REQUIRE(c->Exists(base, {}, ex.cb()).ok());
  REQUIRE(c->Exists(base + "/none", {}, nex.cb()).ok());
  RUN_OK(lr, nex);
  REQUIRE(ex.r.has_value());
  CHECK(ex.r->ok());
  CHECK(nex.r->status().code() == zk::Error::kNoNode);

  // Ephemeral, sequential, container, TTL children.
  Wait<zk::CreateResult> e1, s1, s2, ct, ttl;
  REQUIRE(c->CreateNode(base + "/eph", "", {}, zk::CreateMode::kEphemeral, e1.cb()).ok());
  REQUIRE(c->CreateNode(base + "/seq-", "", {}, zk::CreateMode::kPersistentSequential, s1.cb()).ok());
  REQUIRE(c->CreateNode(base + "/seq-", "", {}, zk::CreateMode::kEphemeralSequential, s2.cb()).ok());
  REQUIRE(c->CreateNode(base + "/ctr", "", {}, zk::CreateMode::kContainer, ct.cb()).ok());
  REQUIRE(c->CreateNode(base + "/ttl", "", {}, zk::CreateMode::kPersistentWithTtl, ttl.cb(), 60000).ok());
  RUN_OK(lr, ttl);
  REQUIRE(e1.r->ok());
  CHECK(e1.r->value().stat.ephemeral_owner == c->session_id());
  REQUIRE(s1.r->ok());
  CHECK(s1.r->value().path == base + "/seq-0000000001");
  CHECK(s2.r->value().path == base + "/seq-0000000002");
  REQUIRE(ct.r->ok());
  // The real 3.8 server hides the container/TTL owner encodings from
  // clients (DataTree.getClientEphemeralOwner): both read as 0. zksim too.
  CHECK(ct.r->value().stat.ephemeral_owner == 0);
  REQUIRE(ttl.r->ok());
  CHECK(ttl.r->value().stat.ephemeral_owner == 0);
  const int children = 5;

  Wait<zk::ChildrenResult> ch;
  REQUIRE(c->GetChildren(base, {}, ch.cb()).ok());
  RUN_OK(lr, ch);
  REQUIRE(ch.r->ok());
  CHECK(ch.r->value().children.size() == static_cast<size_t>(children));
  CHECK(ch.r->value().stat.num_children == children);

  Wait<std::vector<std::string>> eph;
  REQUIRE(c->GetEphemerals(base, eph.cb()).ok());
  RUN_OK(lr, eph);
  REQUIRE(eph.r->ok());
  CHECK(eph.r->value().size() == 2);

  Wait<int32_t> n;
  REQUIRE(c->GetAllChildrenNumber(base, n.cb()).ok());
  RUN_OK(lr, n);
  REQUIRE(n.r->ok());
  CHECK(n.r->value() == children);

  WaitS sy;
  REQUIRE(c->Sync(base, sy.cb()).ok());
  RUN_S(lr, sy);
  CHECK(sy.s->ok());

  WaitS del_ne;
  REQUIRE(c->Delete(base, -1, del_ne.cb()).ok());
  RUN_S(lr, del_ne);
  CHECK(del_ne.s->code() == zk::Error::kNotEmpty);

  // Bad input is refused before anything is sent, with no callback.
  bool called = false;
  CHECK(c->Delete("no-slash", -1, [&](zk::Status) { called = true; }).code() ==
        zk::Error::kBadArguments);
  CloseAndDrain(lr, c);
  CHECK_FALSE(called);
  REQUIRE(states.size() >= 2);
  CHECK(states.front() == zk::SessionState::kConnected);
  CHECK(states.back() == zk::SessionState::kClosed);
}

TEST_CASE("acl, auth, whoAmI, multi and multiRead", "[ops][interop]") {
  const auto& ens = zk::test::SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto c = Connect(lr, ens.connect);
  std::string base = zk::test::UniquePath("acl");

  WaitS au;
  REQUIRE(c->AddAuth("digest", "user:pw", au.cb()).ok());
  RUN_S(lr, au);
  CHECK(au.s->ok());
  Wait<std::vector<zk::ClientInfo>> who;
  REQUIRE(c->WhoAmI(who.cb()).ok());
  RUN_OK(lr, who);
  REQUIRE(who.r->ok());
  bool has_user = false;
  for (const auto& i : who.r->value()) has_user |= i.auth_scheme == "digest" && i.user == "user";
  CHECK(has_user);

  Wait<zk::CreateResult> cr;
  REQUIRE(c->CreateNode(base, "d", zk::wire::CreatorAllAcl(), zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  Wait<zk::AclResult> ga;
  REQUIRE(c->GetAcl(base, ga.cb()).ok());
  RUN_OK(lr, ga);
  REQUIRE(ga.r->ok());
  REQUIRE(ga.r->value().acl.size() == 1);
  CHECK(ga.r->value().acl[0].id.scheme == "digest");

  Wait<zk::Stat> sa;
  REQUIRE(c->SetAcl(base, zk::wire::OpenAclUnsafe(), 0, sa.cb()).ok());
  RUN_OK(lr, sa);
  REQUIRE(sa.r->ok());
  CHECK(sa.r->value().aversion == 1);

  WaitM m;
  REQUIRE(c->Multi({zk::Op::Create(base + "/a", "1", {}), zk::Op::Check(base, 0),
                    zk::Op::SetData(base + "/a", "2")},
                   m.cb()).ok());
  RUN_OK(lr, m);
  REQUIRE(m.r->ok());
  CHECK_FALSE(m.r->failed_op.has_value());
  REQUIRE(m.r->results.size() == 3);
  CHECK(m.r->results[0].path == base + "/a");
  CHECK(m.r->results[2].stat.version == 1);

  WaitM mf;
  REQUIRE(c->Multi({zk::Op::Create(base + "/b", "", {}), zk::Op::Check(base, 99)}, mf.cb()).ok());
  RUN_OK(lr, mf);
  CHECK(mf.r->status.code() == zk::Error::kBadVersion);

  Wait<std::vector<zk::OpResult>> mr;
  REQUIRE(c->MultiRead({zk::Op::GetData(base + "/a"), zk::Op::GetChildren(base),
                        zk::Op::GetData(base + "/missing")},
                       mr.cb()).ok());
  RUN_OK(lr, mr);
  REQUIRE(mr.r->ok());
  REQUIRE(mr.r->value().size() == 3);
  CHECK(mr.r->value()[0].data == "2");
  CHECK(mr.r->value()[1].children == std::vector<std::string>{"a"});
  CHECK(mr.r->value()[2].err == zk::Error::kNoNode);
  CloseAndDrain(lr, c);
}

TEST_CASE("null data and empty data stay apart", "[ops][interop]") {
  const auto& ens = zk::test::SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto c = Connect(lr, ens.connect);
  std::string base = zk::test::UniquePath("nulldata");
  auto get = [&](const std::string& path) {
    Wait<zk::DataResult> g;
    REQUIRE(c->GetData(path, {}, g.cb()).ok());
    RUN_OK(lr, g);
    REQUIRE(g.r->ok());
    return g.r->value();
  };
  auto set = [&](const std::string& path, std::optional<std::string> data) {
    Wait<zk::Stat> sd;
    REQUIRE(c->SetData(path, std::move(data), -1, sd.cb()).ok());
    RUN_OK(lr, sd);
    REQUIRE(sd.r->ok());
    return sd.r->value();
  };

  // Created with null (Java's create(path, null, ...)): reads back as null,
  // with dataLength 0.
  Wait<zk::CreateResult> cn, ce, cc;
  REQUIRE(c->CreateNode(base, std::nullopt, {}, zk::CreateMode::kPersistent, cn.cb()).ok());
  REQUIRE(c->CreateNode(base + "/empty", "", {}, zk::CreateMode::kPersistent, ce.cb()).ok());
  REQUIRE(c->CreateNode(base + "/ctr", std::nullopt, {}, zk::CreateMode::kContainer, cc.cb()).ok());
  RUN_OK(lr, cc);
  REQUIRE(cn.r->ok());
  REQUIRE(ce.r->ok());
  REQUIRE(cc.r->ok());
  CHECK(cn.r->value().stat.data_length == 0);
  auto n = get(base);
  CHECK_FALSE(n.data.has_value());
  CHECK(n.stat.data_length == 0);
  auto e = get(base + "/empty");
  REQUIRE(e.data.has_value());
  CHECK(e.data->empty());
  CHECK(e.stat.data_length == 0);
  CHECK_FALSE(get(base + "/ctr").data.has_value());

  // setData switches between them; the version counts each change.
  CHECK(set(base, "").version == 1);
  CHECK(get(base).data == std::optional<std::string>(""));
  CHECK(set(base, std::nullopt).version == 2);
  CHECK_FALSE(get(base).data.has_value());
  CHECK(set(base, "v").data_length == 1);
  CHECK(set(base, std::nullopt).data_length == 0);

  // Multi creates/sets null too, and multiRead reports null vs empty.
  WaitM m;
  REQUIRE(c->Multi({zk::Op::Create(base + "/m", std::nullopt, {}),
                    zk::Op::SetData(base + "/empty", std::nullopt)},
                   m.cb()).ok());
  RUN_OK(lr, m);
  REQUIRE(m.r->ok());
  Wait<std::vector<zk::OpResult>> mr;
  REQUIRE(c->MultiRead({zk::Op::GetData(base + "/m"), zk::Op::GetData(base + "/empty"),
                        zk::Op::GetData(base)},
                       mr.cb()).ok());
  RUN_OK(lr, mr);
  REQUIRE(mr.r->ok());
  REQUIRE(mr.r->value().size() == 3);
  CHECK_FALSE(mr.r->value()[0].data.has_value());
  CHECK_FALSE(mr.r->value()[1].data.has_value());
  CHECK_FALSE(mr.r->value()[2].data.has_value());
  set(base + "/m", "");
  Wait<std::vector<zk::OpResult>> mr2;
  REQUIRE(c->MultiRead({zk::Op::GetData(base + "/m")}, mr2.cb()).ok());
  RUN_OK(lr, mr2);
  REQUIRE(mr2.r->ok());
  REQUIRE(mr2.r->value().size() == 1);
  CHECK(mr2.r->value()[0].data == std::optional<std::string>(""));
  CloseAndDrain(lr, c);
}

TEST_CASE("a failed multi reports every op's result", "[ops][interop]") {
  const auto& ens = zk::test::SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto c = Connect(lr, ens.connect);
  std::string base = zk::test::UniquePath("multifail");
  Wait<zk::CreateResult> cr;
  REQUIRE(c->CreateNode(base, "", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());

  // The third op fails: ZooKeeper answers ZOK (0) for the two before it,
  // ZBADVERSION for it and ZRUNTIMEINCONSISTENCY (-2) for the two after.
  WaitM m;
  REQUIRE(c->Multi({zk::Op::Create(base + "/a", "1", {}), zk::Op::SetData(base, "x"),
                    zk::Op::Check(base, 99), zk::Op::Delete(base + "/a"),
                    zk::Op::Create(base + "/b", "", {})},
                   m.cb()).ok());
  RUN_OK(lr, m);
  CHECK_FALSE(m.r->ok());
  CHECK(m.r->status.code() == zk::Error::kBadVersion);
  CHECK(m.r->failed_op == std::optional<size_t>(2));
  REQUIRE(m.r->results.size() == 5);
  std::vector<zk::Error> errs;
  for (const auto& r : m.r->results) errs.push_back(r.err);
  CHECK(errs == std::vector<zk::Error>{zk::Error::kOk, zk::Error::kOk, zk::Error::kBadVersion,
                                       zk::Error::kRuntimeInconsistency,
                                       zk::Error::kRuntimeInconsistency});
  CHECK(zk::ErrorCode(zk::Error::kRuntimeInconsistency) == -2);
  for (const auto& r : m.r->results) {
    CHECK(r.path.empty());
    CHECK_FALSE(r.data.has_value());
  }

  // Nothing was applied.
  Wait<zk::Stat> ex, st;
  REQUIRE(c->Exists(base + "/a", {}, ex.cb()).ok());
  REQUIRE(c->Exists(base, {}, st.cb()).ok());
  RUN_OK(lr, st);
  CHECK(ex.r->status().code() == zk::Error::kNoNode);
  REQUIRE(st.r->ok());
  CHECK(st.r->value().version == 0);

  // The first op fails: it alone carries the error.
  WaitM m0;
  REQUIRE(c->Multi({zk::Op::Delete(base + "/missing"), zk::Op::Create(base + "/c", "", {})},
                   m0.cb()).ok());
  RUN_OK(lr, m0);
  CHECK(m0.r->status.code() == zk::Error::kNoNode);
  CHECK(m0.r->failed_op == std::optional<size_t>(0));
  REQUIRE(m0.r->results.size() == 2);
  CHECK(m0.r->results[0].err == zk::Error::kNoNode);
  CHECK(m0.r->results[1].err == zk::Error::kRuntimeInconsistency);

  // A multi that is refused before it is sent calls nobody; an empty one
  // succeeds with no results.
  CHECK(c->Multi({zk::Op::GetData(base)}, [](zk::MultiResult) { FAIL("called"); }).code() ==
        zk::Error::kBadArguments);
  WaitM empty;
  REQUIRE(c->Multi({}, empty.cb()).ok());
  RUN_OK(lr, empty);
  CHECK(empty.r->ok());
  CHECK(empty.r->results.empty());
  CloseAndDrain(lr, c);
}

TEST_CASE("chroot hides the prefix both ways", "[ops][interop]") {
  const auto& ens = zk::test::SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto root = Connect(lr, ens.connect);
  std::string base = zk::test::UniquePath("chroot");
  Wait<zk::CreateResult> cr;
  REQUIRE(root->CreateNode(base, "", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);
  auto c = Connect(lr, ens.connect + base);
  Wait<zk::CreateResult> s;
  REQUIRE(c->CreateNode("/x-", "", {}, zk::CreateMode::kEphemeralSequential, s.cb()).ok());
  RUN_OK(lr, s);
  REQUIRE(s.r->ok());
  CHECK(s.r->value().path == "/x-0000000000");
  Wait<zk::ChildrenResult> ch;
  REQUIRE(root->GetChildren(base, {}, ch.cb()).ok());
  RUN_OK(lr, ch);
  CHECK(ch.r->value().children == std::vector<std::string>{"x-0000000000"});
  Wait<std::vector<std::string>> eph;
  REQUIRE(c->GetEphemerals("/", eph.cb()).ok());
  RUN_OK(lr, eph);
  REQUIRE(eph.r->ok());
  CHECK(eph.r->value() == std::vector<std::string>{"/x-0000000000"});
  // getConfig is never chroot-prefixed.
  Wait<zk::ConfigResult> cfg;
  REQUIRE(c->GetConfig({}, cfg.cb()).ok());
  RUN_OK(lr, cfg);
  REQUIRE(cfg.r->ok());
  CHECK(cfg.r->value().client_addresses.size() == 3);
  CHECK(cfg.r->value().version > 0);
  CloseAndDrain(lr, c, false);
  CloseAndDrain(lr, root);
}

TEST_CASE("one-shot, persistent and recursive watches; removeWatches", "[watch][interop]") {
  const auto& ens = zk::test::SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto c = Connect(lr, ens.connect);
  auto other = Connect(lr, ens.connect);
  std::string base = zk::test::UniquePath("watch");
  std::vector<std::string> got;
  auto rec = [&got](const char* tag) {
    return [&got, tag](const zk::WatchEvent& e) {
      got.push_back(fmt::format("{} {} {}", tag, zk::wire::EventTypeName(e.type), e.path));
    };
  };
  Wait<zk::Stat> ex;
  REQUIRE(c->Exists(base, rec("exist"), ex.cb()).ok());
  RUN_OK(lr, ex);
  CHECK(ex.r->status().code() == zk::Error::kNoNode);
  WaitS aw, aw2;
  REQUIRE(c->AddWatch(base, zk::AddWatchMode::kPersistentRecursive, rec("rec"), aw.cb()).ok());
  // ZooKeeper 3.8 keeps one mode per (session, path) (ZOOKEEPER-4466, fixed
  // in 3.9), so the persistent watch goes on another path.
  REQUIRE(c->AddWatch(base + "/k", zk::AddWatchMode::kPersistent, rec("pers"), aw2.cb()).ok());
  RUN_S(lr, aw2);
  REQUIRE(aw.s->ok());

  Wait<zk::CreateResult> cr;
  REQUIRE(other->CreateNode(base, "", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(lr.RunUntil([&] { return got.size() >= 2; }));
  Wait<zk::DataResult> gd;
  Wait<zk::ChildrenResult> gc;
  REQUIRE(c->GetData(base, rec("data"), gd.cb()).ok());
  REQUIRE(c->GetChildren(base, rec("child"), gc.cb()).ok());
  RUN_OK(lr, gc);
  Wait<zk::CreateResult> cr2;
  REQUIRE(other->CreateNode(base + "/k", "", {}, zk::CreateMode::kPersistent, cr2.cb()).ok());
  RUN_OK(lr, cr2);
  Wait<zk::Stat> sd;
  REQUIRE(other->SetData(base, "v", -1, sd.cb()).ok());
  RUN_OK(lr, sd);
  REQUIRE(lr.RunUntil([&] { return got.size() >= 7; }));
  lr.RunFor(200ms);
  std::sort(got.begin(), got.end());
  std::vector<std::string> want = {
      "child NodeChildrenChanged " + base, "data NodeDataChanged " + base,
      "exist NodeCreated " + base,         "pers NodeCreated " + base + "/k",
      "rec NodeCreated " + base,           "rec NodeCreated " + base + "/k",
      "rec NodeDataChanged " + base};
  std::sort(want.begin(), want.end());
  CHECK(got == want);

  WaitS rw, rw2;
  got.clear();
  REQUIRE(c->RemoveWatches(base, zk::WatcherKind::kPersistentRecursive, rw.cb()).ok());
  RUN_S(lr, rw);
  INFO(rw.s->ToString());
  CHECK(rw.s->ok());
  CHECK(got == std::vector<std::string>{"rec PersistentWatchRemoved " + base});
  REQUIRE(c->RemoveWatches(base, zk::WatcherKind::kData, rw2.cb()).ok());
  RUN_S(lr, rw2);
  CHECK(rw2.s->code() == zk::Error::kNoWatcher);
  CloseAndDrain(lr, other, false);
  CloseAndDrain(lr, c);
}
