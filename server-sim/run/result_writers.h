// Writers of an ExperimentResult: the JSON document, a CSV time series of
// per-server counts, and the summary table printed on stdout.
#ifndef ZK_SIM_RUN_RESULT_WRITERS_H_
#define ZK_SIM_RUN_RESULT_WRITERS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "run/experiment_result.h"

namespace zk::sim {

// {"scenario", "description", "mode", "seed", "clients", "policies": [{"policy",
// "failover", "migration", "failover_jitter_ms", "start", "steps": [{"step",
// "op", "servers", "counts", "up", "movers", "min_movers", "max_over_mean",
// "settle_ms" (null in the model), "sessions_lost", "shed", "attempts",
// "peak_connects_per_s"}], "total_movers", "total_min_movers"}]}
nlohmann::json ResultToJson(const ExperimentResult& r);

// One row per (policy, step, server), "t" = 0 for the start and the step's
// index after: policy,t,step,op,server,up,count.
std::string ResultToCsv(const ExperimentResult& r);

// The table: a header with scenario, mode, clients and seed; per step one
// line per policy (counts, max/mean, movers, minimum, lost); then each
// policy's total movers against the minimum.
std::string ResultToTable(const ExperimentResult& r);

}  // namespace zk::sim

#endif  // ZK_SIM_RUN_RESULT_WRITERS_H_
