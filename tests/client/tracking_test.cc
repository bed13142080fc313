// Ensemble tracking as operators configure ensembles (issue 12, items 1-3),
// against a real ZooKeeper 3.8 (test `client-tracking`) or zksim
// (`client-tracking-zksim`, ZK_CLIENT_TARGET=zksim):
//  1. wildcard client addresses: the reconfiguration guide's bare-port form
//     (server.N=host:qp:ep:participant;cp) publishes 0.0.0.0:cp; a tracking
//     client adopts host:cp, never the wildcard;
//  2. the first config a session reads: the user's connect string stays until
//     the jitter has passed, and a move it brings is jittered;
//  3. chroot + tracking: the config watch is re-registered on
//     /zookeeper/config itself after a reconnect, so a chrooted client keeps
//     following reconfigs.
// Every ensemble here is this executable's own (membership changes, kills).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "config_hosts.h"
#include "zk/wire/server_spec.h"
#include "test_util.h"

using namespace zk::test;
using Clock = std::chrono::steady_clock;

namespace {

std::set<zk::HostPort> AsSet(const std::vector<zk::HostPort>& v) { return {v.begin(), v.end()}; }

std::set<zk::HostPort> Loopback(const std::vector<uint16_t>& ports) {
  std::set<zk::HostPort> out;
  for (uint16_t p : ports) out.insert(zk::HostPort{"127.0.0.1", p});
  return out;
}

uint16_t FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  uint16_t port = 0;
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

// An ensemble of this executable: a real ZooKeeper 3.8 (OwnEnsemble) or a
// zksim process, with what the tests need of either.
class Target {
 public:
  // bare_client_port: server lines in the guide's form "...:participant;cp"
  // (zkensemble.py --bare-client-port; zksim serve --config with such lines).
  explicit Target(bool bare_client_port) {
    if (!TargetIsZksim()) {
      own_ = std::make_unique<OwnEnsemble>(bare_client_port ? "--bare-client-port" : "");
      if (!own_->ok()) return;
      connect_ = own_->connect();
      super_ = own_->super_auth();
      for (int id = 1; id <= 3; ++id) ports_.push_back(own_->port(id));
      ok_ = true;
      return;
    }
    const char* bin = std::getenv("ZKSIM_BIN");
    if (bin == nullptr) return;
    std::string extra;
    if (bare_client_port) {
      char tmpl[] = "/tmp/zkclient-trk-XXXXXX";
      if (mkdtemp(tmpl) == nullptr) return;
      dir_ = tmpl;
      std::ofstream dyn(dir_ + "/zoo.cfg.dynamic");
      for (int id = 1; id <= 3; ++id) {
        dyn << fmt::format("server.{}=127.0.0.1:{}:{}:participant;{}\n", id, FreePort(), FreePort(),
                           FreePort());
      }
      std::ofstream cfg(dir_ + "/zoo.cfg");
      cfg << "tickTime=500\ninitLimit=20\nsyncLimit=10\ndataDir=" << dir_
          << "/data\nreconfigEnabled=true\nstandaloneEnabled=false\ndynamicConfigFile=" << dir_
          << "/zoo.cfg.dynamic\n";
      extra = "--config=" + dir_ + "/zoo.cfg";
    }
    sim_ = StartZksim(bin, extra.empty() ? nullptr : extra.c_str());
    if (!sim_.ok) return;
    connect_ = sim_.connect;
    super_ = sim_.super_auth;
    for (const auto& s : sim_.servers) ports_.push_back(s.client_port);
    ok_ = true;
  }
  ~Target() {
    if (sim_.zksim) StopZksim(&sim_);
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }
  bool ok() const { return ok_; }
  const std::string& connect() const { return connect_; }
  const std::string& super_auth() const { return super_; }
  const std::vector<uint16_t>& ports() const { return ports_; }
  int IdOf(uint16_t port) const {
    for (size_t i = 0; i < ports_.size(); ++i) {
      if (ports_[i] == port) return static_cast<int>(i + 1);
    }
    return 0;
  }
  // Cuts the connections of server `id` under its clients: ZooKeeper's is
  // killed (SIGKILL); zksim's closes them all (4lw `shed`: the server stays
  // up, which for its clients is the same connection loss).
  bool KillOrShed(int id) {
    if (own_) return own_->Kill(id);
    return FourLetter(ports_.at(static_cast<size_t>(id - 1)), "shed").rfind("Shed ", 0) == 0;
  }
  // Undoes KillOrShed: ZooKeeper's server is started again (waits until
  // every server serves); zksim's never stopped.
  bool Restart(int id) {
    if (own_) return own_->Start(id) && own_->WaitServing();
    return true;
  }

