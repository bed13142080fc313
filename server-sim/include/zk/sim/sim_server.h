// zksim's libuv front end: one loop, one listener per simulated server, the
// admin HTTP endpoint, the tick timer. Everything runs on the loop thread.
#ifndef ZK_SIM_SIM_SERVER_H_
#define ZK_SIM_SIM_SERVER_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <uv.h>

#include "zk/wire/status.h"

namespace zk::sim {

struct SimOptions {
  int servers = 3;
  std::string host = "127.0.0.1";
  int client_port_base = 0;  // 0: every server binds a free port
  int admin_port = -1;       // -1: no admin endpoint; 0: a free port
  uint64_t seed = 1;
  int tick_ms = 2000;
  bool reconfig_enabled = true;
  bool standalone_enabled = true;
  bool skip_acl = false;
  std::string super_digest;  // "super:<base64 sha1>"
  std::set<std::string> four_letter_whitelist = {"*"};
};

class SimServerImpl;

class SimServer {
 public:
  SimServer();
  ~SimServer();
  // Binds everything on `loop`. Error return: nothing is left open.
  Status Start(uv_loop_t* loop, const SimOptions& opts);
  // Closes every handle; the loop then runs to completion.
  void Stop();
  // "host:port,host:port,..."
  std::string ConnectString() const;
  std::vector<int> ClientPorts() const;
  int AdminPort() const;

  // Control (also reachable over the admin endpoint).
  bool Kill(int64_t id);
  bool Restart(int64_t id);
  bool Isolate(int64_t id, bool on);
  bool SetLag(int64_t id, int64_t ms);
  // Closes connections of `server` (0 = all servers); see docs/zksim.md.
  int Shed(int64_t server, double fraction, int count, int target, int64_t window_ms,
           uint64_t except_conn);
  size_t ConnectionCount(int64_t server) const;

 private:
  std::unique_ptr<SimServerImpl> impl_;
};

}  // namespace zk::sim

#endif  // ZK_SIM_SIM_SERVER_H_
