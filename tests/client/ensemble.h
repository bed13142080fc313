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