 private:
  std::unique_ptr<OwnEnsemble> own_;
  Ensemble sim_;
  std::string dir_, connect_, super_;
  std::vector<uint16_t> ports_;
  bool ok_ = false;
};

// One bare-port ensemble for items 1 and 2 (they do not change it).
Target& BareEnsemble() {
  static Target t(true);
  return t;
}

zk::ClientOptions Tracking(const std::string& connect, std::chrono::milliseconds jitter) {
  auto o = Options(connect);
  o.track_ensemble = true;
  o.tracking_jitter = jitter;
  return o;
}

// Reconfig until `done(config)`; tolerates ZCONNECTIONLOSS and
// ZRECONFIGINPROGRESS (the outcome is read back, the request retried).
zk::ConfigResult ReconfigUntil(LoopRunner& lr, zk::Client& c, const zk::ReconfigSpec& spec,
                               const std::function<bool(const zk::ConfigResult&)>& done) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    Wait<zk::ConfigResult> r;
    REQUIRE(c.Reconfig(spec, r.cb()).ok());
    REQUIRE(lr.RunUntil([&] { return r.r.has_value(); }, 30000ms));
    if (r.r->ok() && done(r.r->value())) return r.r->value();
    INFO(r.r->status().ToString());
    auto code = r.r->status().code();
    REQUIRE((code == zk::Error::kConnectionLoss || code == zk::Error::kReconfigInProgress));
    REQUIRE(lr.RunUntil([&] { return c.state() == zk::SessionState::kConnected; }, 30000ms));
    lr.RunFor(500ms);
    auto now = ReadConfig(lr, c);
    if (done(now)) return now;
  }
  FAIL("reconfig did not take effect");
  return {};
}

bool Names(const zk::ConfigResult& r, uint16_t port) {
  return std::any_of(r.connect_addresses.begin(), r.connect_addresses.end(),
                     [port](const zk::HostPort& h) { return h.port == port; });
}

// The "server.<id>=..." line of a config text.
std::string ServerLine(const std::string& text, int id) {
  std::string key = fmt::format("server.{}=", id);
  size_t at = text.find(key);
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

void CloseAll(LoopRunner& lr, std::vector<std::shared_ptr<zk::Client>>& cs) {
  size_t closed = 0;
  for (auto& c : cs) c->Close([&] { ++closed; });
  REQUIRE(lr.RunUntil([&] { return closed == cs.size(); }, 20000ms));
  cs.clear();
}

}  // namespace

