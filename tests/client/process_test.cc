// What the SDK does to its application's process: nothing it did not ask for.
//
// It never kills it: a program with default signal
// dispositions (SIGPIPE is SIG_DFL and unblocked, as in any program that
// did not change it) holds 300 sessions that write steadily while servers
// close their connections under them: zksim sheds half of a server's
// connections again and again, and a real ZooKeeper 3.8 server is killed
// (SIGKILL) and restarted. A write to a connection the server closed must
// be a connection loss like any other; SIGPIPE would end this process
// (exit status 141, "killed by signal 13" in meson's log) before any check.
//
// Afterwards every acknowledged write is read back: nothing acknowledged
// may be missing.
//
// And it leaves the process alone (docs/client.md, "What the SDK does to
// your process"): signal dispositions, signal mask, locale and environment
// are as before; its sockets are close-on-exec; the loop thread that
// BlockingClient starts blocks signals, so they reach the application's own
// threads.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <clocale>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "test_util.h"
#include "zk/client/blocking_client.h"

using namespace zk::test;

namespace {

constexpr int kSessions = 300;
constexpr int kDepth = 8;            // requests in flight per session
constexpr int kPayload = 1000;       // bytes per write
constexpr int kBigNode = 48 * 1024;  // bytes of the node every session also reads

// SIGPIPE as the program started with it.
bool SigpipeIsDefault(std::string* why) {
  struct sigaction sa {};
  sigaction(SIGPIPE, nullptr, &sa);
  if (sa.sa_handler != SIG_DFL) {
    *why = sa.sa_handler == SIG_IGN ? "SIGPIPE is ignored" : "SIGPIPE has a handler";
    return false;
  }
  sigset_t mask;
  sigemptyset(&mask);
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  if (sigismember(&mask, SIGPIPE)) {
    *why = "SIGPIPE is blocked";
    return false;
  }
  return true;
}

// One session writing znodes base/w<k> (k = 0, 1, ...) and reading the big
// node in turn, kDepth requests in flight. A create that fails (connection
// loss) is not acknowledged and the next one takes a new number. The reads
// keep more than 64 KiB of replies on their way to the client, so a server
// that closes the connection does it while the client is still reading and
// writing (the pattern that raised SIGPIPE in libuv's write path: a write
// after the peer's FIN provokes a reset, and the next write meets it).
struct Writer {
  std::shared_ptr<zk::Client> client;
  std::string base;
  bool ready = false;  // base exists
  int next = 0;
  int reads = 0;
  int inflight = 0;
  int failed = 0;
  std::set<int> acked;
};

class Workload {
 public:
  Workload(LoopRunner& lr, const std::string& connect, const std::string& root)
      : lr_(lr), root_(root) {
    auto o = Options(connect);
    o.session_timeout = 10000ms;
    o.logger = zk::Logger::Null();
    auto setup = ConnectWith(lr_, o);
    Wait<zk::CreateResult> w;
    REQUIRE(setup->CreateNode(root_, std::nullopt, {}, zk::CreateMode::kPersistent, w.cb()).ok());
    RUN_OK(lr_, w);
    REQUIRE(w.r->ok());
    Wait<zk::CreateResult> big;
    REQUIRE(setup
                ->CreateNode(root_ + "/big", std::string(kBigNode, 'b'), {},
                             zk::CreateMode::kPersistent, big.cb())
                .ok());
    RUN_OK(lr_, big);
    REQUIRE(big.r->ok());
    CloseClient(lr_, setup);

    writers_.resize(kSessions);
    for (int i = 0; i < kSessions; ++i) {
      auto oi = o;
      oi.random_seed = 1000 + static_cast<uint64_t>(i);
      auto c = zk::Client::Create(lr_.loop(), oi);
      REQUIRE(c.ok());
      writers_[i].client = c.value();
      writers_[i].base = fmt::format("{}/s{}", root_, i);
    }
    for (auto& w : writers_) {
      Writer* wp = &w;
      REQUIRE(w.client
                  ->CreateNode(w.base, std::nullopt, {}, zk::CreateMode::kPersistent,
                               [wp](zk::Result<zk::CreateResult> r) {
                                 wp->ready = r.ok() || r.status().code() == zk::Error::kNodeExists;
                               })
                  .ok());
    }
    REQUIRE(lr_.RunUntil(
        [&] {
          for (const auto& w : writers_) {
            if (!w.ready) return false;
          }
          return true;
        },
        60000ms));
  }

  // Keeps every session's pipeline full while running_.
  void Start() {
    running_ = true;
    for (auto& w : writers_) {
      while (w.inflight < kDepth) Issue(&w);
    }
  }
  void StopWriting() { running_ = false; }
  bool Drained() const {
    for (const auto& w : writers_) {
      if (w.inflight > 0) return false;
    }
    return true;
  }

