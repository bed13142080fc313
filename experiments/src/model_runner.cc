#include "zk/experiments/model_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>

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

// A wait step of the scenario: "ms" (optional, default 5000) milliseconds.
Result<ModelStep> WaitStep(const nlohmann::json& j, std::string label) {
  std::chrono::milliseconds ms = ModelStep{}.duration;  // 5 s
  if (j.contains("ms")) {
    const nlohmann::json& v = j["ms"];
    if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
        v.get<int64_t>() > std::numeric_limits<int32_t>::max()) {
      return Status(Error::kBadArguments,
                    fmt::format("wait: ms: {} is not an integer in [0, 2^31)", v.dump()));
    }
    ms = std::chrono::milliseconds(v.get<int64_t>());
  }
  return ModelStep::Wait(ms, std::move(label));
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
      bool is_wait = false;
      Result<ModelStep> step =
          ParseStep(p.steps[si], Busiest(*sim), sim->servers().hosts(), &is_wait);
      if (!step.ok()) {
        return Status(Error::kBadArguments, fmt::format("policy {}: step {}: {}", p.name, si + 1,
                                                        step.status().message()));
      }
      if (is_wait) step = WaitStep(p.steps[si], step->label);
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
      s.t = p.t[si];
      s.inserted = p.inserted[si] != 0;
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
