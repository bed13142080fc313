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
  uint16_t quorum_port = 0;
  uint16_t election_port = 0;
  int pid = 0;
};

struct Ensemble {
  std::string connect;  // "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3"
  std::vector<EnsembleServer> servers;
  std::string super_auth;  // "super:password"
  std::string dir;
  bool ok = false;  // false: ZooKeeper is not installed or did not start
};

// The shared ensemble; starts it (3 servers, tickTime 500) on first call.
const Ensemble& SharedEnsemble();

// Sends a four-letter word to a loopback port; returns the reply ("" on error).
std::string FourLetter(uint16_t port, const std::string& word);

// A test-unique path prefix such as "/t-1234-5".
std::string UniquePath(const std::string& stem);

}  // namespace zk::test

#endif  // ZK_TESTS_CLIENT_ENSEMBLE_H_
