// Server processes for the zksim benchmark: `zksim serve` and one real
// ZooKeeper 3.8 server (standalone), each a child process of the benchmark,
// plus the /proc figures of a process (CPU time, RSS, threads).
//
// Children get PR_SET_PDEATHSIG(SIGTERM), so they go when the benchmark dies
// however it ended. They inherit the benchmark's RLIMIT_NOFILE: raise it
// before starting them. Not thread-safe; call from one thread.
#ifndef ZK_BENCH_SERVER_SIM_SERVER_PROCESS_H_
#define ZK_BENCH_SERVER_SIM_SERVER_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <string>

#include "zk/wire/status.h"

namespace zk::bench {

// A running server process. Stop() (or the destructor) sends SIGTERM, waits
// up to 10 s, then SIGKILL, and removes `dir` if the process owned one.
class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(pid_t pid, std::string connect, std::string dir)
      : pid_(pid), connect_(std::move(connect)), dir_(std::move(dir)) {}
  ServerProcess(ServerProcess&& o) noexcept;
  ServerProcess& operator=(ServerProcess&& o) noexcept;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() { Stop(); }

  pid_t pid() const { return pid_; }
  // "127.0.0.1:p1,127.0.0.1:p2,…"
  const std::string& connect() const { return connect_; }
  void Stop();
  // Forgets the process and directory without stopping or removing them.
  void Release() {
    pid_ = -1;
    dir_.clear();
  }

 private:
  pid_t pid_ = -1;
  std::string connect_;
  std::string dir_;
};

// `BIN serve --servers N --tick TICK --client-port-base 0 --4lw-whitelist *`;
// returns once zksim printed its "connect: …" line (at most 30 s).
Result<ServerProcess> StartZksim(const std::string& bin, int servers, int tick_ms);

// One ZooKeeper server in standalone mode (ZooKeeperServerMain) from JAR
// (Debian: /usr/share/java/zookeeper.jar) on a free 127.0.0.1 port, with the
// JVM's default compilers (the test ensembles use C1 only, which is slower),
// maxClientCnxns=0, 4lw.commands.whitelist=*, no AdminServer, logs to a file
// in its temporary directory. Returns once `srvr` answers "Mode: standalone"
// (at most 60 s).
Result<ServerProcess> StartZooKeeper(const std::string& jar, int tick_ms);

// Figures of a process from /proc/PID/{stat,status}; -1 when unreadable.
struct ProcFigures {
  double cpu_seconds = -1;   // utime + stime, all threads
  double user_seconds = -1;  // utime alone (the rest is in the kernel)
  long rss_kib = -1;
  int threads = -1;
};
ProcFigures ReadProc(pid_t pid);

// Sends a four-letter word to HOST:PORT; the reply, or "" on any error.
std::string FourLetter(const std::string& host_port, const std::string& word,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

}  // namespace zk::bench

#endif  // ZK_BENCH_SERVER_SIM_SERVER_PROCESS_H_
