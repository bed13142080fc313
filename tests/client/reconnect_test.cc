// Reconnects against a real ensemble: the session, its ephemerals and its
// watches survive moves; queued and in-flight requests; expiry; auth failure.
#include <map>

#include "test_util.h"

using namespace zk::test;

namespace {

std::string Others(const Ensemble& e, const zk::HostPort& not_this) {
  std::string out;
  for (const auto& s : e.servers) {
    if (s.client_port == not_this.port) continue;
    if (!out.empty()) out += ',';
    out += fmt::format("127.0.0.1:{}", s.client_port);
  }
  return out;
}

// Nothing listens on port 1 of loopback: a client sent there stays away.
constexpr const char* kNowhere = "127.0.0.1:1";

}  // namespace

TEST_CASE("a session moves between servers with its ephemerals and watches",
          "[reconnect][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  std::vector<zk::SessionState> states;
  auto o = Options(ens.connect);
  o.session_watcher = [&](zk::SessionState s) { states.push_back(s); };
  auto c = ConnectWith(lr, o);
  auto other = ConnectWith(lr, Options(ens.connect));
  std::string base = UniquePath("move");
  int64_t sid = c->session_id();

  Wait<zk::CreateResult> e;
  REQUIRE(c->CreateNode(base, "0", {}, zk::CreateMode::kEphemeral, e.cb()).ok());
  RUN_OK(lr, e);
  REQUIRE(e.r->ok());
  std::vector<zk::WatchEvent> events;
  Wait<zk::DataResult> gd;
  REQUIRE(c->GetData(
               base, [&](const zk::WatchEvent& ev) { events.push_back(ev); }, gd.cb())
              .ok());
  RUN_OK(lr, gd);

  for (int move = 0; move < 3; ++move) {
    zk::HostPort from = *c->current_server();
    // In flight when the connection drops: completes once with ZCONNECTIONLOSS.
    Wait<zk::Stat> inflight;
    REQUIRE(c->Exists(base, {}, inflight.cb()).ok());
    REQUIRE(c->UpdateServerList(Others(ens, from)).ok());
    REQUIRE(lr.RunUntil(
        [&] { return c->state() == zk::SessionState::kConnected && c->current_server(); }));
    REQUIRE(inflight.r.has_value());
    CHECK(inflight.r->status().code() == zk::Error::kConnectionLoss);
    CHECK(c->current_server()->port != from.port);
    CHECK(c->session_id() == sid);
  }
  CHECK(std::count(states.begin(), states.end(), zk::SessionState::kDisconnected) == 3);

  // The ephemeral survived and the data watch still fires once.
  Wait<zk::Stat> ex;
  REQUIRE(other->Exists(base, {}, ex.cb()).ok());
  RUN_OK(lr, ex);
  REQUIRE(ex.r->ok());
  CHECK(ex.r->value().ephemeral_owner == sid);
  Wait<zk::Stat> sd;
  REQUIRE(other->SetData(base, "1", -1, sd.cb()).ok());
  RUN_OK(lr, sd);
  REQUIRE(lr.RunUntil([&] { return !events.empty(); }));
  lr.RunFor(300ms);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == zk::EventType::kNodeDataChanged);
  CloseClient(lr, other);
  CloseClient(lr, c);
  CHECK(lr.Drained());
}

