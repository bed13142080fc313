#include "zk/hostprovider/exact_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace zk {

Result<RebalancePlan> ComputeExactPlan(uint64_t version, const std::vector<ServerSessions>& servers,
                                       const std::vector<double>& weights) {
  const size_t n = servers.size();
  if (n == 0) return Status(Error::kBadArguments, "no servers to plan for");
  std::vector<ServerLoad> loads;
  loads.reserve(n);
  std::unordered_set<uint64_t> seen_sessions;
  for (const ServerSessions& s : servers) {
    if (s.sessions_known && s.followers.size() > s.connections) {
      return Status(Error::kBadArguments, fmt::format("{}: {} followers but {} connections",
                                                      s.server, s.followers.size(), s.connections));
    }
    if (s.sessions_known) {
      for (uint64_t id : s.followers) {
        if (!seen_sessions.insert(id).second) {
          return Status(Error::kBadArguments, fmt::format("session 0x{:x} listed twice", id));
        }
      }
    }
    loads.push_back(ServerLoad{s.server, s.connections});
  }
  // Validates servers, weights and version; gives the real-valued targets.
  Result<RebalancePlan> base = ComputeLoadAwarePlan(version, loads, weights);
  if (!base.ok()) return base.status();
  RebalancePlan plan = std::move(base).value();

  std::vector<uint64_t> counts;
  counts.reserve(n);
  for (const ServerSessions& s : servers) counts.push_back(s.connections);
  const std::vector<uint64_t> targets = IntegerTargets(counts, weights);

  std::vector<uint64_t> deficit(n, 0);
  for (size_t j = 0; j < n; ++j) deficit[j] = targets[j] > counts[j] ? targets[j] - counts[j] : 0;

  // Named moves, filling the deficits in server order.
  size_t dest = 0;
  for (size_t i = 0; i < n; ++i) {
    PlanServer& ps = plan.servers[i];
    ps.target = static_cast<double>(targets[i]);
    ps.move_probability = 0;
    const uint64_t excess = counts[i] > targets[i] ? counts[i] - targets[i] : 0;
    if (excess == 0) continue;
    if (!servers[i].sessions_known) {
      ps.move_probability = static_cast<double>(excess) / static_cast<double>(counts[i]);
      continue;
    }
    const uint64_t named = std::min<uint64_t>(excess, servers[i].followers.size());
    uint64_t placed = 0;
    for (; placed < named; ++placed) {
      while (dest < n && deficit[dest] == 0) ++dest;
      if (dest == n) break;  // cannot happen: Σ deficits = Σ excesses >= named moves
      --deficit[dest];
      plan.sessions.push_back(SessionMove{servers[i].followers[placed], plan.servers[dest].server});
    }
    if (placed < excess) plan.shed.push_back(ShedRequest{ps.server, excess - placed});
  }
  for (size_t j = 0; j < n; ++j) plan.servers[j].weight = static_cast<double>(deficit[j]);
  std::sort(plan.sessions.begin(), plan.sessions.end(),
            [](const SessionMove& a, const SessionMove& b) { return a.session_id < b.session_id; });
  return plan;
}

}  // namespace zk
