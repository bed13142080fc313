// The result of one experiment run: per policy compared, the start and one
// entry per timeline step. Written as JSON, CSV and a table (result_writers.h)
// and plotted (gnuplot_driver.h). Holds no wall-clock data, so the same
// scenario and seed give byte-identical output.
#ifndef ZK_SIM_RUN_EXPERIMENT_RESULT_H_
#define ZK_SIM_RUN_EXPERIMENT_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zk::sim {

struct StepResult {
  std::string step;  // label
  std::string op;    // "start", "restart", "shed", "wait", ...
  double t = 0;      // position on the time axis (ScenarioPolicy::t; 0: start)
  bool inserted = false;  // a policy's own step, not one of the timeline's
  std::vector<std::string> servers;
  std::vector<uint64_t> counts;  // per server
  std::vector<uint8_t> up;       // per server
  uint64_t movers = 0;
  uint64_t min_movers = 0;
  double max_over_mean = 0;
  // Time from the step until the counts stopped changing; not measured by
  // the model (no time there): empty.
  std::optional<double> settle_ms;
  uint64_t sessions_lost = 0;  // model: clients left disconnected
  uint64_t shed = 0;
  uint64_t attempts = 0;
  // The reconnect burst: the most connection attempts in one second. In the
  // model each attempt of the step is placed at a uniform delay in
  // [0, failover_jitter] (from the seed); without jitter all fall in the
  // first second.
  uint64_t peak_connects_per_s = 0;
};

struct PolicyResult {
  std::string policy;
  std::string failover;
  std::string migration;
  int64_t failover_jitter_ms = 0;
  StepResult start;
  std::vector<StepResult> steps;
  uint64_t total_movers = 0;
  uint64_t total_min_movers = 0;
};

struct ExperimentResult {
  std::string scenario;
  std::string description;
  std::string mode;  // "model", "end-to-end"
  uint64_t seed = 0;
  uint32_t clients = 0;
  std::vector<PolicyResult> policies;
};

}  // namespace zk::sim

#endif  // ZK_SIM_RUN_EXPERIMENT_RESULT_H_
