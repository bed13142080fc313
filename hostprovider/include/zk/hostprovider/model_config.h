// A simulator run as JSON: the options and the timeline, so that the
// experiment runner (and people) can write runs down and replay them.
//
//   {
//     "type": "zkbalance-model",
//     "clients": 10000,
//     "seed": 1,
//     "failover": "herd-free",            // fixed-order | herd-free | load-aware
//     "migration": "probabilistic",       // none | probabilistic | load-aware
//     "round_delay_ms": 1000,
//     "failover_jitter_ms": 0,
//     "migration_jitter_ms": 0,           // delay before applying a change or plan
//     "sample_period_ms": 100,            // of StepReport::series
//     "follower_fraction": 1.0,
//     "servers": ["zk1:2181", "zk2:2181", "zk3:2181"],
//     "initial_counts": [900, 50, 50],    // optional: a placed start
//     "timeline": [
//       {"op": "reconfigure", "servers": ["zk1:2181", "zk2:2181"], "label": "3->2"},
//       {"op": "restart", "server": "zk1:2181"},
//       {"op": "shed", "server": "zk2:2181", "fraction": 0.25},
//       {"op": "plan", "passes": 2},      // "passes": optional, default 1
//       {"op": "exact-plan"},
//       {"op": "wait", "ms": 5000}         // "ms": optional, default 5000
//     ]
//   }
//
// Only "servers" is required; the other keys default to ModelOptions'
// defaults. Errors are kBadArguments naming the field ("model:
// timeline[2].fraction: 1.5 is not in [0, 1]").
#ifndef ZK_HOSTPROVIDER_MODEL_CONFIG_H_
#define ZK_HOSTPROVIDER_MODEL_CONFIG_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "zk/hostprovider/model_simulator.h"

namespace zk {

struct ModelConfig {
  ModelOptions options;
  std::vector<ModelStep> timeline;
};

nlohmann::json ModelConfigToJson(const ModelConfig& config);
Result<ModelConfig> ModelConfigFromJson(const nlohmann::json& j);

// One step of "timeline" as above; `where` prefixes error messages
// ("<where>.fraction: 1.5 is not in [0, 1]"). ModelConfigFromJson parses
// each step with it; the experiment runner's scenarios do too.
Result<ModelStep> ModelStepFromJson(const nlohmann::json& step, const std::string& where);

std::string SerializeModelConfig(const ModelConfig& config);  // indented
Result<ModelConfig> ParseModelConfig(std::string_view text);

// A step report as JSON (for the experiment runner's output), without its
// series.
nlohmann::json StepReportToJson(const StepReport& report);

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_MODEL_CONFIG_H_
