#include "run/model_runner.h"

#include <fmt/format.h>

#include <algorithm>

#include "zk/hostprovider/model_simulator.h"
#include "zk/hostprovider/random_source.h"

namespace zk::sim {
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
  return s;
}

// The most attempts in one second when `attempts` attempts are spread
// uniformly over [0, jitter_ms] (all in the first second without jitter).
uint64_t PeakPerSecond(uint64_t attempts, int64_t jitter_ms, SplitMix64* rng) {
  if (attempts == 0) return 0;
  if (jitter_ms <= 0) return attempts;
  const uint64_t buckets = static_cast<uint64_t>(jitter_ms) / 1000 + 1;
  std::vector<uint64_t> n(buckets, 0);
  for (uint64_t i = 0; i < attempts; ++i) {
    const uint64_t t = rng->Below(static_cast<uint64_t>(jitter_ms) + 1);
    ++n[t / 1000];
  }
  return *std::max_element(n.begin(), n.end());
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
    pr.start = FromReport(sim->start_report(), "start");
    // The burst estimate draws from its own stream, derived from the seed.
    SplitMix64 burst_rng(DeriveSeed(p.options.seed, 0xB0B5));
    for (size_t si = 0; si < p.steps.size(); ++si) {
      bool is_wait = false;
      Result<ModelStep> step = ParseStep(p.steps[si], Busiest(*sim), sim->servers().hosts(), &is_wait);
      if (!step.ok()) {
        return Status(Error::kBadArguments, fmt::format("policy {}: step {}: {}", p.name, si + 1,
                                                        step.status().message()));
      }
      StepResult s;
      if (is_wait) {
        // Nothing happens in the model while time passes; report the state.
        StepReport r = sim->start_report();
        r.label = step->label;
        r.servers = sim->servers().hosts();
        r.counts = sim->counts();
        r.up = pr.steps.empty() ? pr.start.up : pr.steps.back().up;
        r.movers = r.min_movers = r.shed = r.attempts = 0;
        r.disconnected = pr.steps.empty() ? pr.start.sessions_lost : pr.steps.back().sessions_lost;
        uint64_t connected = 0, mx = 0;
        for (size_t i = 0; i < r.counts.size(); ++i) {
          connected += r.counts[i];
          mx = std::max(mx, r.counts[i]);
        }
        r.max_over_mean = connected == 0 ? 0 : double(mx) * r.counts.size() / connected;
        s = FromReport(r, "wait");
      } else {
        Result<StepReport> r = sim->Run(*step);
        if (!r.ok()) {
          return Status(Error::kBadArguments, fmt::format("policy {}: step {}: {}", p.name, si + 1,
                                                          r.status().message()));
        }
        s = FromReport(*r, std::string(ModelStepKindName(step->kind)));
        s.peak_connects_per_s = PeakPerSecond(s.attempts, pr.failover_jitter_ms, &burst_rng);
      }
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

}  // namespace zk::sim
