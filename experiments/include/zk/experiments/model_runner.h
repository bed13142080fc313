// Runs a scenario on the model simulator (hostprovider/model_simulator.h):
// every policy from the same seed, every step of its timeline in order.
#ifndef ZK_EXPERIMENTS_MODEL_RUNNER_H_
#define ZK_EXPERIMENTS_MODEL_RUNNER_H_

#include <functional>

#include "zk/experiments/experiment_result.h"
#include "zk/experiments/scenario.h"
#include "zk/wire/status.h"

namespace zk::experiments {

// Called after each step: policy index, step done, steps of that policy.
using ProgressFn = std::function<void(size_t policy, size_t done, size_t total)>;

// Errors: the simulator's (kBadArguments), prefixed with the policy and step.
Result<ExperimentResult> RunModel(const Scenario& scenario, const ProgressFn& progress = {});

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_MODEL_RUNNER_H_