TEST_CASE("wildcard client address: the connect addresses of a config", "[tracking][unit]") {
  using zk::client_internal::ConnectAddresses;
  std::string text =
      "server.1=10.0.0.1:2780:2783:participant;0.0.0.0:2791\n"
      "server.2=10.0.0.2:2780:2783:participant;[0:0:0:0:0:0:0:0]:2791\n"
      "server.3=zk3.example:2780:2783:observer;2791\n"  // the guide's bare port
      "server.8=10.0.0.8:2780:2783:participant;10.0.0.80:2791\n"
      "server.4=[fe80::1]:2780:2783:participant;[::]:2791\n"
      "server.5=10.0.0.5:2780:2783:participant\n"    // no client address
      "server.6=10.0.0.6:2780:2783:participant;0\n"  // client port 0
      "server.7=garbage\n"
      "version=100000000\n";
  auto got = ConnectAddresses(text);
  std::vector<zk::HostPort> want = {{"10.0.0.1", 2791},
                                    {"10.0.0.2", 2791},
                                    {"zk3.example", 2791},
                                    {"10.0.0.80", 2791},
                                    {"fe80:0:0:0:0:0:0:1", 2791}};
  CHECK(got == want);
  CHECK(ConnectAddresses("").empty());
  CHECK(zk::wire::IsWildcardHost("0.0.0.0"));
  CHECK(zk::wire::IsWildcardHost("0:0:0:0:0:0:0:0"));
  CHECK_FALSE(zk::wire::IsWildcardHost("127.0.0.1"));
}

TEST_CASE("wildcard client address: a tracking client adopts the quorum host on the client port",
          "[tracking][interop]") {
  auto& ens = BareEnsemble();
  if (!ens.ok()) {
    WARN("skipped: no ZooKeeper 3.8 / zksim");
    return;
  }
  LoopRunner lr;
  const std::set<zk::HostPort> want = Loopback(ens.ports());
  {
    // What the server publishes for the bare-port form, and what a client
    // makes of it.
    auto plain = ConnectWith(lr, Options(ens.connect()));
    auto cfg = ReadConfig(lr, *plain);
    INFO(cfg.text);
    REQUIRE(cfg.client_addresses.size() == 3);
    for (const auto& h : cfg.client_addresses) CHECK(h.host == "0.0.0.0");
    CHECK(AsSet(cfg.connect_addresses) == want);
    CloseClient(lr, plain);
  }
  // Given one server, a tracking client learns the three from the config.
  const auto first = zk::HostPort{"127.0.0.1", ens.ports()[0]};
  std::vector<std::shared_ptr<zk::Client>> cs;
  for (int i = 0; i < 6; ++i) {
    auto o = Tracking(first.ToString(), 200ms);
    o.random_seed = 500 + static_cast<uint64_t>(i);
    cs.push_back(ConnectWith(lr, o));
  }
  REQUIRE(lr.RunUntil(
      [&] {
        for (auto& c : cs) {
          if (c->tracked_config_version() == 0 || c->state() != zk::SessionState::kConnected) {
            return false;
          }
        }
        return true;
      },
      15000ms));
  int moved = 0;
  for (auto& c : cs) {
    auto servers = c->servers();
    INFO(fmt::format("{}", fmt::join(servers, ",")));
    CHECK(AsSet(servers) == want);
    for (const auto& h : servers) CHECK_FALSE(zk::wire::IsWildcardHost(h.host));
    REQUIRE(c->current_server());
    CHECK(want.count(*c->current_server()) == 1);
    if (*c->current_server() != first) ++moved;
    // The session works wherever it is now.
    Wait<zk::Stat> ex;
    REQUIRE(c->Exists("/zookeeper", {}, ex.cb()).ok());
    RUN_OK(lr, ex);
    CHECK(ex.r->ok());
  }
  WARN(fmt::format("wildcard config: 6 sessions given one server, {} moved to another", moved));
  CloseAll(lr, cs);
  CHECK(lr.Drained());
}

TEST_CASE("first config: a session whose server is in it is not moved", "[tracking][interop]") {
  auto& ens = BareEnsemble();
  if (!ens.ok()) {
    WARN("skipped: no ZooKeeper 3.8 / zksim");
    return;
  }
  LoopRunner lr;
  std::vector<std::shared_ptr<zk::Client>> cs;
  for (int i = 0; i < 6; ++i) {
    auto o = Tracking(ens.connect(), 500ms);
    o.random_seed = 700 + static_cast<uint64_t>(i);
    cs.push_back(ConnectWith(lr, o));
  }
  REQUIRE(lr.RunUntil(
      [&] {
        for (auto& c : cs) {
          if (c->tracked_config_version() == 0) return false;
        }
        return true;
      },
      15000ms));
  lr.RunFor(200ms);
  for (auto& c : cs) {
    CHECK(c->connect_count() == 1);
    CHECK(AsSet(c->servers()) == Loopback(ens.ports()));
  }
  CloseAll(lr, cs);
  CHECK(lr.Drained());
}

