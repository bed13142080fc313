// zksim at scale (not a timed test; figures in docs/benchmarks.md).
//
//   bench_server_sim sessions [N=20000] [HOLD_S=12]
//     starts `zksim serve --servers 3` and opens N sessions with zkclient on
//     one loop thread of this process (at most 1,000 connecting at a time);
//     reports the time to connect all, zksim's RSS (and per session), its
//     threads and CPU, then holds them HOLD_S seconds with a 9 s session
//     timeout (a ping every 3 s each) and reports drops and zksim's CPU.
//     N is capped by RLIMIT_NOFILE: each session is one fd here and one fd in
//     zksim.
//   bench_server_sim throughput [OPS=20000] [DEPTH=100] [ROUNDS=3]
//     pipelined getData (DEPTH in flight, 100-byte node), then setData, on
//     one session (OPS per run, or as many as take 1 s if more) against `zksim serve --servers 1`
//     and against one real ZooKeeper 3.8 server (standalone, default JIT) started in the same run;
//     rounds alternate between the two after a warm-up of each; prints
//     ops/s, client and server CPU per op (server: /proc/PID/stat, all its
//     threads), the median of each and the ratio zksim/real.
//   bench_server_sim all       both (the default)
//
// Options (before the mode): --zksim PATH (default: the build's zksim),
// --jar PATH (default /usr/share/java/zookeeper.jar).
#include <fmt/format.h>
#include <sys/resource.h>
#include <uv.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "server_process.h"
#include "zk/client/client.h"

#ifndef ZKSIM_BIN
#error "ZKSIM_BIN must be defined by the build"
#endif

using namespace std::chrono;
using zk::bench::ProcFigures;
using zk::bench::ReadProc;
using zk::bench::ServerProcess;

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Raises the soft fd limit to the hard one; returns the new soft limit.
rlim_t RaiseFdLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

// Runs `loop` until `done()` or `limit` passes; a 50 ms timer bounds each
// wait so the predicate is re-checked even when nothing happens.
bool RunUntil(uv_loop_t* loop, const std::function<bool()>& done, milliseconds limit) {
  uv_timer_t tick;
  uv_timer_init(loop, &tick);
  uv_timer_start(
      &tick, [](uv_timer_t*) {}, 50, 50);
  auto deadline = steady_clock::now() + limit;
  bool ok;
  while (!(ok = done()) && steady_clock::now() < deadline) uv_run(loop, UV_RUN_ONCE);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
  return ok;
}

