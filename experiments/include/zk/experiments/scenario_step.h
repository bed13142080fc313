// One step of a scenario's timeline, parsed once into a typed value that the
// model runner (model_runner.h) and the end-to-end runner (e2e_runner.h)
// both consume. In JSON (scenario.h):
//
//   {"op": "reconfigure", "servers": ["zk1:2181", ...],
//    "mode": "incremental" | "bulk", "observers": ["zk3:2181"]}   (end to end: mode, observers)
//   {"op": "crash" | "recover" | "restart", "server": "zk1:2181" | "busiest"}
//   {"op": "shed", "server": ..., "fraction": 0.25}               (model and end to end)
//   {"op": "shed", "server": ..., "count": 10 | "target": 20,
//    "window_ms": 300}                                             (end to end only)
//   {"op": "plan", "passes": 2}   {"op": "exact-plan"}
//   {"op": "wait", "ms": 5000}
//
// Every step may have a "label". The model's fields are checked by the
// model's own rules (hostprovider's ModelStepFromJson); the end-to-end keys
// here. "busiest" names the server with the most connections when the step
// runs.
#ifndef ZK_EXPERIMENTS_SCENARIO_STEP_H_
#define ZK_EXPERIMENTS_SCENARIO_STEP_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "zk/hostprovider/model_step.h"
#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk::experiments {

inline constexpr std::string_view kBusiest = "busiest";

// The server a step acts on: a named one, or the busiest when it runs.
struct StepServer {
  bool busiest = false;
  HostPort server;               // unless busiest
  std::string ToString() const;  // "busiest" or "host:port"
};

struct ReconfigureStep {
  std::vector<HostPort> servers;    // the new configuration, in order
  std::vector<HostPort> observers;  // end to end: those of `servers` to be observers
  bool bulk = false;                // end to end: a -members reconfig
};
struct CrashStep {
  StepServer server;
};
struct RecoverStep {
  StepServer server;
};
struct RestartStep {
  StepServer server;
};
struct PlanStep {
  uint32_t passes = 1;  // [1, 100]
};
struct ExactPlanStep {};
// Exactly one of fraction, count, target.
struct ShedStep {
  StepServer server;
  std::optional<double> fraction;  // [0, 1]
  std::optional<uint32_t> count;   // end to end only
  std::optional<uint32_t> target;  // end to end only
  uint32_t window_ms = 0;          // end to end only
};
struct WaitStep {
  std::chrono::milliseconds duration{5000};
};

using StepAction = std::variant<ReconfigureStep, CrashStep, RecoverStep, RestartStep, PlanStep,
                                ExactPlanStep, ShedStep, WaitStep>;

struct ScenarioStep {
  StepAction action;
  std::string label;  // as given; empty: none
  // Its position on the scenario's time axis (scenario.h) and whether a
  // policy's "before"/"after" inserted it.
  double t = 0;
  bool inserted = false;

  std::string_view op() const;  // "reconfigure", "exact-plan", ...
  // The server of a crash, recover, restart or shed; nullptr for the others.
  const StepServer* server() const;
  // A crash, recover, restart or shed: what a real ensemble's clients cannot do.
  bool ServerSide() const { return server() != nullptr; }
};

// Parses one step; errors (kBadArguments) start with `where` and name the
// field: "policies[0].timeline[2].fraction: 1.5 is not in [0, 1]".
Result<ScenarioStep> ParseScenarioStep(const nlohmann::json& step, const std::string& where);

// The model simulator's step, with "busiest" resolved to `busiest`. Errors
// (kBadArguments): a shed by count or target (the model sheds a fraction).
Result<ModelStep> ToModelStep(const ScenarioStep& step, const HostPort& busiest);

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_SCENARIO_STEP_H_