TEST_CASE(
    "first config: the connect string stays until the jitter has passed; a move it brings is "
    "jittered",
    "[tracking][interop]") {
  auto& ens = BareEnsemble();
  if (!ens.ok()) {
    WARN("skipped: no ZooKeeper 3.8 / zksim");
    return;
  }
  LoopRunner lr;
  constexpr int kSessions = 10;
  const auto jitter = 2000ms;
  const auto first = zk::HostPort{"127.0.0.1", ens.ports()[0]};
  struct Seen {
    std::shared_ptr<zk::Client> c;
    std::optional<Clock::time_point> connected, adopted, moved;
  };
  std::vector<Seen> seen;
  for (int i = 0; i < kSessions; ++i) {
    // One server named: the config has three, so the provider may move the
    // session (probabilistic migration, the default).
    auto o = Tracking(first.ToString(), jitter);
    o.random_seed = 900 + static_cast<uint64_t>(i);
    auto c = zk::Client::Create(lr.loop(), o);
    REQUIRE(c.ok());
    seen.push_back({c.value(), {}, {}, {}});
  }
  auto poll = [&] {
    auto now = Clock::now();
    bool all = true;
    for (auto& s : seen) {
      if (!s.connected && s.c->state() == zk::SessionState::kConnected) s.connected = now;
      if (!s.adopted && s.c->servers().size() == 3) s.adopted = now;
      if (!s.moved && s.c->connect_count() > 1) s.moved = now;
      all = all && s.adopted && (s.moved || s.c->connect_count() == 1);
    }
    return all;
  };
  REQUIRE(lr.RunUntil(poll, jitter + 10000ms));
  lr.RunFor(300ms);
  poll();
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  int late = 0, moved = 0;
  std::vector<int64_t> delays;
  for (auto& s : seen) {
    REQUIRE(s.connected);
    REQUIRE(s.adopted);
    auto delay = duration_cast<milliseconds>(*s.adopted - *s.connected);
    delays.push_back(delay.count());
    // Never later than the jitter (plus the getConfig round trip and slack).
    CHECK(delay <= jitter + 1500ms);
    if (delay >= 300ms) ++late;
    if (s.moved) {
      ++moved;
      // A move comes with the adoption of the list, never before it.
      CHECK(*s.moved >= *s.adopted);
      CHECK(s.c->current_server() != first);
    } else {
      CHECK(s.c->current_server() == first);
    }
    CHECK(s.c->state() == zk::SessionState::kConnected);
  }
  WARN(fmt::format("first config, jitter {} ms: adopted after [{}] ms; {} of {} moved",
                   jitter.count(), fmt::join(delays, ", "), moved, kSessions));
  // Uniform delays in [0, 2000] ms: P(delay < 300 ms) = 0.15 per session, so
  // 5 or more of 10 below 300 ms has probability < 1 % (and the seeds are
  // fixed). Applied at once, every delay is one getConfig round trip.
  CHECK(late >= 5);
  std::vector<std::shared_ptr<zk::Client>> cs;
  for (auto& s : seen) cs.push_back(s.c);
  seen.clear();
  CloseAll(lr, cs);
  CHECK(lr.Drained());
}

