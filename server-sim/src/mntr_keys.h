// The keys `mntr` prints after zk_version/zk_server_state/zk_peer_state, in
// ZooKeeper 3.8's order (a leader's capture, tests/server-sim/data/
// mntr_leader.txt; a follower prints the same order without the
// leader-only keys). ZooKeeper's order is its metrics maps' hash order, so
// it is a fixed table here, not something to compute.
#ifndef ZK_SIM_MNTR_KEYS_H_
#define ZK_SIM_MNTR_KEYS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zk::sim {

struct MntrKey {
  enum Kind : uint8_t { kInt, kDouble };
  enum Where : uint8_t { kAll, kLeader, kPerLearner };
  // Without the "zk_" prefix. kPerLearner names hold "{}" for the learner's
  // server id; a run of them is printed once per learner, ascending ids.
  const char* name;
  Kind kind;  // the default value: "0" or "0.0"
  Where where;
};

const std::vector<MntrKey>& MntrKeys();

// The mntr lines (each "zk_<key>\t<value>\n") of every key of MntrKeys() a
// leader (`leader`) or any other server prints, with the value of `known`
// (by key without "zk_", learner ids substituted) or the key's default.
std::string MntrLines(bool leader, const std::vector<int64_t>& learners,
                      const std::map<std::string, std::string>& known);

}  // namespace zk::sim

#endif  // ZK_SIM_MNTR_KEYS_H_
