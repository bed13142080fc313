// One real ZooKeeper 3.8 ensemble per test executable, started on first use
// by tests/interop/zkensemble.py and stopped at exit. A watchdog process also
// stops it if the test process dies without running its exit handlers.
#ifndef ZK_TESTS_CLIENT_ENSEMBLE_H_
#define ZK_TESTS_CLIENT_ENSEMBLE_H_

#include <string>
#include <vector>

#include "zk/wire/host_port.h"

namespace zk::test {

struct EnsembleServer {
  int id = 0;
  uint16_t client_port = 0;
  uint16_t quorum_port = 0;  // zksim: in its config only, never bound
  uint16_t election_port = 0;
  int pid = 0;
};

struct Ensemble {
  std::string connect;  // "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3"
  std::vector<EnsembleServer> servers;
  std::string super_auth;  // "super:password"
  std::string dir;
  bool ok = false;     // false: ZooKeeper is not installed or did not start
  bool zksim = false;  // the simulated ensemble (server-sim/), not ZooKeeper 3.8
  std::string secure_connect;  // zksim with --tls-cert: its TLS ports
};

// True when the tests target zksim: ZK_CLIENT_TARGET=zksim, with the binary
// in ZKSIM_BIN (set by the `client-zksim` meson test). Checks where zksim is
// known to differ from ZooKeeper 3.8 are skipped with `if (TargetIsZksim())`
// and a comment naming the difference.
bool TargetIsZksim();

// The shared ensemble; starts it (3 servers, tickTime 500) on first call:
// a real ZooKeeper 3.8 (tests/interop/zkensemble.py) or, with
// ZK_CLIENT_TARGET=zksim, `zksim serve --servers 3`.
const Ensemble& SharedEnsemble();

// A second ensemble with reconfigEnabled=false, for ZRECONFIGDISABLED:
// zkensemble.py --no-reconfig, or `zksim serve --no-reconfig`.
const Ensemble& NoReconfigEnsemble();

// A real ZooKeeper 3.8 ensemble of a test's own (3 servers, tickTime 500;
// `extra`: more zkensemble.py start flags, e.g. "--readonly"), whose servers
// the test stops, kills and starts; everything is stopped by pid when the
// object goes, or by a watchdog when the test process dies.
class OwnEnsemble {
 public:
  explicit OwnEnsemble(const std::string& extra = "");
  ~OwnEnsemble();
  OwnEnsemble(const OwnEnsemble&) = delete;
  OwnEnsemble& operator=(const OwnEnsemble&) = delete;

  bool ok() const { return ok_; }
  const std::string& connect() const { return connect_; }
  // "user:password" whose digest is the ensemble's super digest.
  const std::string& super_auth() const { return super_auth_; }
  uint16_t port(int id) const { return ports_.at(static_cast<size_t>(id - 1)); }
  std::string Address(int id) const;
  // With `--tls CERTDIR` in extra: the TLS ports (secureClientPort), "" / 0
  // otherwise.
  const std::string& secure_connect() const { return secure_connect_; }
  uint16_t secure_port(int id) const { return secure_ports_.at(static_cast<size_t>(id - 1)); }
  bool Stop(int id) { return Do("stop-server", id); }   // SIGTERM, SIGKILL after 10 s
  bool Kill(int id) { return Do("kill-server", id); }   // SIGKILL at once
  bool Start(int id) { return Do("start-server", id); }
  // Waits until a quorum serves again (bounded).
  bool WaitServing(int timeout_s = 60);

 private:
  bool Do(const char* what, int id);
  std::string dir_, connect_, super_auth_;
  std::vector<uint16_t> ports_;
  std::string secure_connect_;
  std::vector<uint16_t> secure_ports_;
  bool ok_ = false;
};

// `zksim serve --servers 3 ...` in a child process of its own (`extra`: one
// more serve flag or nullptr); stopped with StopZksim or at the latest by a
// watchdog when the test process dies.
Ensemble StartZksim(const std::string& bin, const char* extra = nullptr);
// The same with any number of extra arguments; with --tls-cert it also reads
// the `secure-connect:` line into Ensemble::secure_connect.
Ensemble StartZksim(const std::string& bin, const std::vector<std::string>& extra);
void StopZksim(Ensemble* e);

// Sends a four-letter word to a loopback port; returns the reply ("" on error).
std::string FourLetter(uint16_t port, const std::string& word);

// Runs a shell command; returns its stdout, its pclose status in *rc.
std::string RunCommand(const std::string& cmd, int* rc);

// tests/interop/zkensemble.py in the source tree.
std::string EnsembleScript();

// A test-unique path prefix such as "/t-1234-5".
std::string UniquePath(const std::string& stem);

}  // namespace zk::test

#endif  // ZK_TESTS_CLIENT_ENSEMBLE_H_