  int64_t Acked() const {
    int64_t n = 0;
    for (const auto& w : writers_) n += static_cast<int64_t>(w.acked.size());
    return n;
  }
  int64_t Failed() const {
    int64_t n = 0;
    for (const auto& w : writers_) n += w.failed;
    return n;
  }
  // Connections made beyond each session's first.
  uint64_t Reconnects() const {
    uint64_t n = 0;
    for (const auto& w : writers_) n += w.client->connect_count() - 1;
    return n;
  }
  int Expired() const {
    int n = 0;
    for (const auto& w : writers_) n += w.client->state() == zk::SessionState::kExpired;
    return n;
  }

  // Reads every session's children back; returns acknowledged writes that
  // are missing (on any session's failure to read, REQUIRE fails).
  int64_t Missing() {
    int64_t missing = 0;
    int pending = 0;
    for (auto& w : writers_) {
      ++pending;
      Writer* wp = &w;
      REQUIRE(w.client
                  ->GetChildren(w.base, {},
                                [wp, &missing, &pending](zk::Result<zk::ChildrenResult> r) {
                                  --pending;
                                  if (!r.ok()) {
                                    missing += static_cast<int64_t>(wp->acked.size());
                                    return;
                                  }
                                  std::set<std::string> have(r->children.begin(),
                                                             r->children.end());
                                  for (int k : wp->acked) {
                                    if (have.count(fmt::format("w{}", k)) == 0) ++missing;
                                  }
                                })
                  .ok());
    }
    REQUIRE(lr_.RunUntil([&] { return pending == 0; }, 60000ms));
    return missing;
  }

  void CloseAll() {
    int open = 0;
    for (auto& w : writers_) {
      ++open;
      w.client->Close([&open] { --open; });
    }
    REQUIRE(lr_.RunUntil([&] { return open == 0; }, 30000ms));
    for (auto& w : writers_) w.client.reset();
  }

 private:
  void Issue(Writer* w) {
    ++w->inflight;
    if ((w->next + w->reads) % 2 == 1) {
      ++w->reads;
      zk::Status st = w->client->GetData(root_ + "/big", {}, [this, w](zk::Result<zk::DataResult>) {
        --w->inflight;
        if (running_ && w->inflight < kDepth) Issue(w);
      });
      if (!st.ok()) --w->inflight;
      return;
    }
    int k = w->next++;
    zk::Status st = w->client->CreateNode(
        fmt::format("{}/w{}", w->base, k), std::string(kPayload, 'x'), {},
        zk::CreateMode::kPersistent, [this, w, k](zk::Result<zk::CreateResult> r) {
          --w->inflight;
          if (r.ok()) {
            w->acked.insert(k);
          } else {
            ++w->failed;
          }
          if (running_ && w->inflight < kDepth) Issue(w);
        });
    if (!st.ok()) {
      --w->inflight;
      ++w->failed;
    }
  }

  LoopRunner& lr_;
  std::string root_;
  std::vector<Writer> writers_;
  bool running_ = false;
};

// Runs the loop as an application does (uv_run UV_RUN_DEFAULT, no sleeps
// between iterations) for at most d, calling tick every `every` meanwhile;
// a tick that returns true ends the run early.
void RunLikeAnApplication(uv_loop_t* loop, std::chrono::milliseconds d,
                          std::chrono::milliseconds every, std::function<bool()> tick) {
  struct Timers {
    uv_timer_t stop, tick;
    std::function<bool()> fn;
  } t;
  t.fn = std::move(tick);
  uv_timer_init(loop, &t.stop);
  uv_timer_init(loop, &t.tick);
  t.stop.data = &t;
  t.tick.data = &t;
  uv_timer_start(
      &t.stop, [](uv_timer_t* h) { uv_stop(h->loop); }, static_cast<uint64_t>(d.count()), 0);
  if (t.fn) {
    uv_timer_start(
        &t.tick,
        [](uv_timer_t* h) {
          if (static_cast<Timers*>(h->data)->fn()) uv_stop(h->loop);
        },
        static_cast<uint64_t>(every.count()), static_cast<uint64_t>(every.count()));
  }
  uv_run(loop, UV_RUN_DEFAULT);
  uv_close(reinterpret_cast<uv_handle_t*>(&t.stop), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&t.tick), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);  // the close callbacks
}

void RequireDefaultSigpipe() {
  std::string why;
  bool dfl = SigpipeIsDefault(&why);
  INFO("this test must start with SIGPIPE at its default disposition: " << why);
  REQUIRE(dfl);
}

}  // namespace

