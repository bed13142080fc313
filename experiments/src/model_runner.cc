#include "zk/experiments/model_runner.h"

#include <fmt/format.h>

#include <algorithm>

#include "zk/hostprovider/model_simulator.h"
#include "zk/hostprovider/random_source.h"

namespace zk::experiments {
namespace {

StepResult FromReport(const StepReport& r, std::string op) {
  StepResult s;
  s.step = r.label;
  s.op = std::move(op);
  for (const HostPort& h : r.servers) s.servers.push_back(h.ToString());
  s.counts = r.counts;
  s.up = r.up;
  s.movers = r.movers;
  s.min_movers = r.min_movers;
  s.max_over_mean = r.max_over_mean;
  s.sessions_lost = r.disconnected;
  s.shed = r.shed;
  s.attempts = r.attempts;
  s.time_ms = static_cast<double>(r.start_ms);
  s.settle_ms = static_cast<double>(r.settle_ms);
  s.peak_connects_per_s = r.peak_connects_per_s;
  for (const CountsAt& a : r.series) {
    s.series.push_back(CountSample{static_cast<double>(a.time_ms), a.counts, a.connects});
  }
  return s;
}

HostPort Busiest(const ModelSimulator& sim) {
  const auto& c = sim.counts();
  const auto it = std::max_element(c.begin(), c.end());
  return sim.servers().at(static_cast<uint32_t>(it - c.begin()));
}

}  // namespace

Result<ExperimentResult> RunModel(const Scenario& scenario, const ProgressFn& progress) {
  ExperimentResult out;
  out.scenario = scenario.name;
  out.description = scenario.description;
  out.mode = "model";
  out.seed = scenario.seed;
  out.clients = scenario.clients;
  for (size_t pi = 0; pi < scenario.policies.size(); ++pi) {
    const ScenarioPolicy& p = scenario.policies[pi];
    Result<ModelSimulator> sim = ModelSimulator::Create(p.options);
    if (!sim.ok()) {
      return Status(Error::kBadArguments,
                    fmt::format("policy {}: {}", p.name, sim.status().message()));
    }
    PolicyResult pr;
    pr.policy = p.name;
    pr.failover = FailoverPolicyName(p.options.provider.failover);
    pr.migration = MigrationPolicyName(p.options.provider.migration);
    pr.failover_jitter_ms = p.options.provider.failover_jitter.count();
    pr.migration_jitter_ms = p.options.migration_jitter.count();
    pr.start = FromReport(sim->start_report(), "start");
    for (size_t si = 0; si < p.steps.size(); ++si) {
      Result<ModelStep> step = ToModelStep(p.steps[si], Busiest(*sim));
      if (!step.ok()) {
        return Status(Error::kBadArguments, fmt::format("policy {}: step {}: {}", p.name, si + 1,
                                                        step.status().message()));
      }
      Result<StepReport> r = sim->Run(*step);
      if (!r.ok()) {
        return Status(Error::kBadArguments,
                      fmt::format("policy {}: step {}: {}", p.name, si + 1, r.status().message()));
      }
      StepResult s = FromReport(*r, std::string(ModelStepKindName(step->kind)));
      s.t = p.steps[si].t;
      s.inserted = p.steps[si].inserted;
      pr.total_movers += s.movers;
      pr.total_min_movers += s.min_movers;
      pr.steps.push_back(std::move(s));
      if (progress) progress(pi, si + 1, p.steps.size());
    }
    out.policies.push_back(std::move(pr));
  }
  return out;
}

}  // namespace zk::experiments
