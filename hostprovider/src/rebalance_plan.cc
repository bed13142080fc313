#include "zk/hostprovider/rebalance_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace zk {
namespace {

Status Bad(std::string message) { return Status(Error::kBadArguments, std::move(message)); }

bool NonNegativeFinite(double x) { return std::isfinite(x) && x >= 0; }

Status CheckWeights(size_t n, const std::vector<double>& weights) {
  if (weights.empty()) return Status::Ok();
  if (weights.size() != n) {
    return Bad(fmt::format("{} weights for {} servers", weights.size(), n));
  }
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!NonNegativeFinite(weights[i])) {
      return Bad(fmt::format("weight {} of server {} is not a finite number >= 0", weights[i], i));
    }
    sum += weights[i];
  }
  if (sum <= 0) return Bad("every weight is 0");
  return Status::Ok();
}

}  // namespace

Status RebalancePlan::Validate() const {
  if (version == 0) return Bad("plan version must be > 0");
  if (servers.empty()) return Bad("plan has no servers");
  std::unordered_set<HostPort> seen;
  for (size_t i = 0; i < servers.size(); ++i) {
    const PlanServer& s = servers[i];
    const HostPort h = NormalizeHostPort(s.server);
    if (h.host.empty() || h.port == 0) {
      return Bad(fmt::format("servers[{}]: \"{}\" is not a server address", i, s.server));
    }
    if (!seen.insert(h).second) return Bad(fmt::format("servers[{}]: {} is listed twice", i, h));
    if (!NonNegativeFinite(s.load)) return Bad(fmt::format("servers[{}].load: {}", i, s.load));
    if (!NonNegativeFinite(s.target))
      return Bad(fmt::format("servers[{}].target: {}", i, s.target));
    if (!NonNegativeFinite(s.weight))
      return Bad(fmt::format("servers[{}].weight: {}", i, s.weight));
    if (!(s.move_probability >= 0 && s.move_probability <= 1)) {
      return Bad(
          fmt::format("servers[{}].move_probability: {} is not in [0, 1]", i, s.move_probability));
    }
  }
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (i > 0 && sessions[i].session_id <= sessions[i - 1].session_id) {
      return Bad(fmt::format("sessions[{}]: 0x{:x} is out of order or listed twice", i,
                             sessions[i].session_id));
    }
    if (seen.count(NormalizeHostPort(sessions[i].to)) == 0) {
      return Bad(fmt::format("sessions[{}].to: {} is not a server of the plan", i, sessions[i].to));
    }
  }
  for (size_t i = 0; i < shed.size(); ++i) {
    if (seen.count(NormalizeHostPort(shed[i].server)) == 0) {
      return Bad(fmt::format("shed[{}].server: {} is not a server of the plan", i, shed[i].server));
    }
  }
  return Status::Ok();
}

const SessionMove* RebalancePlan::FindSession(uint64_t session_id) const {
  auto it = std::lower_bound(sessions.begin(), sessions.end(), session_id,
                             [](const SessionMove& m, uint64_t id) { return m.session_id < id; });
  if (it == sessions.end() || it->session_id != session_id) return nullptr;
  return &*it;
}

double RebalancePlan::ExpectedMovers() const {
  double movers = static_cast<double>(sessions.size());
  for (const PlanServer& s : servers) movers += s.load * s.move_probability;
  return movers;
}

std::vector<double> ShareTargets(const std::vector<uint64_t>& loads,
                                 const std::vector<double>& weights) {
  const size_t n = loads.size();
  const double total =
      static_cast<double>(std::accumulate(loads.begin(), loads.end(), uint64_t{0}));
  std::vector<double> targets(n, 0.0);
  if (n == 0) return targets;
  if (weights.empty()) {
    std::fill(targets.begin(), targets.end(), total / static_cast<double>(n));
    return targets;
  }
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (size_t i = 0; i < n; ++i) targets[i] = total * weights[i] / sum;
  return targets;
}

std::vector<uint64_t> IntegerTargets(const std::vector<uint64_t>& loads,
                                     const std::vector<double>& weights) {
  const size_t n = loads.size();
  std::vector<uint64_t> targets(n, 0);
  if (n == 0) return targets;
  const uint64_t total = std::accumulate(loads.begin(), loads.end(), uint64_t{0});
  std::vector<bool> fractional(n, false);
  if (weights.empty()) {
    std::fill(targets.begin(), targets.end(), total / n);
    std::fill(fractional.begin(), fractional.end(), total % n != 0);
  } else {
    const std::vector<double> share = ShareTargets(loads, weights);
    for (size_t i = 0; i < n; ++i) {
      const double f = std::floor(share[i] + 1e-9);
      targets[i] = static_cast<uint64_t>(std::max(0.0, f));
      fractional[i] = share[i] - f > 1e-9;
    }
  }
  uint64_t assigned = std::accumulate(targets.begin(), targets.end(), uint64_t{0});
  // Ceilings first to the fractional shares, the most loaded relative to
  // their floor first (each one spares a move), then to any (rounding).
  std::vector<size_t> rank(n);
  std::iota(rank.begin(), rank.end(), 0);
  auto excess = [&](size_t i) {
    return static_cast<double>(loads[i]) - static_cast<double>(targets[i]);
  };
  std::stable_sort(rank.begin(), rank.end(), [&](size_t a, size_t b) {
    if (fractional[a] != fractional[b]) return fractional[a] > fractional[b];
    return excess(a) > excess(b);
  });
  for (size_t k = 0; assigned < total; k = (k + 1) % n) {
    ++targets[rank[k]];
    ++assigned;
  }
  return targets;
}

uint64_t MinimumMovers(const std::vector<uint64_t>& loads, const std::vector<uint64_t>& targets) {
  uint64_t movers = 0;
  for (size_t i = 0; i < loads.size() && i < targets.size(); ++i) {
    if (loads[i] > targets[i]) movers += loads[i] - targets[i];
  }
  return movers;
}

Result<RebalancePlan> ComputeLoadAwarePlan(uint64_t version, const std::vector<ServerLoad>& loads,
                                           const std::vector<double>& weights) {
  if (loads.empty()) return Bad("no servers to plan for");
  if (Status s = CheckWeights(loads.size(), weights); !s.ok()) return s;
  std::vector<uint64_t> counts;
  counts.reserve(loads.size());
  for (const ServerLoad& l : loads) counts.push_back(l.connections);
  const std::vector<double> targets = ShareTargets(counts, weights);

  RebalancePlan plan;
  plan.version = version;
  plan.servers.reserve(loads.size());
  for (size_t i = 0; i < loads.size(); ++i) {
    PlanServer s;
    s.server = NormalizeHostPort(loads[i].server);
    s.load = static_cast<double>(counts[i]);
    s.target = targets[i];
    s.move_probability = s.load > 0 ? std::clamp((s.load - s.target) / s.load, 0.0, 1.0) : 0.0;
    s.weight = std::max(0.0, s.target - s.load);
    plan.servers.push_back(std::move(s));
  }
  if (Status s = plan.Validate(); !s.ok()) return s;
  return plan;
}

void ProjectPlan(const RebalancePlan& plan, const ServerList& list, std::vector<double>* move,
                 std::vector<double>* weight) {
  move->assign(list.size(), 0.0);
  weight->assign(list.size(), 0.0);
  for (const PlanServer& s : plan.servers) {
    const uint32_t i = list.IndexOf(s.server);
    if (i == kNoServer) continue;
    (*move)[i] = s.move_probability;
    (*weight)[i] = s.weight;
  }
}

}  // namespace zk
