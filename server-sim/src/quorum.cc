#include "quorum.h"

namespace zk::sim {

bool QuorumSpec::IsQuorum(const std::set<int64_t>& acked) const {
  if (!hierarchical()) {
    size_t n = 0;
    for (int64_t v : voters) n += acked.count(v);
    return n > voters.size() / 2;
  }
  auto weight = [&](int64_t sid) {
    auto it = weights.find(sid);
    return it == weights.end() ? int64_t{1} : it->second;
  };
  size_t groups_with_weight = 0, groups_ok = 0;
  for (const auto& [gid, members] : groups) {
    int64_t total = 0, got = 0;
    for (int64_t m : members) {
      total += weight(m);
      if (acked.count(m)) got += weight(m);
    }
    if (total == 0) continue;  // zero-weight groups do not count
    ++groups_with_weight;
    if (got * 2 > total) ++groups_ok;
  }
  return groups_ok * 2 > groups_with_weight;
}

}  // namespace zk::sim
