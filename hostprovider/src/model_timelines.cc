#include "zk/hostprovider/model_timelines.h"

#include <fmt/format.h>

namespace zk {

std::vector<HostPort> NumberedServers(uint32_t n, uint16_t port) {
  std::vector<HostPort> out;
  out.reserve(n);
  for (uint32_t i = 1; i <= n; ++i) out.push_back(HostPort{fmt::format("zk{}", i), port});
  return out;
}

std::vector<ModelStep> Section51Timeline(const std::vector<HostPort>& s) {
  auto range = [&s](size_t first, size_t last) {  // s_first..s_last, 1-based
    return std::vector<HostPort>(s.begin() + static_cast<ptrdiff_t>(first - 1),
                                 s.begin() + static_cast<ptrdiff_t>(last));
  };
  return {
      ModelStep::Reconfigure(range(1, 8), "9->8 (remove 1)"),
      ModelStep::Reconfigure(range(1, 6), "8->6 (remove 2)"),
      ModelStep::Reconfigure(range(2, 9), "6->8 (remove 1, add back 3)"),
      ModelStep::Reconfigure(range(1, 9), "8->9 (add back 1)"),
  };
}

std::vector<ModelStep> RollingRestartTimeline(const std::vector<HostPort>& servers, int rounds,
                                              std::optional<ModelStepKind> plan_after_each,
                                              uint32_t plan_passes) {
  std::vector<ModelStep> steps;
  for (int round = 1; round <= rounds; ++round) {
    for (const HostPort& h : servers) {
      ModelStep restart = ModelStep::Restart(h);
      restart.label = fmt::format("round {}: restart {}", round, h);
      steps.push_back(std::move(restart));
      if (plan_after_each) {
        ModelStep plan = *plan_after_each == ModelStepKind::kExactPlan
                             ? ModelStep::ExactPlan()
                             : ModelStep::Plan(plan_passes);
        plan.label = fmt::format("round {}: {} after {}", round, ModelStepKindName(plan.kind), h);
        steps.push_back(std::move(plan));
      }
    }
  }
  return steps;
}

}  // namespace zk