// Sum of zk_num_alive_connections over the servers of a connect string, less
// the asking connections (each server counts the `mntr` probe itself).
long AliveConnections(const std::string& connect) {
  long total = 0;
  size_t start = 0;
  while (start <= connect.size()) {
    size_t comma = connect.find(',', start);
    std::string hp =
        connect.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::string mntr = zk::bench::FourLetter(hp, "mntr");
    size_t at = mntr.find("zk_num_alive_connections\t");
    if (at == std::string::npos) return -1;
    total += std::atol(mntr.c_str() + at + std::strlen("zk_num_alive_connections\t")) - 1;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return total;
}

long SelfRssKib() { return ReadProc(getpid()).rss_kib; }

// ------------------------------------------------------------- sessions
int Sessions(const std::string& zksim_bin, int n, int hold_s) {
  rlim_t fds = RaiseFdLimit();
  // Headroom for stdio, the loop's own fds, zksim's listeners and 4lw probes.
  const int cap = static_cast<int>(fds) - 40;
  if (n > cap) {
    fmt::print(
        "RLIMIT_NOFILE is {} (hard; raising it needs CAP_SYS_RESOURCE): {} sessions instead of "
        "{}\n",
        fds, cap, n);
    n = cap;
  }
  auto zs = zk::bench::StartZksim(zksim_bin, 3, 2000);
  if (!zs.ok()) {
    fmt::print(stderr, "{}\n", zs.status().ToString());
    return 1;
  }
  fmt::print("zksim {} (pid {}), {} sessions, session timeout 9 s\n", zs->connect(), zs->pid(), n);
  ProcFigures idle = ReadProc(zs->pid());
  long self_rss0 = SelfRssKib();

  uv_loop_t loop;
  uv_loop_init(&loop);
  std::vector<std::shared_ptr<zk::Client>> cs;
  cs.reserve(static_cast<size_t>(n));
  std::vector<char> up(static_cast<size_t>(n), 0);
  int connected = 0, ever = 0, drops = 0;
  // One logger for all sessions: keeps the first warnings (why a session
  // dropped) and counts the rest.
  std::vector<std::string> warnings;
  int warning_count = 0;
  auto logger = std::make_shared<zk::Logger>(
      [&](zk::LogLevel, std::string_view line) {
        if (++warning_count <= 5) warnings.emplace_back(line);
      },
      zk::LogLevel::kWarn);
  const int kConnectingMax = 1000;
  auto t0 = steady_clock::now();
  double cpu0 = CpuSeconds();
  bool all = RunUntil(
      &loop,
      [&] {
        while (static_cast<int>(cs.size()) < n &&
               static_cast<int>(cs.size()) - ever < kConnectingMax) {
          size_t i = cs.size();
          zk::ClientOptions o;
          o.connect_string = zs->connect();
          o.track_ensemble = false;
          o.session_timeout = 9000ms;
          o.random_seed = i + 1;
          o.logger = logger;
          o.session_watcher = [&, i](zk::SessionState s) {
            bool now_up = s == zk::SessionState::kConnected;
            if (now_up && !up[i]) {
              up[i] = 1;
              ++connected;
              ++ever;
            } else if (!now_up && up[i]) {
              up[i] = 0;
              --connected;
              ++drops;
            }
          };
          auto c = zk::Client::Create(&loop, o);
          if (!c.ok()) {
            fmt::print(stderr, "session {}: {}\n", i, c.status().ToString());
            return true;
          }
          cs.push_back(c.value());
        }
        return connected == n;
      },
      180s);
  double connect_s = duration<double>(steady_clock::now() - t0).count();
  double client_cpu = CpuSeconds() - cpu0;
  ProcFigures loaded = ReadProc(zs->pid());
  long self_rss1 = SelfRssKib();
  fmt::print(
      "connect: {} of {} connected in {:.2f} s ({:.0f} sessions/s; client CPU {:.2f} s, zksim CPU "
      "{:.2f} s)\n",
      connected, n, connect_s, connected / connect_s, client_cpu,
      loaded.cpu_seconds - idle.cpu_seconds);
  fmt::print("zksim: RSS {} KiB idle -> {} KiB, {:.2f} KiB/session; threads {}\n", idle.rss_kib,
             loaded.rss_kib, static_cast<double>(loaded.rss_kib - idle.rss_kib) / n,
             loaded.threads);
  fmt::print("client: RSS +{} KiB, {:.2f} KiB/session; threads {}\n", self_rss1 - self_rss0,
             static_cast<double>(self_rss1 - self_rss0) / n, ReadProc(getpid()).threads);

  int status = all ? 0 : 1;
  if (all) {
    int drops0 = drops;
    double zcpu0 = loaded.cpu_seconds;
    cpu0 = CpuSeconds();
    RunUntil(
        &loop, [] { return false; }, seconds(hold_s));
    ProcFigures held = ReadProc(zs->pid());
    long alive = AliveConnections(zs->connect());
    double pings = static_cast<double>(n) * hold_s / 3.0;  // one per 3 s per session
    fmt::print(
        "hold {} s: {} connected, {} drops, zksim counts {} live connections; "
        "zksim CPU {:.2f} s ({:.2f} s user; {:.1f} us per expected ping), client CPU {:.2f} s\n",
        hold_s, connected, drops - drops0, alive, held.cpu_seconds - zcpu0,
        held.user_seconds - loaded.user_seconds, (held.cpu_seconds - zcpu0) / pings * 1e6,
        CpuSeconds() - cpu0);
    if (connected != n || drops != drops0) status = 1;
  }
  if (warning_count > 0) {
    fmt::print("{} client warnings, the first {}:\n", warning_count, warnings.size());
    for (const auto& w : warnings) fmt::print("  {}\n", w);
  }
  auto t1 = steady_clock::now();
  int closed = 0;
  for (auto& c : cs) c->Close([&] { ++closed; });
  bool all_closed = RunUntil(
      &loop, [&] { return closed == static_cast<int>(cs.size()); }, 60s);
  fmt::print("close: {} sessions closed in {:.2f} s\n", closed,
             duration<double>(steady_clock::now() - t1).count());
  cs.clear();
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0 || !all_closed) status = 1;
  return status;
}

