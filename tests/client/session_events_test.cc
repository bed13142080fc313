// Issue 12 items 6 and 7 against the shared ensemble (ZooKeeper 3.8, or
// zksim in `client-zksim`): the session's end reaches every watcher once
// (type None, as Java's ZKWatchManager.materialize), and a session handed
// to a successor by id and password (Java's ZooKeeper(..., sessionId,
// sessionPasswd), the C client's clientid_t).
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

#include "test_util.h"
#include "zk/client/blocking_client.h"

using namespace zk::test;

namespace {

constexpr const char* kNowhere = "127.0.0.1:1";

// One watcher per watch kind, each counting what it is told.
struct Watchers {
  struct Seen {
    std::vector<zk::WatchEvent> events;
  };
  std::map<std::string, Seen> seen;

  zk::Watcher Make(const std::string& name) {
    seen[name];
    return [this, name](const zk::WatchEvent& e) { seen[name].events.push_back(e); };
  }

  // Sets a data, exist, child, persistent and recursive watch under `base`
  // (which holds the child "a").
  void SetAll(LoopRunner& lr, zk::Client& c, const std::string& base) {
    Wait<zk::DataResult> d;
    REQUIRE(c.GetData(base, Make("data"), d.cb()).ok());
    Wait<zk::Stat> e;
    REQUIRE(c.Exists(base + "/missing", Make("exist"), e.cb()).ok());
    Wait<zk::ChildrenResult> ch;
    REQUIRE(c.GetChildren(base, Make("child"), ch.cb()).ok());
    WaitS p, r;
    REQUIRE(
        c.AddWatch(base + "/a", zk::AddWatchMode::kPersistent, Make("persistent"), p.cb()).ok());
    REQUIRE(
        c.AddWatch(base, zk::AddWatchMode::kPersistentRecursive, Make("recursive"), r.cb()).ok());
    RUN_OK(lr, d);
    RUN_OK(lr, e);
    RUN_OK(lr, ch);
    RUN_S(lr, p);
    RUN_S(lr, r);
    REQUIRE(d.r->ok());
    REQUIRE(e.r->status().code() == zk::Error::kNoNode);
    REQUIRE(ch.r->ok());
    REQUIRE(p.s->ok());
    REQUIRE(r.s->ok());
  }

  // Every watcher was told exactly once: type None, `state`, no path.
  void CheckToldOnce(zk::SessionState state) const {
    REQUIRE(seen.size() == 5);
    for (const auto& [name, s] : seen) {
      INFO(name);
      REQUIRE(s.events.size() == 1);
      CHECK(s.events[0].type == zk::EventType::kNone);
      CHECK(s.events[0].state == state);
      CHECK(s.events[0].path.empty());
    }
  }
};

std::string MakeBase(LoopRunner& lr, zk::Client& c, const std::string& stem) {
  std::string base = UniquePath(stem);
  Wait<zk::CreateResult> a, b;
  REQUIRE(c.CreateNode(base, "", {}, zk::CreateMode::kPersistent, a.cb()).ok());
  REQUIRE(c.CreateNode(base + "/a", "", {}, zk::CreateMode::kPersistent, b.cb()).ok());
  RUN_OK(lr, a);
  RUN_OK(lr, b);
  REQUIRE(a.r->ok());
  REQUIRE(b.r->ok());
  return base;
}

// Changes everything the watchers of SetAll watch.
void TouchAll(LoopRunner& lr, zk::Client& c, const std::string& base) {
  Wait<zk::Stat> s1, s2;
  Wait<zk::CreateResult> cr;
  REQUIRE(c.SetData(base, "x", -1, s1.cb()).ok());
  REQUIRE(c.SetData(base + "/a", "x", -1, s2.cb()).ok());
  REQUIRE(c.CreateNode(base + "/missing", "", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, s1);
  RUN_OK(lr, s2);
  RUN_OK(lr, cr);
}

// A logger that keeps its lines (read on the loop thread, or after it ran).
struct Lines {
  std::mutex mu;
  std::vector<std::string> lines;
  std::shared_ptr<zk::Logger> Logger() {
    return std::make_shared<zk::Logger>(
        [this](zk::LogLevel, std::string_view l) {
          std::lock_guard<std::mutex> lock(mu);
          lines.emplace_back(l);
        },
        zk::LogLevel::kInfo);
  }
  bool Has(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& l : lines) {
      if (l.find(what) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("session events: expiry tells every watcher once", "[session-events][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  for (bool local : {false, true}) {
    DYNAMIC_SECTION((local ? "local expiry" : "the server's verdict")) {
      LoopRunner lr;
      std::vector<zk::SessionState> states;
      auto other = ConnectWith(lr, Options(ens.connect));
      auto o = Options(ens.connect);
      o.session_timeout = 1000ms;  // tickTime 500: the server's minimum
      o.local_expiry = local;
      o.logger = zk::Logger::Null();
      o.session_watcher = [&](zk::SessionState s) { states.push_back(s); };
      auto c = ConnectWith(lr, o);
      std::string base = MakeBase(lr, *other, "sessev-exp");
      Watchers w;
      w.SetAll(lr, *c, base);
      // Away longer than the timeout: expired locally, or by the server on return.
      REQUIRE(c->UpdateServerList(kNowhere).ok());
      if (local) {
        REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kExpired; }, 5000ms));
      } else {
        lr.RunFor(2500ms);
        for (const auto& [name, s] : w.seen) CHECK(s.events.empty());  // Disconnected only
        REQUIRE(c->UpdateServerList(ens.connect).code() == zk::Error::kOk);
        REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kExpired; }));
      }
      lr.RunFor(100ms);
      w.CheckToldOnce(zk::SessionState::kExpired);
      CHECK(std::count(states.begin(), states.end(), zk::SessionState::kExpired) == 1);
      // Nothing twice: the changes and Close tell nobody again.
      TouchAll(lr, *other, base);
      bool closed = false;
      c->Close([&] { closed = true; });
      REQUIRE(lr.RunUntil([&] { return closed; }));
      lr.RunFor(200ms);
      w.CheckToldOnce(zk::SessionState::kExpired);
      c.reset();
      CloseClient(lr, other);
      CHECK(lr.Drained());
    }
  }
}

