// Read-only servers, against real ZooKeeper 3.8 servers started with
// -Dreadonlymode.enabled=true (zkensemble.py --readonly): a server cut off
// from its quorum serves read-only clients; the client attaches as
// ConnectedReadOnly, its writes fail with ZNOTREADONLY, and it finds its way
// back to a read-write server on its own.
//
// Facts these tests rest on (ZooKeeper 3.8.0 sources): a read-only server
// refuses to reattach a session of the quorum ("Refusing global session
// reconnection in RO mode"), so only a client that never had a read-write
// connection gets ConnectedReadOnly there, with a session of that server; on
// its first read-write connect it asks for a new session (Java's
// seenRwServerBefore). The client looks for read-write servers with `isro`.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_util.h"

using namespace zk::test;

namespace {

// A 3-server ensemble of its own, every server with read-only mode on (the
// tests stop and start its servers).
struct RoEnsemble : OwnEnsemble {
  RoEnsemble() : OwnEnsemble("--readonly") {}
};

// Polls `isro` until the server answers `want` (bounded).
bool WaitIsro(uint16_t port, const std::string& want, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (FourLetter(port, "isro") == want) return true;
    usleep(100 * 1000);
  }
  return false;
}

struct Recorder {
  std::vector<zk::SessionState> states;
  std::vector<std::string> lines;
  // The client's log as TAP comments (for a failure's diagnosis).
  void Dump() const {
    for (const auto& l : lines) fprintf(stderr, "# %s\n", l.c_str());
  }
  bool Logged(const std::string& what) const {
    for (const auto& l : lines) {
      if (l.find(what) != std::string::npos) return true;
    }
    return false;
  }
};

zk::ClientOptions RoOptions(const std::string& connect, Recorder* rec) {
  auto o = Options(connect);
  o.can_be_read_only = true;
  o.session_watcher = [rec](zk::SessionState s) { rec->states.push_back(s); };
  o.logger = std::make_shared<zk::Logger>(
      [rec](zk::LogLevel, std::string_view l) { rec->lines.emplace_back(l); },
      zk::LogLevel::kDebug);
  return o;
}

// Writes fail with ZNOTREADONLY, reads work.
void CheckReadOnly(LoopRunner& lr, zk::Client& c) {
  Wait<zk::Stat> ex;
  REQUIRE(c.Exists("/", {}, ex.cb()).ok());
  RUN_OK(lr, ex);
  CHECK(ex.r->ok());
  Wait<zk::CreateResult> cr;
  REQUIRE(c.CreateNode(UniquePath("ro"), "", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);
  CHECK(cr.r->status().code() == zk::Error::kNotReadOnly);
}

// A write works, and the ephemeral it creates belongs to the session.
void CheckReadWrite(LoopRunner& lr, zk::Client& c) {
  std::string p = UniquePath("rw");
  Wait<zk::CreateResult> cr;
  REQUIRE(c.CreateNode(p, "", {}, zk::CreateMode::kEphemeral, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  CHECK(cr.r->value().stat.ephemeral_owner == c.session_id());
}

}  // namespace

TEST_CASE("the survivor of a lost quorum serves read-only; the client returns to read-write",
          "[readonly][interop]") {
  RoEnsemble ens;
  if (!ens.ok()) {
    WARN("ZooKeeper not available; skipped");
    return;
  }
  REQUIRE(ens.Stop(1));
  REQUIRE(ens.Stop(2));
  REQUIRE(WaitIsro(ens.port(3), "ro", 20000ms));

  Recorder rec;  // outlives the loop: a failed REQUIRE leaves the client running
  LoopRunner lr;
  auto created = zk::Client::Create(lr.loop(), RoOptions(ens.connect(), &rec));
  REQUIRE(created.ok());
  auto c = created.value();
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kConnectedReadOnly; }, 20000ms));
  CHECK(c->current_server()->port == ens.port(3));
  const int64_t ro_sid = c->session_id();
  CheckReadOnly(lr, *c);

  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(ens.Start(1));
  REQUIRE(ens.Start(2));
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kConnected; }, 40000ms));
  auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  // The read-only server leaves read-only mode when the quorum is back and
  // drops its clients; a probe may find a read-write server first.
  WARN("read-write again " << took.count() << " ms after restarting two servers, "
                           << (rec.Logged("is read-write") ? "found by an isro probe"
                                                           : "after the read-only server ended"));
  CHECK(c->session_id() != ro_sid);  // the first read-write connect: a new session
  CheckReadWrite(lr, *c);
  CHECK(std::find(rec.states.begin(), rec.states.end(), zk::SessionState::kConnectedReadOnly) !=
        rec.states.end());
  CHECK(rec.states.back() == zk::SessionState::kConnected);
  CloseClient(lr, c);
  CHECK(lr.Drained());
}

TEST_CASE("an isro probe finds a read-write server while the read-only one stays read-only",
          "[readonly][interop]") {
  // Two ensembles: A stays read-write; only server 3 of B runs, read-only
  // for good. The client starts on B3 alone, then learns of A1 without being
  // told to move (migration none): only the probe can take it there.
  RoEnsemble a, b;
  if (!a.ok() || !b.ok()) {
    WARN("ZooKeeper not available; skipped");
    return;
  }
  REQUIRE(b.Stop(1));
  REQUIRE(b.Stop(2));
  REQUIRE(WaitIsro(b.port(3), "ro", 20000ms));

  Recorder rec;  // outlives the loop: a failed REQUIRE leaves the client running
  LoopRunner lr;
  auto o = RoOptions(b.Address(3), &rec);
  o.host_provider.migration = zk::MigrationPolicy::kNone;
  auto created = zk::Client::Create(lr.loop(), o);
  REQUIRE(created.ok());
  auto c = created.value();
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kConnectedReadOnly; }, 20000ms));
  const int64_t ro_sid = c->session_id();
  CheckReadOnly(lr, *c);

  // A server refuses a client that has seen a later zxid than its own
  // (the client is ahead). Within one ensemble the quorum is never behind
  // its members; across two it can be, so A gets ahead of B first.
  {
    auto w = zk::test::ConnectWith(lr, Options(a.connect()));
    int done = 0;
    for (int i = 0; i < 50; ++i) {
      REQUIRE(w->CreateNode(UniquePath("ahead"), "", {}, zk::CreateMode::kPersistent,
                            [&done](zk::Result<zk::CreateResult> r) { done += r.ok() ? 1 : 0; })
                  .ok());
    }
    REQUIRE(lr.RunUntil([&] { return done == 50; }));
    CloseClient(lr, w);
  }
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(c->UpdateServerList(b.Address(3) + "," + a.Address(1)).ok());
  CHECK(c->state() == zk::SessionState::kConnectedReadOnly);  // not moved by the list
  bool rw = lr.RunUntil([&] { return c->state() == zk::SessionState::kConnected; }, 20000ms);
  if (!rw) rec.Dump();
  REQUIRE(rw);
  auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  WARN("probe found " << a.Address(1) << " read-write " << took.count()
                      << " ms after the list change");
  CHECK(rec.Logged(a.Address(1) + " is read-write"));
  CHECK(c->current_server()->port == a.port(1));
  CHECK(c->session_id() != ro_sid);
  CHECK(c->session_id() != 0);
  CheckReadWrite(lr, *c);
  CHECK(FourLetter(b.port(3), "isro") == "ro");
  CloseClient(lr, c);
  CHECK(lr.Drained());
}
