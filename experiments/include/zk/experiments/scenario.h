// An experiment scenario: one ensemble, one client population, one timeline,
// run once per policy compared. A scenario is a JSON file (built-in ones live
// in experiments/scenarios/) that the runner expands into one model
// configuration (hostprovider/model_config.h) per policy:
//
//   {
//     "type": "zkbalance-scenario",
//     "name": "rolling-restart",
//     "description": "...",
//     "clients": 1000, "seed": 1,
//     "servers": ["zk1:2181", "zk2:2181", "zk3:2181"],
//     "initial_counts": [900, 50, 50],          // optional, placed start
//     "failover_jitter_ms": 0,                   // optional, per policy too
//     "timeline": [ {"op": "restart", "server": "zk1:2181"}, ... ],
//     "policies": [
//       {"policy": "fixed-order", "failover": "fixed-order", "migration": "none"},
//       {"policy": "shed", "after": {"restart": [{"op": "shed", "server": "busiest",
//                                                  "fraction": 0.25}]}},
//       {"policy": "exact", "timeline": [{"op": "exact-plan"}]}
//     ]
//   }
//
// Timeline steps are the model's (reconfigure, crash, recover, restart,
// plan, exact-plan, shed) plus "wait" (a pause; nothing happens in the
// model). A policy may set failover, migration, follower_fraction,
// failover_jitter_ms and round_delay_ms; replace the timeline ("timeline");
// and insert steps before or after every step of an op ("before"/"after",
// keyed by op). The server "busiest" in a step names the server with the most
// connections when the step runs. Errors are kBadArguments naming the file
// and the field.
#ifndef ZK_EXPERIMENTS_SCENARIO_H_
#define ZK_EXPERIMENTS_SCENARIO_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "zk/hostprovider/model_config.h"
#include "zk/wire/status.h"

namespace zk::experiments {

inline constexpr std::string_view kBusiest = "busiest";

struct ScenarioPolicy {
  std::string name;
  // The model configuration of this policy: options, and the expanded
  // timeline as JSON steps (a "busiest" server is resolved when run).
  ModelOptions options;
  std::vector<nlohmann::json> steps;
  // Per step: its position on the scenario's time axis. Timeline step i is
  // at i + 1; the k-th of m steps inserted after it at i + 1 + k/(m + 1),
  // before it at i + 1 - (m + 1 - k)/(m + 1), so that policies with
  // inserted steps line up with the others in tables and plots.
  std::vector<double> t;
  std::vector<uint8_t> inserted;  // per step: 1 if from "before"/"after"
};

struct Scenario {
  std::string name;
  std::string description;
  std::string origin;  // the file it was read from, or "builtin:<name>"
  uint32_t clients = 0;
  uint64_t seed = 1;
  std::vector<ScenarioPolicy> policies;
};

// Parses a scenario; `origin` prefixes error messages.
Result<Scenario> ParseScenario(std::string_view text, const std::string& origin);

// `name_or_path`: a readable file, or the name of a built-in scenario.
Result<Scenario> LoadScenario(const std::string& name_or_path);

// The built-in scenarios' names, in the order.
std::vector<std::string> BuiltinScenarioNames();
// Where the built-in scenario files are: $ZKSIM_SCENARIOS, else the source
// tree's experiments/scenarios (compiled in).
std::string BuiltinScenarioDir();

// Changes the client count (and scales initial_counts to it, keeping the sum
// exact) and/or the seed of every policy. REQUIRES: clients > 0.
void OverrideClients(Scenario* s, uint32_t clients);
void OverrideSeed(Scenario* s, uint64_t seed);

// Parses one step as the model does, with "busiest" resolved to `busiest`.
// Returns the step, or for "wait" a step with an empty label and `*is_wait`.
Result<ModelStep> ParseStep(const nlohmann::json& step, const HostPort& busiest,
                            const std::vector<HostPort>& servers, bool* is_wait);

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_SCENARIO_H_
