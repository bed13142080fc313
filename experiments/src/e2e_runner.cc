// The end-to-end runner's entry points; the work is in policy_run.cc (one
// policy, step by step), ensemble_driver.cc (the ensemble, the operator and
// the clients on one loop) and e2e_hooks.cc (a real ensemble's hooks).
#include "zk/experiments/e2e_runner.h"

#include <fmt/format.h>

#include "policy_run.h"
#include "zk/wire/connect_string.h"

namespace zk::experiments {
namespace {

Status BadArg(std::string what) { return Status(Error::kBadArguments, std::move(what)); }

}  // namespace

Status CheckEndToEnd(const Scenario& scenario, const EndToEndOptions& options) {
  if (options.ensemble.empty()) return Status();
  Result<wire::ConnectString> cs = wire::ParseConnectString(options.ensemble);
  if (!cs.ok()) return BadArg(fmt::format("--ensemble: {}", cs.status().message()));
  for (const ScenarioPolicy& p : scenario.policies) {
    const size_t m = Universe(p).size();
    if (m > cs->hosts.size()) {
      return BadArg(fmt::format("policy {} names {} servers; the ensemble has {}", p.name, m,
                                cs->hosts.size()));
    }
    if (!options.hook.empty()) continue;
    for (size_t si = 0; si < p.steps.size(); ++si) {
      const std::string op(p.steps[si].op());
      if (p.steps[si].ServerSide()) {
        return BadArg(fmt::format(
            "policy {}: {}: \"{}\" needs the server side, which a real ensemble does not give the "
            "client; pass --hook SCRIPT (called as SCRIPT kill|start|shed <host:port> <k> ...)",
            p.name, StepName(p.steps[si], si), op));
      }
    }
  }
  return Status();
}

Result<ExperimentResult> RunEndToEnd(const Scenario& scenario, const EndToEndOptions& options,
                                     std::vector<std::string>* notes, const ProgressFn& progress) {
  (void)notes;
  if (Status s = CheckEndToEnd(scenario, options); !s.ok()) return s;
  ExperimentResult out;
  out.scenario = scenario.name;
  out.description = scenario.description;
  out.mode = options.ensemble.empty() ? "end-to-end" : "end-to-end (real ensemble)";
  out.seed = scenario.seed;
  out.clients = scenario.clients;
  for (size_t pi = 0; pi < scenario.policies.size(); ++pi) {
    const ScenarioPolicy& p = scenario.policies[pi];
    PolicyRun run(p, pi, options, progress);
    Result<PolicyResult> r = run.Go();
    if (!r.ok()) {
      return Status(r.status().code(),
                    fmt::format("end to end: policy {}: {}", p.name, r.status().message()));
    }
    out.policies.push_back(std::move(*r));
  }
  return out;
}

Result<ExperimentResult> RunEndToEnd(const Scenario& scenario, std::vector<std::string>* notes,
                                     const ProgressFn& progress) {
  return RunEndToEnd(scenario, EndToEndOptions{}, notes, progress);
}

}  // namespace zk::experiments
