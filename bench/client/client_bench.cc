// Client benchmarks against one real ZooKeeper server (not a timed test).
//
//   bench_client throughput HOST:PORT [ops=20000] [depth=100]
//     pipelined getData and setData on one session: zkclient, the Apache C
//     client (libzookeeper-mt; host re-resolution off = -1 and on = 0) and
//     kazoo (python3-kazoo, async). Reports ops/s and client CPU per op
//     (process CPU time / ops; the C client's two threads included).
//   bench_client sessions HOST:PORT N
//     N sessions on one loop thread: time to connect all, RSS per session,
//     threads in the process.
//   bench_client tls HOST:PORT TLS_HOST:PORT CERTDIR [ops=20000] [depth=100]
//     zkclient reads and writes over plaintext and over TLS against the same
//     server (its clientPort and secureClientPort; CERTDIR from
//     tests/tls/make_certs.sh: ca.pem, client.pem/.key), three alternating
//     rounds each; ops/s and client CPU per op (docs/benchmarks.md).
//   bench_client callgrind HOST:PORT [ops=2000] [depth=100]
//     for `valgrind --tool=callgrind`: zkclient and the C client (resolution
//     off), reads then writes; the counters are zeroed before each measured
//     loop and dumped after it (CALLGRIND_DUMP_STATS_AT "<client> <op> <ops>"),
//     so each dump's total Ir / ops is the instructions per operation of the
//     whole process (all threads; connect and close excluded). The C client's
//     issuing thread then polls every 1 ms instead of 20 us (docs/benchmarks.md).
#include <sys/resource.h>
#include <uv.h>
#include <zookeeper/zookeeper.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "zk/client/client.h"

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label) (void)(label)
#endif

using namespace std::chrono;

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

long StatusField(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(std::strlen(key)));
  }
  return -1;
}

struct Figures {
  double ops_per_s;
  double cpu_us_per_op;
};

// Under callgrind: zero the counters before a measured loop, dump them after
// it with a label. A no-op when `label` is empty.
void CallgrindStart(const std::string& label) {
  if (!label.empty()) CALLGRIND_ZERO_STATS;
}
void CallgrindDump(const std::string& label) {
  if (!label.empty()) CALLGRIND_DUMP_STATS_AT(label.c_str());
}

void Print(const std::string& who, const std::string& what, const Figures& f) {
  fmt::print("{:<28} {:<8} {:>10.0f} ops/s  {:>7.2f} us CPU/op\n", who, what, f.ops_per_s,
             f.cpu_us_per_op);
}

// ---------------------------------------------------------------- zkclient
Figures ZkThroughput(const std::string& connect, const std::string& path, bool write, int ops,
                     int depth, const std::string& callgrind_label = "",
                     const zk::TlsOptions& tls = {}) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  zk::ClientOptions o;
  o.connect_string = connect;
  o.tls = tls;
  o.track_ensemble = false;
  o.random_seed = 1;
  auto c = zk::Client::Create(&loop, o).value();
  while (c->state() != zk::SessionState::kConnected) uv_run(&loop, UV_RUN_ONCE);
  int sent = 0, done = 0;
  std::function<void()> issue = [&] {
    while (sent < ops && sent - done < depth) {
      ++sent;
      if (write) {
        (void)c->SetData(path, "v", -1, [&](zk::Result<zk::Stat>) { ++done; issue(); });
      } else {
        (void)c->GetData(path, {}, [&](zk::Result<zk::DataResult>) { ++done; issue(); });
      }
    }
  };
  auto t0 = steady_clock::now();
  double cpu0 = CpuSeconds();
  CallgrindStart(callgrind_label);
  issue();
  while (done < ops) uv_run(&loop, UV_RUN_ONCE);
  CallgrindDump(callgrind_label);
  double secs = duration<double>(steady_clock::now() - t0).count();
  double cpu = CpuSeconds() - cpu0;
  bool closed = false;
  c->Close([&] { closed = true; });
  while (!closed) uv_run(&loop, UV_RUN_ONCE);
  c.reset();
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  return {ops / secs, cpu / ops * 1e6};
}

