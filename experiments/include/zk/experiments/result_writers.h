// Writers of an ExperimentResult: the JSON document, a CSV time series of
// per-server counts, and the summary table printed on stdout.
#ifndef ZK_EXPERIMENTS_RESULT_WRITERS_H_
#define ZK_EXPERIMENTS_RESULT_WRITERS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "zk/experiments/experiment_result.h"

namespace zk::experiments {

// {"scenario", "description", "mode", "seed", "clients", "policies": [{"policy",
// "failover", "migration", "failover_jitter_ms", "migration_jitter_ms",
// "start", "steps": [{"step", "op", "t", "time_ms", "servers", "counts", "up",
// "movers", "min_movers", "max_over_mean", "settle_ms" (null: not
// measured), "sessions_lost", "shed", "attempts", "peak_connects_per_s"}],
// "total_movers", "total_min_movers"}]}. The series are in the CSV only.
nlohmann::json ResultToJson(const ExperimentResult& r);

// The time series of per-server counts: policy,t,step,op,time_ms,server,up,
// count; one row per server per sample of each step's series ("t": the
// step's position on the scenario's axis, 0 for the start; "time_ms": the
// sample's time on the run's clock; "up" as at that sample: a step's first
// sample, before it, has the previous step's); a step without a series gives
// one row per server at time_ms + settle_ms.
std::string ResultToCsv(const ExperimentResult& r);

// The table: a header with scenario, mode, clients and seed; per step one
// line per policy (counts, max/mean, movers, minimum, lost, settle in ms
// ("-": not measured), peak connects/s); then each policy's total movers
// against the minimum.
std::string ResultToTable(const ExperimentResult& r);

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_RESULT_WRITERS_H_