TEST_CASE("a change made while away is reported after the reconnect, once",
          "[reconnect][watch][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto c = ConnectWith(lr, Options(ens.connect));
  auto other = ConnectWith(lr, Options(ens.connect));
  std::string base = UniquePath("away");
  Wait<zk::CreateResult> cr;
  REQUIRE(other->CreateNode(base, "0", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);

  std::vector<std::string> got;
  auto rec = [&got](const char* tag) {
    return [&got, tag](const zk::WatchEvent& e) {
      got.push_back(fmt::format("{} {} {}", tag, zk::wire::EventTypeName(e.type), e.path));
    };
  };
  Wait<zk::DataResult> gd;
  Wait<zk::ChildrenResult> gc;
  Wait<zk::Stat> ex;
  zk::test::WaitS aw;
  REQUIRE(c->GetData(base, rec("data"), gd.cb()).ok());
  REQUIRE(c->GetChildren(base, rec("child"), gc.cb()).ok());
  REQUIRE(c->Exists(base + "/new", rec("exist"), ex.cb()).ok());
  REQUIRE(
      c->AddWatch(base + "/r", zk::AddWatchMode::kPersistentRecursive, rec("rec"), aw.cb()).ok());
  RUN_S(lr, aw);

  // Away: the provider sends the client to a port where nobody listens.
  REQUIRE(c->UpdateServerList(kNowhere).ok());
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kDisconnected; }));
  // Requests made while disconnected wait in the queue.
  Wait<zk::DataResult> queued;
  REQUIRE(c->GetData(base, {}, queued.cb()).ok());
  Wait<zk::Stat> sd;
  Wait<zk::CreateResult> cn;
  REQUIRE(other->SetData(base, "changed", -1, sd.cb()).ok());
  REQUIRE(other->CreateNode(base + "/new", "", {}, zk::CreateMode::kPersistent, cn.cb()).ok());
  RUN_OK(lr, cn);
  lr.RunFor(300ms);
  CHECK(got.empty());
  CHECK_FALSE(queued.r.has_value());

  REQUIRE(c->UpdateServerList(ens.connect).ok());
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kConnected; }));
  RUN_OK(lr, queued);
  REQUIRE(queued.r->ok());
  CHECK(queued.r->value().data == "changed");
  REQUIRE(lr.RunUntil([&] { return got.size() >= 3; }));
  // A later change reaches the persistent watch, which SetWatches2 re-armed.
  Wait<zk::CreateResult> cr2;
  REQUIRE(other->CreateNode(base + "/r", "", {}, zk::CreateMode::kPersistent, cr2.cb()).ok());
  RUN_OK(lr, cr2);
  REQUIRE(lr.RunUntil([&] { return got.size() >= 4; }));
  lr.RunFor(300ms);
  std::sort(got.begin(), got.end());
  std::vector<std::string> want = {
      "child NodeChildrenChanged " + base, "data NodeDataChanged " + base,
      "exist NodeCreated " + base + "/new", "rec NodeCreated " + base + "/r"};
  CHECK(got == want);
  CloseClient(lr, other);
  CloseClient(lr, c);
  CHECK(lr.Drained());
}

TEST_CASE("the queue while disconnected is bounded", "[reconnect]") {
  LoopRunner lr;
  auto o = Options(kNowhere);
  o.max_queued_requests = 2;
  o.logger = zk::Logger::Null();
  auto created = zk::Client::Create(lr.loop(), o);
  REQUIRE(created.ok());
  auto c = created.value();
  Wait<zk::Stat> a, b, d;
  CHECK(c->Exists("/a", {}, a.cb()).ok());
  CHECK(c->Exists("/b", {}, b.cb()).ok());
  zk::Status full = c->Exists("/c", {}, d.cb());
  CHECK(full.code() == zk::Error::kThrottledOp);
  CHECK(full.message().find("queue full") != std::string::npos);
  // Close completes the queued ones exactly once with ZCLOSING.
  bool closed = false;
  c->Close([&] { closed = true; });
  CHECK_FALSE(a.r.has_value());  // never from inside the call
  REQUIRE(lr.RunUntil([&] { return closed; }));
  REQUIRE(a.r.has_value());
  CHECK(a.r->status().code() == zk::Error::kClosing);
  CHECK(b.r->status().code() == zk::Error::kClosing);
  CHECK_FALSE(d.r.has_value());
  c.reset();
  CHECK(lr.Drained());
}

TEST_CASE("an invalid connect string is refused before any connection", "[reconnect]") {
  LoopRunner lr;
  // "host" without a port is valid (2181, item 4); bare "::1" is not (Java
  // would read host ":" on port 1).
  for (const char* bad :
       {"", "h:0", "h:99999", "h:1,,h:2", "[::1:2181", "h:12x", "::1", "fe80::1"}) {
    auto o = Options(bad);
    auto c = zk::Client::Create(lr.loop(), o);
    INFO(bad);
    CHECK_FALSE(c.ok());
    CHECK(c.status().code() == zk::Error::kBadArguments);
    CHECK_FALSE(c.status().message().empty());
  }
  CHECK(lr.Drained());
}