// ---------------------------------------------------------------- C client
// Completions run on the C client's completion thread; the issuing thread
// polls with short sleeps while the pipeline is full (no busy loop, so the
// CPU figure is the C client's own).
struct CState {
  std::atomic<int> done{0};
};
void CDataDone(int, const char*, int, const struct Stat*, const void* d) {
  static_cast<CState*>(const_cast<void*>(d))->done++;
}
void CStatDone(int, const struct Stat*, const void* d) {
  static_cast<CState*>(const_cast<void*>(d))->done++;
}
void CWatcher(zhandle_t*, int, int, const char*, void*) {}

Figures CThroughput(const std::string& connect, const std::string& path, bool write, int ops,
                    int depth, int resolution_delay, const std::string& callgrind_label = "") {
  // Under callgrind the 20 us poll would add the harness's own wake-ups to
  // every operation; 1 ms keeps the pipeline full at valgrind's speed.
  const auto poll = callgrind_label.empty() ? microseconds(20) : microseconds(1000);
  zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  zhandle_t* zh = zookeeper_init(connect.c_str(), CWatcher, 10000, nullptr, nullptr, 0);
  zoo_set_servers_resolution_delay(zh, resolution_delay);
  while (zoo_state(zh) != ZOO_CONNECTED_STATE) std::this_thread::sleep_for(1ms);
  CState st;
  auto t0 = steady_clock::now();
  double cpu0 = CpuSeconds();
  CallgrindStart(callgrind_label);
  int sent = 0;
  while (st.done < ops) {
    while (sent < ops && sent - st.done < depth) {
      ++sent;
      if (write) {
        zoo_aset(zh, path.c_str(), "v", 1, -1, CStatDone, &st);
      } else {
        zoo_aget(zh, path.c_str(), 0, CDataDone, &st);
      }
    }
    std::this_thread::sleep_for(poll);
  }
  CallgrindDump(callgrind_label);
  double secs = duration<double>(steady_clock::now() - t0).count();
  double cpu = CpuSeconds() - cpu0;
  zookeeper_close(zh);
  return {ops / secs, cpu / ops * 1e6};
}

// ---------------------------------------------------------------- kazoo
void Kazoo(const std::string& connect, const std::string& path, int ops, int depth) {
  std::string script = fmt::format(R"PY(
import time, resource, collections
from kazoo.client import KazooClient
zk = KazooClient(hosts="{0}"); zk.start()
def run(write):
    q = collections.deque(); t0 = time.time(); c0 = time.process_time(); sent = 0
    while sent < {2} or q:
        while sent < {2} and len(q) < {3}:
            q.append(zk.set_async("{1}", b"v") if write else zk.get_async("{1}")); sent += 1
        q.popleft().get()
    return {2} / (time.time() - t0), (time.process_time() - c0) / {2} * 1e6
for w in (False, True):
    r, c = run(w)
    print("%-28s %-8s %10.0f ops/s  %7.2f us CPU/op" % ("kazoo 2.8 (async)", "write" if w else "read", r, c))
zk.stop()
)PY", connect, path, ops, depth);
  std::string cmd = "/usr/bin/python3 - <<'EOF'\n" + script + "\nEOF";
  if (std::system(cmd.c_str()) != 0) fmt::print("kazoo run failed\n");
}