TEST_CASE(
    "chroot + tracking: after its server was killed and it reconnected, a chrooted client "
    "follows reconfigs",
    "[tracking][interop]") {
  Target ens(false);
  if (!ens.ok()) {
    WARN("skipped: no ZooKeeper 3.8 / zksim");
    return;
  }
  LoopRunner lr;
  auto su = SuperClient(lr, ens.connect(), ens.super_auth());
  const zk::ConfigResult cfg0 = ReadConfig(lr, *su);
  const std::string chroot = UniquePath("trk");
  {
    Wait<zk::CreateResult> cr;
    REQUIRE(su->CreateNode(chroot, "", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
    RUN_OK(lr, cr);
    REQUIRE(cr.r->ok());
  }
  auto o = Tracking(ens.connect() + chroot, 300ms);
  o.session_timeout = 10000ms;  // survives a leader election
  auto c = ConnectWith(lr, o);
  REQUIRE(lr.RunUntil([&] { return c->tracked_config_version() != 0; }, 10000ms));
  const int64_t v0 = c->tracked_config_version();
  const int64_t sid = c->session_id();
  REQUIRE(c->current_server());
  const uint16_t victim_port = c->current_server()->port;
  const int victim = ens.IdOf(victim_port);
  REQUIRE(victim != 0);

  // Its server goes away; the session reconnects elsewhere (ZooKeeper) or
  // anywhere (zksim shed) and re-registers its watches.
  const uint64_t connects = c->connect_count();
  REQUIRE(ens.KillOrShed(victim));
  REQUIRE(lr.RunUntil(
      [&] { return c->connect_count() > connects && c->state() == zk::SessionState::kConnected; },
      30000ms));
  REQUIRE(c->session_id() == sid);
  lr.RunFor(500ms);  // SetWatches and the tracker's getConfig are answered
  // The server holds the session's config watch on /zookeeper/config itself.
  std::string wchc = FourLetter(c->current_server()->port, "wchc");
  INFO(wchc);
  CHECK(wchc.find(fmt::format("0x{:x}", sid)) != std::string::npos);
  CHECK(wchc.find(chroot + "/zookeeper/config") == std::string::npos);
  CHECK(wchc.find("\t/zookeeper/config") != std::string::npos);

  // The operator removes the server that was killed; the client follows.
  if (su->state() != zk::SessionState::kConnected) {
    REQUIRE(lr.RunUntil([&] { return su->state() == zk::SessionState::kConnected; }, 30000ms));
  }
  auto removed = ReconfigUntil(lr, *su, {{}, {std::to_string(victim)}, {}, -1},
                               [&](const zk::ConfigResult& r) { return !Names(r, victim_port); });
  REQUIRE(removed.connect_addresses.size() == 2);
  REQUIRE(removed.version > v0);
  bool followed =
      lr.RunUntil([&] { return c->tracked_config_version() == removed.version; }, 300ms + 10000ms);
  CHECK(followed);
  CHECK(AsSet(c->servers()) == AsSet(removed.connect_addresses));
  CHECK(c->session_id() == sid);

  // And the next one: the watch was armed again after that change.
  REQUIRE(ens.Restart(victim));
  const std::string line = ServerLine(cfg0.text, victim);
  REQUIRE_FALSE(line.empty());
  if (su->state() != zk::SessionState::kConnected) {
    REQUIRE(lr.RunUntil([&] { return su->state() == zk::SessionState::kConnected; }, 30000ms));
  }
  auto added = ReconfigUntil(lr, *su, {{line}, {}, {}, -1},
                             [&](const zk::ConfigResult& r) { return Names(r, victim_port); });
  REQUIRE(added.connect_addresses.size() == 3);
  followed =
      lr.RunUntil([&] { return c->tracked_config_version() == added.version; }, 300ms + 10000ms);
  CHECK(followed);
  CHECK(AsSet(c->servers()) == AsSet(added.connect_addresses));
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kConnected; }, 30000ms));
  CHECK(c->session_id() == sid);
  // And it still works under its chroot.
  Wait<zk::Stat> ex;
  REQUIRE(c->Exists("/", {}, ex.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return ex.r.has_value(); }, 15000ms));
  CHECK(ex.r->ok());
  CloseClient(lr, c);
  CloseClient(lr, su);
  CHECK(lr.Drained());
}