TEST_CASE(
    "300 writing sessions survive zksim shedding half of a server's connections, "
    "with SIGPIPE at its default",
    "[sigpipe][zksim]") {
  const char* bin = std::getenv("ZKSIM_BIN");
  if (bin == nullptr) {
    WARN("ZKSIM_BIN is not set: skipped");
    return;
  }
  RequireDefaultSigpipe();
  Ensemble ens = StartZksim(bin);
  REQUIRE(ens.ok);
  {
    LoopRunner lr;
    Workload load(lr, ens.connect, UniquePath("sigpipe-zksim"));
    load.Start();
    // 24 sheds, 250 ms apart, round robin over the three servers: each
    // closes half of that server's session connections mid-pipeline.
    // The run ends two ticks after the last shed (bounded at 60 s: on a
    // loaded machine a tick may come late, never lost).
    int sheds = 0;
    int round = 0;
    RunLikeAnApplication(lr.loop(), 60000ms, 250ms, [&] {
      if (round >= 24) return ++round >= 26;
      const auto& s = ens.servers[static_cast<size_t>(round++ % 3)];
      if (FourLetter(s.client_port, "sh50").rfind("Shed ", 0) == 0) ++sheds;
      return false;
    });
    load.StopWriting();
    REQUIRE(lr.RunUntil([&] { return load.Drained(); }, 60000ms));
    fmt::print(stderr, "# zksim: acked {}, failed {}, reconnects {}, sheds {}\n", load.Acked(),
               load.Failed(), load.Reconnects(), sheds);
    INFO("acked " << load.Acked() << ", failed " << load.Failed() << ", reconnects "
                  << load.Reconnects() << ", sheds " << sheds);
    CHECK(sheds == 24);
    CHECK(load.Reconnects() >= 300);  // the sheds really closed connections
    CHECK(load.Acked() >= 10000);     // the pipeline really ran
    CHECK(load.Expired() == 0);
    CHECK(load.Missing() == 0);
    load.CloseAll();
  }
  StopZksim(&ens);
}

TEST_CASE(
    "300 writing sessions survive a real ZooKeeper 3.8 server killed and restarted, "
    "with SIGPIPE at its default",
    "[sigpipe][interop]") {
  OwnEnsemble ens;
  if (!ens.ok()) {
    WARN("no ZooKeeper 3.8 ensemble (zookeeper not installed or did not start): skipped");
    return;
  }
  RequireDefaultSigpipe();
  LoopRunner lr;
  Workload load(lr, ens.connect(), UniquePath("sigpipe-zk"));
  load.Start();
  uint64_t before = load.Reconnects();
  // Kill two servers in turn (SIGKILL: the kernel closes their sockets, so
  // writes in flight meet a reset), each restarted after a second.
  for (int id : {1, 2}) {
    RunLikeAnApplication(lr.loop(), 1500ms, 0ms, {});
    REQUIRE(ens.Kill(id));
    RunLikeAnApplication(lr.loop(), 1000ms, 0ms, {});
    REQUIRE(ens.Start(id));
  }
  RunLikeAnApplication(lr.loop(), 1500ms, 0ms, {});
  load.StopWriting();
  REQUIRE(lr.RunUntil([&] { return load.Drained(); }, 60000ms));
  fmt::print(stderr, "# zookeeper: acked {}, failed {}, reconnects {}\n", load.Acked(),
             load.Failed(), load.Reconnects() - before);
  INFO("acked " << load.Acked() << ", failed " << load.Failed() << ", reconnects "
                << load.Reconnects() - before);
  CHECK(load.Reconnects() - before >= 100);  // the kills really closed connections
  CHECK(load.Acked() >= 1000);
  CHECK(load.Expired() == 0);
  CHECK(load.Missing() == 0);
  load.CloseAll();
}

namespace {

// Every signal's disposition (handler and flags) and this thread's mask.
std::string SignalSnapshot() {
  std::string out;
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction sa {};
    if (sigaction(sig, nullptr, &sa) != 0) continue;
    out += fmt::format("{}:{}:{:x};", sig, reinterpret_cast<uintptr_t>(sa.sa_handler),
                       static_cast<unsigned>(sa.sa_flags));
  }
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  for (int sig = 1; sig < NSIG; ++sig) out += sigismember(&mask, sig) ? "1" : "0";
  return out;
}

std::string EnvironmentSnapshot() {
  std::string out;
  for (char** e = environ; *e != nullptr; ++e) out += std::string(*e) + "\n";
  return out;
}

// The names in a /proc directory ("." and ".." left out).
std::set<std::string> ProcEntries(const char* dir) {
  std::set<std::string> out;
  DIR* d = opendir(dir);
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') out.insert(e->d_name);
  }
  closedir(d);
  return out;
}

