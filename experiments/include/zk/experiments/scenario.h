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
// Timeline steps (scenario_step.h) are the model's (reconfigure, crash,
// recover, restart, plan, exact-plan, shed, wait) with the end-to-end keys;
// each is parsed once, into a typed ScenarioStep. A policy may set failover,
// migration, follower_fraction, failover_jitter_ms and round_delay_ms;
// replace the timeline ("timeline"); and insert steps before or after every
// step of an op ("before"/"after", keyed by op). Errors are kBadArguments
// naming the file, the step and the field ("bad.json:
// policies[1].after.restart[0].fraction: 1.5 is not in [0, 1]").
#ifndef ZK_EXPERIMENTS_SCENARIO_H_
#define ZK_EXPERIMENTS_SCENARIO_H_

#include <string>
#include <string_view>
#include <vector>

#include "zk/experiments/scenario_step.h"
#include "zk/hostprovider/model_simulator.h"
#include "zk/wire/status.h"

namespace zk::experiments {

struct ScenarioPolicy {
  std::string name;
  // The model configuration of this policy (its timeline is `steps`).
  ModelOptions options;
  // The expanded timeline. Timeline step i is at t = i + 1; the k-th of m
  // steps inserted after it at i + 1 + k/(m + 1), before it at
  // i + 1 - (m + 1 - k)/(m + 1), so that policies with inserted steps line up
  // with the others in tables and plots.
  std::vector<ScenarioStep> steps;
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

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_SCENARIO_H_