TEST_CASE(
    "chroot + tracking: a config that changed while the session was away is followed, and so is "
    "the next one",
    "[tracking][interop]") {
  Target ens(false);
  if (!ens.ok()) {
    WARN("skipped: no ZooKeeper 3.8 / zksim");
    return;
  }
  LoopRunner lr;
  auto su = SuperClient(lr, ens.connect(), ens.super_auth());
  const zk::ConfigResult cfg0 = ReadConfig(lr, *su);
  const std::string chroot = UniquePath("away");
  {
    Wait<zk::CreateResult> cr;
    REQUIRE(su->CreateNode(chroot, "", {}, zk::CreateMode::kPersistent, cr.cb()).ok());
    RUN_OK(lr, cr);
    REQUIRE(cr.r->ok());
  }
  auto o = Tracking(ens.connect() + chroot, 200ms);
  o.session_timeout = 10000ms;
  auto c = ConnectWith(lr, o);
  REQUIRE(lr.RunUntil([&] { return c->tracked_config_version() != 0; }, 10000ms));
  const int64_t sid = c->session_id();
  REQUIRE(c->current_server());

  // Away: sent where nobody listens while the operator removes a server
  // (one that is neither the session's nor the operator's).
  int gone = 0;
  for (int id = 1; id <= 3 && gone == 0; ++id) {
    uint16_t p = ens.ports()[static_cast<size_t>(id - 1)];
    if (p != c->current_server()->port && su->current_server() && p != su->current_server()->port) {
      gone = id;
    }
  }
  if (gone == 0) gone = ens.IdOf(c->current_server()->port) % 3 + 1;
  const uint16_t gone_port = ens.ports()[static_cast<size_t>(gone - 1)];
  std::string back_list;
  for (uint16_t p : ens.ports()) {
    if (p == gone_port) continue;
    back_list += (back_list.empty() ? "" : ",") + fmt::format("127.0.0.1:{}", p);
  }
  REQUIRE(c->UpdateServerList("127.0.0.1:1" + chroot).ok());
  REQUIRE(lr.RunUntil([&] { return c->state() != zk::SessionState::kConnected; }, 5000ms));
  auto removed = ReconfigUntil(lr, *su, {{}, {std::to_string(gone)}, {}, -1},
                               [&](const zk::ConfigResult& r) { return !Names(r, gone_port); });
  REQUIRE(removed.connect_addresses.size() == 2);

  // Back: SetWatches tells it of the change at once (the config changed
  // after its last zxid), while its own getConfig after the connect is in
  // flight.
  REQUIRE(c->UpdateServerList(back_list + chroot).ok());
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kConnected; }, 15000ms));
  REQUIRE(c->session_id() == sid);
  bool followed =
      lr.RunUntil([&] { return c->tracked_config_version() == removed.version; }, 200ms + 10000ms);
  CHECK(followed);
  lr.RunFor(500ms);

  // The next change must come through a watch armed again.
  const std::string line = ServerLine(cfg0.text, gone);
  REQUIRE_FALSE(line.empty());
  auto added = ReconfigUntil(lr, *su, {{line}, {}, {}, -1},
                             [&](const zk::ConfigResult& r) { return Names(r, gone_port); });
  REQUIRE(added.connect_addresses.size() == 3);
  followed =
      lr.RunUntil([&] { return c->tracked_config_version() == added.version; }, 200ms + 10000ms);
  CHECK(followed);
  CHECK(AsSet(c->servers()) == AsSet(added.connect_addresses));
  REQUIRE(lr.RunUntil([&] { return c->state() == zk::SessionState::kConnected; }, 30000ms));
  CHECK(c->session_id() == sid);
  CloseClient(lr, c);
  CloseClient(lr, su);
  CHECK(lr.Drained());
}
