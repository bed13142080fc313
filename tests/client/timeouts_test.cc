// Issue 12, items 8 and 9, against the shared ensemble (real ZooKeeper 3.8,
// or zksim under `client-zksim`): per-request timeouts and write-side
// backpressure of the async API, and BlockingClient lifetimes (no task
// posted to the loop refers to a caller's stack after op_timeout returned;
// this test is meant to run under AddressSanitizer too, see docs/client.md).
#include <signal.h>

#include <atomic>
#include <thread>

#include "test_util.h"
#include "zk/client/blocking_client.h"

using namespace zk::test;

namespace {

// Longer than any small-string buffer, so that a task reading a freed copy
// touches freed heap memory (which AddressSanitizer reports).
std::string Long(const std::string& stem, char fill) { return stem + std::string(200, fill); }

}  // namespace

TEST_CASE("BlockingClient lifetimes: ops timed out while the loop is blocked own their arguments",
          "[blocking-lifetimes][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("skipped: no ensemble");
    return;
  }
  // `other` sets things up, makes the change that wakes the sleeping
  // watcher (a change by `c` itself would be answered after the
  // notification, so behind the sleep) and checks the outcome.
  auto bo = zk::BlockingClient::Connect(Options(ens.connect), 15s, 10s);
  REQUIRE(bo.ok());
  auto& other = *bo.value();
  auto o = Options(ens.connect);
  o.session_timeout = 10000ms;  // the loop sleeps 3 s; no read timeout then
  auto bc = zk::BlockingClient::Connect(o, 15s, 150ms);
  REQUIRE(bc.ok());
  auto& c = *bc.value();
  std::string base = UniquePath("lifetimes");
  REQUIRE(other.CreateNode(base, "").ok());

  // A watcher that blocks the loop thread.
  std::atomic<bool> sleeping{false};
  REQUIRE(c.GetData(base, [&](const zk::WatchEvent&) {
             sleeping = true;
             std::this_thread::sleep_for(3000ms);
           }).ok());
  REQUIRE(other.SetData(base, "wake").ok());
  for (int i = 0; i < 500 && !sleeping; ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(sleeping);

  // Every argument below is a temporary (or a by-value parameter) that is
  // gone when the call returns; the loop runs the posted tasks later.
  const std::string a = base + "/" + std::string(180, 'a');
  const std::string b = base + "/" + std::string(180, 'b');
  const std::string m = base + "/" + std::string(180, 'm');
  CHECK(c.CreateNode(std::string(a), Long("data-a", 'x')).status().code() ==
        zk::Error::kOperationTimeout);
  CHECK(c.SetData(std::string(base), Long("data-base", 'y')).status().code() ==
        zk::Error::kOperationTimeout);
  CHECK(c.CreateNode(std::string(b), std::optional<std::string>(Long("data-b", 'z')),
                     std::vector<zk::Acl>(zk::wire::OpenAclUnsafe()), zk::CreateMode::kPersistent)
            .status()
            .code() == zk::Error::kOperationTimeout);
  CHECK(c.Exists(std::string(a), [big = Long("w", 'w')](const zk::WatchEvent&) { (void)big; })
            .status()
            .code() == zk::Error::kOperationTimeout);
  CHECK(c.Multi({zk::Op::Create(std::string(m), Long("data-m", 'q'), {})}).status.code() ==
        zk::Error::kOperationTimeout);
  CHECK(c.AddWatch(std::string(b), zk::AddWatchMode::kPersistent, [](const zk::WatchEvent&) {
         }).code() == zk::Error::kOperationTimeout);
  CHECK(c.Delete(base + "/" + std::string(180, 'n')).code() == zk::Error::kOperationTimeout);

  // The loop wakes and runs the tasks with their own copies: the requests
  // went out with the arguments as given.
  zk::Status synced;
  for (int i = 0; i < 50; ++i) {
    synced = c.Sync("/");  // answered after every task posted before it
    if (synced.ok()) break;
  }
  REQUIRE(synced.ok());
  auto da = other.GetData(a);
  REQUIRE(da.ok());
  CHECK(da.value().data == Long("data-a", 'x'));
  auto db = other.GetData(b);
  REQUIRE(db.ok());
  CHECK(db.value().data == Long("data-b", 'z'));
  auto dm = other.GetData(m);
  REQUIRE(dm.ok());
  CHECK(dm.value().data == Long("data-m", 'q'));
  auto dbase = other.GetData(base);
  REQUIRE(dbase.ok());
  CHECK(dbase.value().data == Long("data-base", 'y'));
  for (const auto& p : {a, b, m}) CHECK(other.Delete(p).ok());
  CHECK(other.Delete(base).ok());
  c.Close();
  other.Close();
}

namespace {

// SIGSTOPs a server process (the shared ensemble's, or all of zksim's
// servers, which share one process) and SIGCONTs it when it goes.
class Paused {
 public:
  explicit Paused(int pid) : pid_(pid) { ok_ = pid_ > 0 && kill(pid_, SIGSTOP) == 0; }
  ~Paused() { Resume(); }
  bool ok() const { return ok_; }
  void Resume() {
    if (ok_) kill(pid_, SIGCONT);
    ok_ = false;
  }

 private:
  int pid_;
  bool ok_ = false;
};

}  // namespace

