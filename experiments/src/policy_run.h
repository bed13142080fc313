// The end-to-end runner's policy run: one policy of a scenario, step by
// step, on an ensemble driver (ensemble_driver.h): set up the ensemble and
// the operator, connect (and place) the clients, then turn each typed step
// (scenario_step.h) into the driver's actions and report it as the model
// runner reports its steps (experiment_result.h).
#ifndef ZK_EXPERIMENTS_SRC_POLICY_RUN_H_
#define ZK_EXPERIMENTS_SRC_POLICY_RUN_H_

#include <string>
#include <vector>

#include "ensemble_driver.h"
#include "zk/experiments/e2e_runner.h"

namespace zk::experiments {

// Every server any configuration of the policy names, as "host:port": the
// first configuration's, then joiners in order of appearance.
std::vector<std::string> Universe(const ScenarioPolicy& p);

// `step 3 ("label")` (the op when it has no label), for error messages.
std::string StepName(const ScenarioStep& s, size_t si);

class PolicyRun {
 public:
  PolicyRun(const ScenarioPolicy& p, size_t pi, const EndToEndOptions& o,
            const ProgressFn& progress)
      : p_(p), pi_(pi), o_(o), progress_(progress) {}

  // Starts the ensemble and the clients, runs every step, tears all down.
  // Errors name the step ("step 3 (\"shrink\"): ...").
  Result<PolicyResult> Go();

 private:
  bool NeedsPlans() const;

  // The ensemble (embedded or real), the operator's session, the policy's
  // first configuration and the plan znodes.
  Status Setup();

  // Connects the clients (and places them, for initial_counts).
  Status Start(PolicyResult* pr);

  // Moves each client to its server of initial_counts by a plan naming it:
  // those already there stay, the others fill the remaining places.
  Status Place();

  // Runs step `si` of the policy on the ensemble and reports it.
  Result<StepResult> Step(size_t si);

  // Closes every session, stops the ensemble, drains the loop.
  void Teardown();

  const ScenarioPolicy& p_;
  size_t pi_;
  const EndToEndOptions& o_;
  const ProgressFn& progress_;
  EnsembleDriver run_;
};

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_SRC_POLICY_RUN_H_
