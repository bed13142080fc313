// One simulated server: its replica of the tree, its watches, its apply
// queue (commits wait out the server's lag here) and its counters.
#ifndef ZK_SIM_SERVER_STATE_H_
#define ZK_SIM_SERVER_STATE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "data_tree.h"
#include "txn.h"
#include "watch_manager.h"

namespace zk::sim {

enum class Role { kParticipant, kObserver, kNonVoting };

struct ServerStats {
  int64_t packets_received = 0;
  int64_t packets_sent = 0;
  int64_t min_latency = -1;  // -1 until the first request, printed as 0
  int64_t max_latency = 0;
  int64_t total_latency = 0;
  int64_t count = 0;
  void Record(int64_t ms) {
    min_latency = min_latency < 0 ? ms : std::min(min_latency, ms);
    max_latency = std::max(max_latency, ms);
    total_latency += ms;
    ++count;
  }
  void Reset() { *this = ServerStats(); }
};

struct ServerState {
  explicit ServerState(WatchManager::Deliver deliver) : watches(std::move(deliver)) {}

  int64_t id = 0;
  bool running = true;
  bool isolated = false;  // cut off from the leader
  int64_t lag_ms = 0;
  int64_t started_ms = 0;
  DataTree tree;
  WatchManager watches;
  int64_t applied_zxid = 0;
  struct Pending {
    int64_t due_ms;
    Txn txn;
  };
  std::deque<Pending> queue;
  // Callbacks waiting for this server to apply a zxid.
  std::multimap<int64_t, std::function<void()>> waiters;
  std::set<uint64_t> conns;
  ServerStats stats;

  bool serving = true;  // running, in contact with a quorum
  // readonlymode.enabled and not serving: answers read-only clients only.
  bool read_only = false;
};

}  // namespace zk::sim

#endif  // ZK_SIM_SERVER_STATE_H_