TEST_CASE("session events: close tells every watcher once", "[session-events][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto other = ConnectWith(lr, Options(ens.connect));
  auto c = ConnectWith(lr, Options(ens.connect));
  std::string base = MakeBase(lr, *other, "sessev-close");
  Watchers w;
  w.SetAll(lr, *c, base);
  CloseClient(lr, c);
  lr.RunFor(100ms);
  w.CheckToldOnce(zk::SessionState::kClosed);
  TouchAll(lr, *other, base);
  lr.RunFor(200ms);
  w.CheckToldOnce(zk::SessionState::kClosed);
  CloseClient(lr, other);
  CHECK(lr.Drained());
}

TEST_CASE("session events: an auth failure tells every watcher once", "[session-events][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto other = ConnectWith(lr, Options(ens.connect));
  auto o = Options(ens.connect);
  o.logger = zk::Logger::Null();
  auto c = ConnectWith(lr, o);
  std::string base = MakeBase(lr, *other, "sessev-auth");
  Watchers w;
  w.SetAll(lr, *c, base);
  WaitS au;
  REQUIRE(c->AddAuth("nosuch", "x", au.cb()).ok());
  RUN_S(lr, au);
  CHECK(au.s->code() == zk::Error::kAuthFailed);
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kAuthFailed; }));
  lr.RunFor(100ms);
  w.CheckToldOnce(zk::SessionState::kAuthFailed);
  TouchAll(lr, *other, base);
  bool closed = false;
  c->Close([&] { closed = true; });
  REQUIRE(lr.RunUntil([&] { return closed; }));
  lr.RunFor(200ms);
  w.CheckToldOnce(zk::SessionState::kAuthFailed);
  c.reset();
  CloseClient(lr, other);
  CHECK(lr.Drained());
}

