// Quorum rules: majority of voters, or ZooKeeper's hierarchical quorums
// (groups with weights; a quorum is a majority of groups, each by a weighted
// majority of its members).
#ifndef ZK_SIM_QUORUM_H_
#define ZK_SIM_QUORUM_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>

namespace zk::sim {

struct QuorumSpec {
  std::set<int64_t> voters;
  // Empty for a majority quorum; otherwise gid -> members and sid -> weight.
  std::map<int64_t, std::set<int64_t>> groups;
  std::map<int64_t, int64_t> weights;

  bool hierarchical() const { return !groups.empty(); }
  // True if `acked` contains a quorum of this spec.
  bool IsQuorum(const std::set<int64_t>& acked) const;
};

}  // namespace zk::sim

#endif  // ZK_SIM_QUORUM_H_