// ---------------------------------------------------------------- sessions
void Sessions(const std::string& connect, int n) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  long rss0 = StatusField("VmRSS:");
  std::vector<std::shared_ptr<zk::Client>> cs;
  cs.reserve(static_cast<size_t>(n));
  auto t0 = steady_clock::now();
  int connected = 0;
  for (int i = 0; i < n; ++i) {
    zk::ClientOptions o;
    o.connect_string = connect;
    o.track_ensemble = false;
    o.session_timeout = 30000ms;
    o.random_seed = static_cast<uint64_t>(i + 1);
    o.logger = zk::Logger::Null();
    o.session_watcher = [&connected](zk::SessionState s) {
      if (s == zk::SessionState::kConnected) ++connected;
    };
    cs.push_back(zk::Client::Create(&loop, o).value());
  }
  while (connected < n && steady_clock::now() - t0 < 120s) uv_run(&loop, UV_RUN_ONCE);
  double secs = duration<double>(steady_clock::now() - t0).count();
  long rss1 = StatusField("VmRSS:");
  fmt::print("{} sessions: {} connected in {:.2f} s, RSS +{} KiB ({:.2f} KiB/session), threads {}\n",
             n, connected, secs, rss1 - rss0, static_cast<double>(rss1 - rss0) / n,
             StatusField("Threads:"));
  int closed = 0;
  for (auto& c : cs) c->Close([&] { ++closed; });
  auto t1 = steady_clock::now();
  while (closed < n && steady_clock::now() - t1 < 60s) uv_run(&loop, UV_RUN_ONCE);
  cs.clear();
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fmt::print(stderr,
               "usage: {} throughput HOST:PORT [ops] [depth] | sessions HOST:PORT N | "
               "callgrind HOST:PORT [ops] [depth] | "
               "tls HOST:PORT TLS_HOST:PORT CERTDIR [ops] [depth]\n",
               argv[0]);
    return 2;
  }
  std::string mode = argv[1], connect = argv[2];
  if (mode == "sessions") {
    Sessions(connect, argc > 3 ? std::atoi(argv[3]) : 1000);
    return 0;
  }
  int ops = argc > 3 ? std::atoi(argv[3]) : 20000;
  int depth = argc > 4 ? std::atoi(argv[4]) : 100;
  std::string tls_connect;
  zk::TlsOptions tls;
  if (mode == "tls") {
    if (argc < 5) {
      fmt::print(stderr, "usage: {} tls HOST:PORT TLS_HOST:PORT CERTDIR [ops] [depth]\n", argv[0]);
      return 2;
    }
    tls_connect = argv[3];
    tls.enabled = true;
    tls.ca_file = std::string(argv[4]) + "/ca.pem";
    tls.cert_file = std::string(argv[4]) + "/client.pem";
    tls.key_file = std::string(argv[4]) + "/client.key";
    ops = argc > 5 ? std::atoi(argv[5]) : 20000;
    depth = argc > 6 ? std::atoi(argv[6]) : 100;
  }
  std::string path = fmt::format("/bench-{}", getpid());
  {
    uv_loop_t loop;
    uv_loop_init(&loop);
    zk::ClientOptions o;
    o.connect_string = connect;
    o.track_ensemble = false;
    auto c = zk::Client::Create(&loop, o).value();
    bool done = false;
    (void)c->CreateNode(path, "v", {}, zk::CreateMode::kPersistent,
                        [&](zk::Result<zk::CreateResult>) { done = true; });
    while (!done) uv_run(&loop, UV_RUN_ONCE);
    c->Close();
    c.reset();
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  }
  if (mode == "tls") {
    fmt::print("{} ops per run, pipeline depth {}, plaintext {}, TLS {}\n", ops, depth, connect,
               tls_connect);
    (void)ZkThroughput(connect, path, false, ops / 4, depth);  // warm the server up
    (void)ZkThroughput(tls_connect, path, false, ops / 4, depth, "", tls);
    for (int round = 0; round < 3; ++round) {
      for (bool write : {false, true}) {
        const char* w = write ? "write" : "read";
        Print("zkclient plaintext", w, ZkThroughput(connect, path, write, ops, depth));
        Print("zkclient TLS", w, ZkThroughput(tls_connect, path, write, ops, depth, "", tls));
      }
    }
    return 0;
  }
  if (mode == "callgrind") {
    ops = argc > 3 ? std::atoi(argv[3]) : 2000;
    fmt::print("callgrind: {} ops per run, pipeline depth {}, server {}\n", ops, depth, connect);
    (void)ZkThroughput(connect, path, false, ops / 4, depth);  // warm the server up
    for (bool write : {false, true}) {
      const char* w = write ? "write" : "read";
      (void)ZkThroughput(connect, path, write, ops, depth, fmt::format("zkclient {} {}", w, ops));
      (void)CThroughput(connect, path, write, ops, depth, -1, fmt::format("C-client {} {}", w, ops));
    }
    return 0;
  }
  fmt::print("{} ops per run, pipeline depth {}, server {}\n", ops, depth, connect);
  (void)ZkThroughput(connect, path, false, ops / 4, depth);  // warm the server up
  for (bool write : {false, true}) {
    const char* w = write ? "write" : "read";
    Print("zkclient (libuv, 1 thread)", w, ZkThroughput(connect, path, write, ops, depth));
    Print("C client, resolution off", w, CThroughput(connect, path, write, ops, depth, -1));
    Print("C client, resolution on", w, CThroughput(connect, path, write, ops, depth, 0));
  }
  Kazoo(connect, path, ops / 4, depth);
  return 0;
}