// ------------------------------------------------------------- throughput
struct Run {
  int ops = 0;
  double ops_per_s = 0;
  double client_us_per_op = 0;
  double server_us_per_op = 0;
};

// One untracked, silent session to `connect` (the throughput runs).
zk::ClientOptions QuietOptions(const std::string& connect) {
  zk::ClientOptions o;
  o.connect_string = connect;
  o.track_ensemble = false;
  o.random_seed = 1;
  o.logger = zk::Logger::Null();
  return o;
}

// One session, pipelined getData (or setData) with `depth` in flight: `ops`
// of them, or as many as take 1 s if that is more.
zk::Result<Run> Pipelined(const std::string& connect, pid_t server, const std::string& path,
                          bool write, int ops, int depth) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  auto created = zk::Client::Create(&loop, QuietOptions(connect));
  if (!created.ok()) return created.status();
  std::shared_ptr<zk::Client> client = std::move(created).value();
  Run run;
  zk::Status failed;
  if (RunUntil(
          &loop, [&] { return client->state() == zk::SessionState::kConnected; }, 30s)) {
    // At least `ops`, and at least 1 s of them: the server's CPU figure has
    // the resolution of a clock tick (10 ms).
    int sent = 0, done = 0;
    auto t0 = steady_clock::now();
    auto more = [&] { return sent < ops || steady_clock::now() - t0 < 1s; };
    std::function<void()> issue = [&] {
      while (more() && sent - done < depth) {
        ++sent;
        zk::Status st = write ? client->SetData(path, std::string(100, 'w'), -1,
                                                [&](zk::Result<zk::Stat> r) {
                                                  if (!r.ok() && failed.ok()) failed = r.status();
                                                  ++done;
                                                  issue();
                                                })
                              : client->GetData(path, {}, [&](zk::Result<zk::DataResult> r) {
                                  if (!r.ok() && failed.ok()) failed = r.status();
                                  ++done;
                                  issue();
                                });
        if (!st.ok()) {
          failed = st;
          ++done;
        }
      }
    };
    double server0 = ReadProc(server).cpu_seconds;
    double cpu0 = CpuSeconds();
    t0 = steady_clock::now();
    issue();
    while ((done < sent || more()) && failed.ok()) uv_run(&loop, UV_RUN_ONCE);
    double secs = duration<double>(steady_clock::now() - t0).count();
    run = {done, done / secs, (CpuSeconds() - cpu0) / done * 1e6,
           (ReadProc(server).cpu_seconds - server0) / done * 1e6};
  } else {
    failed = zk::Status(zk::Error::kConnectionLoss, "no connection in 30 s");
  }
  bool closed = false;
  client->Close([&] { closed = true; });
  while (!closed) uv_run(&loop, UV_RUN_ONCE);
  client.reset();
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  if (!failed.ok()) return failed;
  return run;
}