TEST_CASE(
    "per-request timeout: a request the server does not answer completes once with "
    "ZOPERATIONTIMEOUT; the late reply is dropped and the connection kept",
    "[request-timeout][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("skipped: no ensemble");
    return;
  }
  LoopRunner lr;
  auto o = Options(fmt::format("127.0.0.1:{}", ens.servers[0].client_port));
  o.session_timeout = 10000ms;  // the read timeout (2/3 of it) stays far away
  o.request_timeout = 300ms;
  auto c = ConnectWith(lr, o);
  std::string base = UniquePath("request-timeout");
  Wait<zk::CreateResult> created;
  REQUIRE(c->CreateNode(base, "v", {}, zk::CreateMode::kPersistent, created.cb()).ok());
  RUN_OK(lr, created);
  REQUIRE(created.r->ok());
  uint64_t connects = c->connect_count();

  int calls = 0;
  std::optional<zk::Result<zk::DataResult>> timed_out;
  std::chrono::steady_clock::time_point t0, t1;
  {
    Paused pause(ens.servers[0].pid);
    REQUIRE(pause.ok());
    t0 = std::chrono::steady_clock::now();
    REQUIRE(c->GetData(
                 base, [](const zk::WatchEvent&) {},
                 [&](zk::Result<zk::DataResult> r) {
                   ++calls;
                   t1 = std::chrono::steady_clock::now();
                   timed_out.emplace(std::move(r));
                 })
                .ok());
    REQUIRE(lr.RunUntil([&] { return timed_out.has_value(); }, 5000ms));
    CHECK(timed_out->status().code() == zk::Error::kOperationTimeout);
    auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(t1 - t0);
    fmt::print(stderr, "# request timed out after {} ms (request_timeout 300 ms)\n",
               waited.count());
    CHECK(waited >= 295ms);
    CHECK(waited < 2000ms);
  }
  // The server answers late, in order: the reply is consumed silently and
  // the next request on the same connection gets its own answer.
  Wait<zk::DataResult> next;
  REQUIRE(c->GetData(base, {}, next.cb()).ok());
  RUN_OK(lr, next);
  REQUIRE(next.r->ok());
  CHECK(next.r->value().data == "v");
  lr.RunFor(100ms);
  CHECK(calls == 1);
  CHECK(c->connect_count() == connects);
  CHECK(c->state() == zk::SessionState::kConnected);
  WaitS del;
  REQUIRE(c->Delete(base, -1, del.cb()).ok());
  RUN_S(lr, del);
  CHECK(del.s->ok());
  CloseClient(lr, c);
}

TEST_CASE(
    "write-side backpressure: requests and bytes in flight are bounded; beyond the queue "
    "ZTHROTTLEDOP",
    "[backpressure][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("skipped: no ensemble");
    return;
  }
  LoopRunner lr;
  std::string base = UniquePath("backpressure");
  SECTION("requests") {
    auto o = Options(ens.connect);
    o.max_in_flight_requests = 4;
    o.max_queued_requests = 4;
    auto c = ConnectWith(lr, o);
    Wait<zk::CreateResult> created;
    REQUIRE(c->CreateNode(base, "", {}, zk::CreateMode::kPersistent, created.cb()).ok());
    RUN_OK(lr, created);
    REQUIRE(created.r->ok());
    // One burst from one loop turn: 4 go out, 4 wait, the rest is refused.
    int accepted = 0, done_ok = 0, throttled = 0;
    for (int i = 0; i < 20; ++i) {
      zk::Status s = c->SetData(base, std::string(1024, 'a' + i % 26), -1,
                                [&](zk::Result<zk::Stat> r) { done_ok += r.ok() ? 1 : 0; });
      if (s.ok()) {
        ++accepted;
      } else {
        CHECK(s.code() == zk::Error::kThrottledOp);
        CHECK(s.message().find("in flight") != std::string::npos);
        ++throttled;
      }
    }
    CHECK(accepted == 8);
    CHECK(throttled == 12);
    REQUIRE(lr.RunUntil([&] { return done_ok == accepted; }));
    WaitS del;
    REQUIRE(c->Delete(base, -1, del.cb()).ok());
    RUN_S(lr, del);
    CloseClient(lr, c);
  }
  SECTION("bytes") {
    auto o = Options(ens.connect);
    o.max_in_flight_bytes = 64 * 1024;
    o.max_queued_bytes = 256 * 1024;
    auto c = ConnectWith(lr, o);
    Wait<zk::CreateResult> created;
    REQUIRE(c->CreateNode(base, "", {}, zk::CreateMode::kPersistent, created.cb()).ok());
    RUN_OK(lr, created);
    REQUIRE(created.r->ok());
    // 32 KiB writes: one fits in flight (two frames exceed 64 KiB), seven
    // in the queue; the 100-request burst would otherwise hold 3.2 MiB.
    int accepted = 0, done_ok = 0, throttled = 0;
    for (int i = 0; i < 100; ++i) {
      zk::Status s = c->SetData(base, std::string(32 * 1024, 'x'), -1,
                                [&](zk::Result<zk::Stat> r) { done_ok += r.ok() ? 1 : 0; });
      if (s.ok()) {
        ++accepted;
      } else {
        CHECK(s.code() == zk::Error::kThrottledOp);
        CHECK(s.message().find("bytes") != std::string::npos);
        ++throttled;
      }
    }
    CHECK(accepted == 8);
    CHECK(throttled == 92);
    REQUIRE(lr.RunUntil([&] { return done_ok == accepted; }));
    // Room again once the replies came.
    Wait<zk::Stat> again;
    REQUIRE(c->SetData(base, "done", -1, again.cb()).ok());
    RUN_OK(lr, again);
    CHECK(again.r->ok());
    WaitS del;
    REQUIRE(c->Delete(base, -1, del.cb()).ok());
    RUN_S(lr, del);
    CloseClient(lr, c);
  }
}
