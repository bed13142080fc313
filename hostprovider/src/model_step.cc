#include "zk/hostprovider/model_step.h"

#include <fmt/format.h>

namespace zk {

std::string_view ModelStepKindName(ModelStepKind k) {
  switch (k) {
    case ModelStepKind::kReconfigure:
      return "reconfigure";
    case ModelStepKind::kCrash:
      return "crash";
    case ModelStepKind::kRecover:
      return "recover";
    case ModelStepKind::kRestart:
      return "restart";
    case ModelStepKind::kPlan:
      return "plan";
    case ModelStepKind::kExactPlan:
      return "exact-plan";
    case ModelStepKind::kShed:
      return "shed";
    case ModelStepKind::kWait:
      return "wait";
  }
  return "unknown";
}

std::optional<ModelStepKind> ParseModelStepKind(std::string_view name) {
  for (ModelStepKind k : {ModelStepKind::kReconfigure, ModelStepKind::kCrash,
                          ModelStepKind::kRecover, ModelStepKind::kRestart, ModelStepKind::kPlan,
                          ModelStepKind::kExactPlan, ModelStepKind::kShed, ModelStepKind::kWait}) {
    if (ModelStepKindName(k) == name) return k;
  }
  return std::nullopt;
}

ModelStep ModelStep::Reconfigure(std::vector<HostPort> servers, std::string label) {
  ModelStep s;
  s.kind = ModelStepKind::kReconfigure;
  s.servers = std::move(servers);
  s.label = std::move(label);
  return s;
}

ModelStep ModelStep::Crash(HostPort server) {
  ModelStep s;
  s.kind = ModelStepKind::kCrash;
  s.server = std::move(server);
  return s;
}

ModelStep ModelStep::Recover(HostPort server) {
  ModelStep s;
  s.kind = ModelStepKind::kRecover;
  s.server = std::move(server);
  return s;
}

ModelStep ModelStep::Restart(HostPort server) {
  ModelStep s;
  s.kind = ModelStepKind::kRestart;
  s.server = std::move(server);
  return s;
}

ModelStep ModelStep::Plan(uint32_t passes) {
  ModelStep s;
  s.kind = ModelStepKind::kPlan;
  s.passes = passes;
  return s;
}

ModelStep ModelStep::ExactPlan() {
  ModelStep s;
  s.kind = ModelStepKind::kExactPlan;
  return s;
}

ModelStep ModelStep::Shed(HostPort server, double fraction) {
  ModelStep s;
  s.kind = ModelStepKind::kShed;
  s.server = std::move(server);
  s.fraction = fraction;
  return s;
}

ModelStep ModelStep::Wait(std::chrono::milliseconds duration, std::string label) {
  ModelStep s;
  s.kind = ModelStepKind::kWait;
  s.duration = duration;
  s.label = std::move(label);
  return s;
}

std::string ModelStep::DefaultLabel() const {
  switch (kind) {
    case ModelStepKind::kReconfigure:
      return fmt::format("reconfigure to {} servers", servers.size());
    case ModelStepKind::kShed:
      return fmt::format("shed {:.0f}% of {}", fraction * 100, server);
    case ModelStepKind::kPlan:
      return passes > 1 ? fmt::format("plan ({} passes)", passes) : std::string("plan");
    case ModelStepKind::kExactPlan:
      return std::string(ModelStepKindName(kind));
    case ModelStepKind::kWait:
      return duration.count() % 1000 == 0 ? fmt::format("wait {} s", duration.count() / 1000)
                                          : fmt::format("wait {} ms", duration.count());
    default:
      return fmt::format("{} {}", ModelStepKindName(kind), server);
  }
}

}  // namespace zk