TEST_CASE("a session away longer than its timeout expires (server's verdict)",
          "[reconnect][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  std::vector<zk::SessionState> states;
  auto o = Options(ens.connect);
  o.session_timeout = 1000ms;  // tickTime 500: the server's minimum
  o.local_expiry = false;      // the server's verdict, not the local one
  o.logger = zk::Logger::Null();
  o.session_watcher = [&](zk::SessionState s) { states.push_back(s); };
  auto c = ConnectWith(lr, o);
  REQUIRE(c->UpdateServerList(kNowhere).ok());
  lr.RunFor(2500ms);
  Wait<zk::Stat> pending;
  REQUIRE(c->Exists("/", {}, pending.cb()).ok());
  REQUIRE(c->UpdateServerList(ens.connect).ok());
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kExpired; }));
  RUN_OK(lr, pending);
  CHECK(pending.r->status().code() == zk::Error::kSessionExpired);
  CHECK(states.back() == zk::SessionState::kExpired);
  CHECK(c->Exists("/", {}, pending.cb()).code() == zk::Error::kSessionExpired);
  c.reset();
  CHECK(lr.Drained());
}

TEST_CASE("an auth failure ends the session with AuthFailed", "[reconnect][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto o = Options(ens.connect);
  o.logger = zk::Logger::Null();
  auto c = ConnectWith(lr, o);
  WaitS au;
  REQUIRE(c->AddAuth("nosuch", "x", au.cb()).ok());
  RUN_S(lr, au);
  CHECK(au.s->code() == zk::Error::kAuthFailed);
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kAuthFailed; }));
  c.reset();
  CHECK(lr.Drained());
}

TEST_CASE("local expiry: no server reachable for the session timeout",
          "[reconnect][expiry][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  std::vector<zk::SessionState> states;
  LoopRunner lr;
  auto o = Options(ens.connect);
  o.session_timeout = 2000ms;
  o.session_watcher = [&](zk::SessionState s) { states.push_back(s); };
  auto c = ConnectWith(lr, o);
  auto other = ConnectWith(lr, Options(ens.connect));
  std::string eph = UniquePath("localexp");
  Wait<zk::CreateResult> cr;
  REQUIRE(c->CreateNode(eph, "", {}, zk::CreateMode::kEphemeral, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  const auto negotiated = c->negotiated_timeout();
  REQUIRE(negotiated == 2000ms);

  // Every server out of reach: the client is sent where nobody listens.
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(c->UpdateServerList(kNowhere).ok());
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kDisconnected; }));
  Wait<zk::Stat> queued;
  REQUIRE(c->Exists("/", {}, queued.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kExpired; }, 5000ms));
  auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  WARN("local expiry " << took.count() << " ms after the last connection ended (timeout "
                       << negotiated.count() << " ms)");
  // The last server byte came at most a third of the timeout (a ping)
  // before the drop; the expiry follows one timeout after it.
  CHECK(took >= negotiated * 2 / 3 - 50ms);
  CHECK(took <= negotiated + 300ms);
  RUN_OK(lr, queued);
  CHECK(queued.r->status().code() == zk::Error::kSessionExpired);
  lr.RunFor(200ms);
  CHECK(std::count(states.begin(), states.end(), zk::SessionState::kExpired) == 1);
  CHECK(states.back() == zk::SessionState::kExpired);
  CHECK(c->Exists("/", {}, queued.cb()).code() == zk::Error::kSessionExpired);
  // The quorum agrees shortly after: the session's ephemeral goes away.
  bool gone = false;
  for (int i = 0; i < 40 && !gone; ++i) {
    Wait<zk::Stat> ex;
    REQUIRE(other->Exists(eph, {}, ex.cb()).ok());
    RUN_OK(lr, ex);
    gone = ex.r->status().code() == zk::Error::kNoNode;
    if (!gone) lr.RunFor(100ms);
  }
  CHECK(gone);
  c.reset();
  CloseClient(lr, other);
  CHECK(lr.Drained());
}