TEST_CASE("reattach: a successor takes over the session by id and password",
          "[reattach][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto other = ConnectWith(lr, Options(ens.connect));
  auto po = Options(ens.connect);
  po.local_expiry = false;  // the predecessor waits for the server's verdict
  po.logger = zk::Logger::Null();
  std::vector<zk::SessionState> pred_states;
  po.session_watcher = [&](zk::SessionState s) { pred_states.push_back(s); };
  auto pred = ConnectWith(lr, po);
  std::string eph = UniquePath("reattach");
  Wait<zk::CreateResult> cr;
  REQUIRE(pred->CreateNode(eph, "mine", {}, zk::CreateMode::kEphemeral, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  const int64_t id = pred->session_id();
  const std::string pw = pred->session_password();
  REQUIRE(pw.size() == 16);
  CHECK(pw != std::string(16, '\0'));
  // The predecessor goes away without closing (as a process that exits).
  REQUIRE(pred->UpdateServerList(kNowhere).ok());
  REQUIRE(lr.RunUntil([&] { return pred->state() == zk::SessionState::kDisconnected; }));

  auto so = Options(ens.connect);
  so.session_id = id;
  so.session_password = pw;
  so.random_seed = 43;
  auto succ = ConnectWith(lr, so);
  CHECK(succ->session_id() == id);
  CHECK(succ->session_password() == pw);
  CHECK(succ->negotiated_timeout() > 0ms);
  // The ephemeral node is the successor's: it owns it and can use it.
  Wait<zk::DataResult> d;
  bool changed = false;
  REQUIRE(
      succ->GetData(
              eph,
              [&](const zk::WatchEvent& e) { changed = e.type == zk::EventType::kNodeDataChanged; },
              d.cb())
          .ok());
  RUN_OK(lr, d);
  REQUIRE(d.r->ok());
  CHECK(d.r->value().stat.ephemeral_owner == id);
  CHECK(d.r->value().data == "mine");
  Wait<zk::Stat> set;
  REQUIRE(other->SetData(eph, "changed", -1, set.cb()).ok());
  RUN_OK(lr, set);
  REQUIRE(lr.RunUntil([&] { return changed; }));
  // Its close ends the session: the ephemeral goes, and the predecessor,
  // coming back, is told Expired.
  CloseClient(lr, succ);
  WaitS synced;  // `other` may be on a server that has not applied the close yet
  REQUIRE(other->Sync(eph, synced.cb()).ok());
  RUN_S(lr, synced);
  Wait<zk::Stat> gone;
  REQUIRE(other->Exists(eph, {}, gone.cb()).ok());
  RUN_OK(lr, gone);
  CHECK(gone.r->status().code() == zk::Error::kNoNode);
  REQUIRE(pred->UpdateServerList(ens.connect).ok());
  REQUIRE(lr.RunUntil([&] { return pred->state() == zk::SessionState::kExpired; }));
  CHECK(std::count(pred_states.begin(), pred_states.end(), zk::SessionState::kExpired) == 1);
  pred.reset();
  CloseClient(lr, other);
  CHECK(lr.Drained());
}

TEST_CASE("reattach: a wrong password ends in Expired, with the reason logged",
          "[reattach][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto owner = ConnectWith(lr, Options(ens.connect));
  std::string wrong = owner->session_password();
  REQUIRE(wrong.size() == 16);
  wrong[0] = static_cast<char>(wrong[0] ^ 0x5a);

  Lines lines;
  std::vector<zk::SessionState> states;
  auto o = Options(ens.connect);
  o.session_id = owner->session_id();
  o.session_password = wrong;
  o.logger = lines.Logger();
  o.session_watcher = [&](zk::SessionState s) { states.push_back(s); };
  auto created = zk::Client::Create(lr.loop(), o);
  REQUIRE(created.ok());
  auto c = created.value();
  Wait<zk::Stat> queued;
  REQUIRE(c->Exists("/", {}, queued.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kExpired; }));
  RUN_OK(lr, queued);
  CHECK(queued.r->status().code() == zk::Error::kSessionExpired);
  CHECK(states == std::vector<zk::SessionState>{zk::SessionState::kExpired});
  CHECK(lines.Has("refused to reattach it"));
  CHECK(lines.Has("or the password is wrong"));
  // The owner's session is untouched.
  lr.RunFor(200ms);
  CHECK(owner->state() == zk::SessionState::kConnected);
  Wait<zk::Stat> ok;
  REQUIRE(owner->Exists("/", {}, ok.cb()).ok());
  RUN_OK(lr, ok);
  CHECK(ok.r->ok());
  c.reset();

  // Through BlockingClient::Connect: ZSESSIONEXPIRED, at once.
  auto t0 = std::chrono::steady_clock::now();
  auto bo = o;
  bo.session_watcher = nullptr;
  auto bc = zk::BlockingClient::Connect(bo, 10s, 5s);
  CHECK(bc.status().code() == zk::Error::kSessionExpired);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  CloseClient(lr, owner);
  CHECK(lr.Drained());
}

TEST_CASE("reattach: a closed session cannot be reattached; options are checked",
          "[reattach][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto gone = ConnectWith(lr, Options(ens.connect));
  const int64_t id = gone->session_id();
  const std::string pw = gone->session_password();
  CloseClient(lr, gone);
  auto o = Options(ens.connect);
  o.logger = zk::Logger::Null();
  o.session_id = id;
  o.session_password = pw;
  auto c = zk::Client::Create(lr.loop(), o);
  REQUIRE(c.ok());
  REQUIRE(lr.RunUntil([&] { return c.value()->state() == zk::SessionState::kExpired; }));
  c.value().reset();

  auto no_pw = Options(ens.connect);
  no_pw.session_id = id;
  CHECK(zk::Client::Create(lr.loop(), no_pw).status().code() == zk::Error::kBadArguments);
  auto no_id = Options(ens.connect);
  no_id.session_password = pw;
  CHECK(zk::Client::Create(lr.loop(), no_id).status().code() == zk::Error::kBadArguments);
  CHECK(lr.Drained());
}

TEST_CASE("reattach: through BlockingClient::Connect", "[reattach][blocking][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  auto first = zk::BlockingClient::Connect(Options(ens.connect), 15s, 10s);
  REQUIRE(first.ok());
  std::string eph = UniquePath("reattach-blocking");
  REQUIRE(first.value()->CreateNode(eph, "x", {}, zk::CreateMode::kEphemeral).ok());
  const int64_t id = first.value()->session_id();
  const std::string pw = first.value()->session_password();
  REQUIRE(pw.size() == 16);
  // The predecessor's connection goes; its session stays (no closeSession).
  REQUIRE(first.value()->UpdateServerList(kNowhere).ok());

  auto o = Options(ens.connect);
  o.session_id = id;
  o.session_password = pw;
  auto second = zk::BlockingClient::Connect(o, 15s, 10s);
  REQUIRE(second.ok());
  CHECK(second.value()->session_id() == id);
  auto st = second.value()->Exists(eph);
  REQUIRE(st.ok());
  CHECK(st.value().ephemeral_owner == id);
  second.value()->Close();
  auto check = zk::BlockingClient::Connect(Options(ens.connect), 15s, 10s);
  REQUIRE(check.ok());
  REQUIRE(check.value()->Sync(eph).ok());
  CHECK(check.value()->Exists(eph).status().code() == zk::Error::kNoNode);
}

TEST_CASE("reattach: a process hands its session to its successor and exits",
          "[reattach][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  const std::string eph = UniquePath("handover");
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The predecessor: its own session and ephemeral node; it writes the
    // session id and password to its successor and exits without closing.
    close(fds[0]);
    LoopRunner clr;
    auto o = Options(ens.connect);
    o.logger = zk::Logger::Null();
    auto c = zk::Client::Create(clr.loop(), o);
    if (!c.ok()) _exit(2);
    auto client = c.value();
    if (!clr.RunUntil([&] { return client->state() == zk::SessionState::kConnected; })) _exit(3);
    std::optional<zk::Result<zk::CreateResult>> cr;
    if (!client
             ->CreateNode(eph, "old", {}, zk::CreateMode::kEphemeral,
                          [&](zk::Result<zk::CreateResult> r) { cr.emplace(std::move(r)); })
             .ok() ||
        !clr.RunUntil([&] { return cr.has_value(); }) || !cr->ok()) {
      _exit(4);
    }
    int64_t id = client->session_id();
    std::string msg(reinterpret_cast<const char*>(&id), sizeof id);
    msg += client->session_password();
    bool written = write(fds[1], msg.data(), msg.size()) == static_cast<ssize_t>(msg.size());
    _exit(written ? 0 : 5);
  }
  close(fds[1]);
  std::string msg;
  char buf[64];
  pollfd pfd{fds[0], POLLIN, 0};
  while (poll(&pfd, 1, 20000) == 1) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    msg.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(msg.size() == sizeof(int64_t) + 16);
  int64_t id = 0;
  std::memcpy(&id, msg.data(), sizeof id);

  // The predecessor is gone; its session lives for its timeout. Take it over.
  LoopRunner lr;
  auto o = Options(ens.connect);
  o.session_id = id;
  o.session_password = msg.substr(sizeof id);
  auto succ = ConnectWith(lr, o);
  CHECK(succ->session_id() == id);
  Wait<zk::DataResult> d;
  REQUIRE(succ->GetData(eph, {}, d.cb()).ok());
  RUN_OK(lr, d);
  REQUIRE(d.r->ok());
  CHECK(d.r->value().stat.ephemeral_owner == id);
  // Still there after the predecessor's timeout: the session is the successor's.
  lr.RunFor(o.session_timeout + 1000ms);
  CHECK(succ->state() == zk::SessionState::kConnected);
  Wait<zk::Stat> still;
  REQUIRE(succ->Exists(eph, {}, still.cb()).ok());
  RUN_OK(lr, still);
  CHECK(still.r->ok());
  CloseClient(lr, succ);
  auto other = ConnectWith(lr, Options(ens.connect));
  WaitS synced;
  REQUIRE(other->Sync(eph, synced.cb()).ok());
  RUN_S(lr, synced);
  Wait<zk::Stat> gone;
  REQUIRE(other->Exists(eph, {}, gone.cb()).ok());
  RUN_OK(lr, gone);
  CHECK(gone.r->status().code() == zk::Error::kNoNode);
  CloseClient(lr, other);
  CHECK(lr.Drained());
}