// The open socket descriptors of this process that lack FD_CLOEXEC (the
// descriptor that read the directory is closed by then, so readlink fails
// for it and it is left out).
std::vector<std::string> InheritableSockets() {
  std::vector<std::string> out;
  for (const std::string& name : ProcEntries("/proc/self/fd")) {
    char target[256] = {};
    std::string link = "/proc/self/fd/" + name;
    if (readlink(link.c_str(), target, sizeof target - 1) <= 0) continue;
    if (std::string(target).rfind("socket:", 0) != 0) continue;
    int fd = std::atoi(name.c_str());
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && (flags & FD_CLOEXEC) == 0) out.push_back(fmt::format("fd {} {}", fd, target));
  }
  return out;
}

std::set<std::string> Threads() { return ProcEntries("/proc/self/task"); }

// A thread's blocked-signal mask from /proc (SigBlk, hex).
uint64_t BlockedMask(const std::string& tid) {
  std::ifstream f(fmt::format("/proc/self/task/{}/status", tid));
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("SigBlk:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  }
  return 0;
}

bool MaskHas(uint64_t mask, int sig) { return (mask >> (sig - 1)) & 1U; }

}  // namespace

TEST_CASE(
    "the SDK leaves signal dispositions, the signal mask, locale and environment alone; "
    "its sockets are close-on-exec",
    "[process][zksim]") {
  const char* bin = std::getenv("ZKSIM_BIN");
  if (bin == nullptr) {
    WARN("ZKSIM_BIN is not set: skipped");
    return;
  }
  Ensemble ens = StartZksim(bin);
  REQUIRE(ens.ok);
  const std::string signals = SignalSnapshot();
  const std::string env = EnvironmentSnapshot();
  const std::string locale = std::setlocale(LC_ALL, nullptr);
  {
    LoopRunner lr;
    std::vector<std::shared_ptr<zk::Client>> clients;
    for (int i = 0; i < 20; ++i) {
      auto o = Options(ens.connect);
      o.track_ensemble = true;  // the default: a config watch, getConfig, ...
      o.logger = nullptr;       // the default logger
      o.random_seed = 7 + static_cast<uint64_t>(i);
      clients.push_back(ConnectWith(lr, o));
    }
    // Connected and busy: every session socket is open now.
    Wait<zk::Stat> w;
    REQUIRE(clients[0]->Exists("/", {}, w.cb()).ok());
    RUN_OK(lr, w);
    CHECK(InheritableSockets().empty());
    // A shed closes half of one server's connections: reconnects open new sockets.
    CHECK(FourLetter(ens.servers[0].client_port, "sh50").rfind("Shed ", 0) == 0);
    lr.RunFor(1000ms);
    REQUIRE(lr.RunUntil([&] {
      for (auto& c : clients) {
        if (c->state() != zk::SessionState::kConnected) return false;
      }
      return true;
    }));
    CHECK(InheritableSockets().empty());
    for (auto& c : clients) CloseClient(lr, c);
  }
  CHECK(SignalSnapshot() == signals);
  CHECK(EnvironmentSnapshot() == env);
  CHECK(std::string(std::setlocale(LC_ALL, nullptr)) == locale);
  StopZksim(&ens);
}

TEST_CASE("BlockingClient's loop thread blocks signals; the caller's mask is kept",
          "[process][zksim]") {
  const char* bin = std::getenv("ZKSIM_BIN");
  if (bin == nullptr) {
    WARN("ZKSIM_BIN is not set: skipped");
    return;
  }
  Ensemble ens = StartZksim(bin);
  REQUIRE(ens.ok);
  const std::string signals = SignalSnapshot();
  const std::set<std::string> before = Threads();
  {
    auto o = Options(ens.connect);
    o.logger = zk::Logger::Null();
    auto bc = zk::BlockingClient::Connect(o);
    REQUIRE(bc.ok());
    REQUIRE((*bc)->Exists("/").ok());
    std::set<std::string> started;
    for (const auto& t : Threads()) {
      if (before.count(t) == 0) started.insert(t);
    }
    REQUIRE(started.size() >= 1);
    for (const auto& t : started) {
      uint64_t mask = BlockedMask(t);
      INFO("thread " << t << " SigBlk " << std::hex << mask);
      CHECK(MaskHas(mask, SIGINT));
      CHECK(MaskHas(mask, SIGTERM));
      CHECK(MaskHas(mask, SIGCHLD));
      CHECK(MaskHas(mask, SIGPIPE));
    }
    (*bc)->Close();
  }
  CHECK(SignalSnapshot() == signals);  // this thread's mask included
  StopZksim(&ens);
}