TEST_CASE("3000 watches on long paths come back in several SetWatches packets, each fires once",
          "[reconnect][watch][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  std::vector<std::string> lines;  // outlives the loop, which may run the logger
  LoopRunner lr;
  auto o = Options(ens.connect);
  o.logger = std::make_shared<zk::Logger>(
      [&lines](zk::LogLevel, std::string_view l) { lines.emplace_back(l); }, zk::LogLevel::kDebug);
  auto c = ConnectWith(lr, o);
  auto other = ConnectWith(lr, Options(ens.connect));
  const std::string base = UniquePath("setw");
  Wait<zk::CreateResult> cb;
  REQUIRE(other->CreateNode(base, "", {}, zk::CreateMode::kPersistent, cb.cb()).ok());
  RUN_OK(lr, cb);
  REQUIRE(cb.r->ok());
  constexpr int kNodes = 3000;
  std::vector<std::string> paths;
  size_t path_bytes = 0;
  for (int i = 0; i < kNodes; ++i) {
    std::string p = fmt::format("{}/{:0>96}", base, i);  // ~110 bytes
    path_bytes += p.size();
    paths.push_back(std::move(p));
  }
  int created = 0, failed = 0;
  for (const auto& p : paths) {
    REQUIRE(other
                ->CreateNode(p, "", {}, zk::CreateMode::kPersistent,
                             [&](zk::Result<zk::CreateResult> r) { ++(r.ok() ? created : failed); })
                .ok());
  }
  REQUIRE(lr.RunUntil([&] { return created + failed == kNodes; }, 30000ms));
  REQUIRE(failed == 0);
  std::map<std::string, int> fired;
  int watched = 0;
  for (const auto& p : paths) {
    REQUIRE(c->GetData(
                 p, [&fired](const zk::WatchEvent& e) { ++fired[e.path]; },
                 [&](zk::Result<zk::DataResult> r) { watched += r.ok() ? 1 : 0; })
                .ok());
  }
  REQUIRE(lr.RunUntil([&] { return watched == kNodes; }, 30000ms));

  zk::HostPort from = *c->current_server();
  lines.clear();
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(c->UpdateServerList(Others(ens, from)).ok());
  REQUIRE(lr.RunUntil(
      [&] { return c->state() == zk::SessionState::kConnected && c->current_server(); }));
  CHECK(c->current_server()->port != from.port);
  // 330 KB of paths: three packets of at most 128 KiB.
  const std::string want = fmt::format("re-registering {} watched paths in {} SetWatches packet(s)",
                                       kNodes, (path_bytes + 128 * 1024 - 1) / (128 * 1024));
  bool split = false;
  for (const auto& l : lines) split = split || l.find(want) != std::string::npos;
  INFO(want);
  CHECK(split);

  // One round trip (after the SetWatches replies), then every node changes.
  Wait<zk::Stat> sync;
  REQUIRE(c->Exists(base, {}, sync.cb()).ok());
  RUN_OK(lr, sync);
  WARN("move with " << kNodes << " watches (" << path_bytes << " path bytes): reattached and "
                    << "re-registered, one round trip later, in "
                    << std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - t0)
                           .count()
                    << " ms");
  int set = 0;
  for (const auto& p : paths) {
    REQUIRE(
        other->SetData(p, "x", -1, [&set](zk::Result<zk::Stat> r) { set += r.ok() ? 1 : 0; }).ok());
  }
  REQUIRE(lr.RunUntil([&] { return set == kNodes && fired.size() == kNodes; }, 30000ms));
  lr.RunFor(300ms);
  int twice = 0;
  for (const auto& [p, n] : fired) twice += n != 1;
  CHECK(fired.size() == static_cast<size_t>(kNodes));
  CHECK(twice == 0);
  CHECK(c->session_id() != 0);
  CloseClient(lr, other);
  CloseClient(lr, c);
  CHECK(lr.Drained());
}
