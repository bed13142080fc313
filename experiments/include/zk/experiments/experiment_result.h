// The result of one experiment run: per policy compared, the start and one
// entry per timeline step. Written as JSON, CSV and a table (result_writers.h)
// and plotted (gnuplot_driver.h). Holds no wall-clock data, so the same
// scenario and seed give byte-identical output.
#ifndef ZK_EXPERIMENTS_EXPERIMENT_RESULT_H_
#define ZK_EXPERIMENTS_EXPERIMENT_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zk::experiments {

// Per-server counts at one instant of the run (a point of the time series).
struct CountSample {
  double time_ms = 0;            // on the run's clock (StepResult::time_ms's)
  std::vector<uint64_t> counts;  // per server of the step's `servers`
  uint64_t connects = 0;         // connections established since the previous sample
};

struct StepResult {
  std::string step;       // label
  std::string op;         // "start", "restart", "shed", "wait", ...
  double t = 0;           // position on the time axis (ScenarioPolicy::t; 0: start)
  bool inserted = false;  // a policy's own step, not one of the timeline's
  // When the step began, in ms since the policy's start (model: simulated
  // time; a step begins when the previous one has settled, and a "wait"
  // lasts its "ms").
  double time_ms = 0;
  std::vector<std::string> servers;
  std::vector<uint64_t> counts;  // per server, when the step has settled
  std::vector<uint8_t> up;       // per server
  uint64_t movers = 0;
  uint64_t min_movers = 0;
  double max_over_mean = 0;
  // Time from the step's beginning until its last change of a count (model:
  // the last connection the step caused; 0 if none). Empty: not measured.
  std::optional<double> settle_ms;
  uint64_t sessions_lost = 0;  // model: clients left disconnected
  uint64_t shed = 0;
  uint64_t attempts = 0;
  // The reconnect burst: the most connections established on servers in any
  // window [x, x + 1 s) during the step (a sliding window).
  uint64_t peak_connects_per_s = 0;
  // Counts during the step, in time order (model: before the step at
  // time_ms, then every 100 ms from time_ms to time_ms + settle_ms, then
  // at the step's end if later, e.g. a wait's; the last = `counts`).
  // Empty: only `counts` is known.
  std::vector<CountSample> series;
};

struct PolicyResult {
  std::string policy;
  std::string failover;
  std::string migration;
  int64_t failover_jitter_ms = 0;
  int64_t migration_jitter_ms = 0;
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

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_EXPERIMENT_RESULT_H_