zk::Status CreateNode(const std::string& connect, const std::string& path) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  auto created = zk::Client::Create(&loop, QuietOptions(connect));
  if (!created.ok()) return created.status();
  std::shared_ptr<zk::Client> client = std::move(created).value();
  std::optional<zk::Status> st;
  zk::Status issued =
      client->CreateNode(path, std::string(100, 'v'), {}, zk::CreateMode::kPersistent,
                         [&](zk::Result<zk::CreateResult> r) { st = r.status(); });
  if (!issued.ok()) st = issued;
  RunUntil(
      &loop, [&] { return st.has_value(); }, 30s);
  client->Close();
  client.reset();
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  if (!st) return zk::Status(zk::Error::kOperationTimeout, "create: no answer in 30 s");
  return *st;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int Throughput(const std::string& zksim_bin, const std::string& jar, int ops, int depth,
               int rounds) {
  auto zs = zk::bench::StartZksim(zksim_bin, 1, 2000);
  if (!zs.ok()) {
    fmt::print(stderr, "{}\n", zs.status().ToString());
    return 1;
  }
  auto real = zk::bench::StartZooKeeper(jar, 2000);
  if (!real.ok()) {
    fmt::print(stderr, "{}\n", real.status().ToString());
    return 1;
  }
  struct Target {
    std::string name;
    const ServerProcess* proc;
  };
  std::vector<Target> targets = {{"zksim", &*zs}, {"zookeeper 3.8", &*real}};
  const std::string path = "/bench";
  fmt::print("{} ops per run, {} in flight, {} rounds; zksim {} (pid {}), ZooKeeper {} (pid {})\n",
             ops, depth, rounds, zs->connect(), zs->pid(), real->connect(), real->pid());
  for (const auto& t : targets) {
    zk::Status st = CreateNode(t.proc->connect(), path);
    if (!st.ok()) {
      fmt::print(stderr, "{}: create {}: {}\n", t.name, path, st.ToString());
      return 1;
    }
    // Warm-up (the JVM compiles its hot paths).
    for (bool write : {false, true}) {
      auto w = Pipelined(t.proc->connect(), t.proc->pid(), path, write, ops, depth);
      if (!w.ok()) {
        fmt::print(stderr, "{}: warm-up: {}\n", t.name, w.status().ToString());
        return 1;
      }
    }
  }
  for (bool write : {false, true}) {
    const char* what = write ? "setData" : "getData";
    std::vector<std::vector<double>> rate(targets.size()), client(targets.size()),
        server(targets.size());
    for (int r = 0; r < rounds; ++r) {
      for (size_t k = 0; k < targets.size(); ++k) {
        auto run =
            Pipelined(targets[k].proc->connect(), targets[k].proc->pid(), path, write, ops, depth);
        if (!run.ok()) {
          fmt::print(stderr, "{}: {}\n", targets[k].name, run.status().ToString());
          return 1;
        }
        fmt::print(
            "  round {} {:<14} {} {:>9.0f} ops/s  client {:>5.2f} us/op  server {:>6.2f} us CPU/op"
            "  ({} ops)\n",
            r + 1, targets[k].name, what, run->ops_per_s, run->client_us_per_op,
            run->server_us_per_op, run->ops);
        rate[k].push_back(run->ops_per_s);
        client[k].push_back(run->client_us_per_op);
        server[k].push_back(run->server_us_per_op);
      }
    }
    for (size_t k = 0; k < targets.size(); ++k) {
      fmt::print(
          "{:<14} {} median {:>9.0f} ops/s  client {:>5.2f} us/op  server {:>6.2f} us CPU/op\n",
          targets[k].name, what, Median(rate[k]), Median(client[k]), Median(server[k]));
    }
    fmt::print("{} zksim/real: {:.2f}x the ops/s, {:.3f}x the server CPU per op\n", what,
               Median(rate[0]) / Median(rate[1]), Median(server[0]) / Median(server[1]));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string zksim_bin = ZKSIM_BIN;
  std::string jar = "/usr/share/java/zookeeper.jar";
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--zksim" || a == "--jar") && i + 1 < argc) {
      (a == "--zksim" ? zksim_bin : jar) = argv[++i];
    } else {
      args.push_back(a);
    }
  }
  std::string mode = args.empty() ? "all" : args[0];
  auto num = [&](size_t i, int def) {
    if (args.size() <= i) return def;
    int v = std::atoi(args[i].c_str());
    return v > 0 ? v : def;
  };
  if (mode == "sessions") return Sessions(zksim_bin, num(1, 20000), num(2, 12));
  if (mode == "throughput")
    return Throughput(zksim_bin, jar, num(1, 20000), num(2, 100), num(3, 3));
  if (mode == "all") {
    int a = Sessions(zksim_bin, 20000, 12);
    int b = Throughput(zksim_bin, jar, 20000, 100, 3);
    return a != 0 ? a : b;
  }
  fmt::print(
      stderr,
      "usage: {} [--zksim PATH] [--jar PATH] [sessions [N] [HOLD_S] | throughput [OPS] [DEPTH] "
      "[ROUNDS] | all]\n",
      argv[0]);
  return 2;
}
