// Benchmarks of hostprovider/.
//
//   build-hp/bench/hostprovider/bench_hostprovider
//
// BM_Section51: 1,000,000 clients, natural start on 9 servers, then the
// paper's §5.1 sequence (remove 1; remove 2; remove 1 and add back 3; add
// back 1), every client running the provider core. The target is about a
// second on a 2-core machine with the default (debugoptimized) build.
// BM_Section51Steps times the four steps alone (the start is excluded).
#include <benchmark/benchmark.h>

#include <memory>

#include "zk/hostprovider/host_provider.h"
#include "zk/hostprovider/model_simulator.h"

namespace zk {
namespace {

ModelOptions Options(uint32_t clients, FailoverPolicy f, MigrationPolicy m) {
  ModelOptions o;
  o.clients = clients;
  o.seed = 1;
  o.provider.failover = f;
  o.provider.migration = m;
  o.servers = NumberedServers(9);
  return o;
}

void Report(benchmark::State& state, const std::vector<StepReport>& reports) {
  uint64_t movers = 0;
  double worst = 0;
  for (const StepReport& r : reports) {
    movers += r.movers;
    worst = std::max(worst, r.max_over_mean);
  }
  state.counters["movers"] = static_cast<double>(movers);
  state.counters["worst_max_over_mean"] = worst;
}

void BM_Section51(benchmark::State& state) {
  const auto f = static_cast<FailoverPolicy>(state.range(1));
  const auto m = static_cast<MigrationPolicy>(state.range(2));
  const ModelOptions o = Options(static_cast<uint32_t>(state.range(0)), f, m);
  const std::vector<ModelStep> steps = Section51Timeline(o.servers);
  std::vector<StepReport> reports;
  for (auto _ : state) {
    ModelSimulator sim = ModelSimulator::Create(o).value();
    reports = sim.RunAll(steps).value();
    benchmark::DoNotOptimize(reports.data());
  }
  state.SetLabel(std::string(FailoverPolicyName(f)) + "/" + std::string(MigrationPolicyName(m)));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  Report(state, reports);
}

void BM_Section51Steps(benchmark::State& state) {
  const ModelOptions o = Options(static_cast<uint32_t>(state.range(0)), FailoverPolicy::kHerdFree,
                                 MigrationPolicy::kProbabilistic);
  const std::vector<ModelStep> steps = Section51Timeline(o.servers);
  std::vector<StepReport> reports;
  for (auto _ : state) {
    state.PauseTiming();
    ModelSimulator sim = ModelSimulator::Create(o).value();
    state.ResumeTiming();
    reports = sim.RunAll(steps).value();
    benchmark::DoNotOptimize(reports.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  Report(state, reports);
}

void BM_RollingRestart(benchmark::State& state) {
  const auto f = static_cast<FailoverPolicy>(state.range(1));
  ModelOptions o =
      Options(static_cast<uint32_t>(state.range(0)), f, MigrationPolicy::kProbabilistic);
  o.servers = NumberedServers(3);
  const std::vector<ModelStep> steps = RollingRestartTimeline(o.servers, 2);
  std::vector<StepReport> reports;
  for (auto _ : state) {
    ModelSimulator sim = ModelSimulator::Create(o).value();
    reports = sim.RunAll(steps).value();
    benchmark::DoNotOptimize(reports.data());
  }
  state.SetLabel(std::string(FailoverPolicyName(f)));
  Report(state, reports);
}

constexpr int64_t kMillion = 1000000;
constexpr int64_t kFixed = static_cast<int64_t>(FailoverPolicy::kFixedOrder);
constexpr int64_t kHerdFree = static_cast<int64_t>(FailoverPolicy::kHerdFree);
constexpr int64_t kLoadAwareFailover = static_cast<int64_t>(FailoverPolicy::kLoadAware);
constexpr int64_t kProbabilistic = static_cast<int64_t>(MigrationPolicy::kProbabilistic);
constexpr int64_t kLoadAwareMigration = static_cast<int64_t>(MigrationPolicy::kLoadAware);

BENCHMARK(BM_Section51)
    ->Args({kMillion, kHerdFree, kProbabilistic})
    ->Args({kMillion, kFixed, kProbabilistic})
    ->Args({kMillion, kHerdFree, kLoadAwareMigration})
    ->Args({10000, kHerdFree, kProbabilistic})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_Section51Steps)
    ->Arg(kMillion)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);
BENCHMARK(BM_RollingRestart)
    ->Args({kMillion, kFixed})
    ->Args({kMillion, kHerdFree})
    ->Args({kMillion, kLoadAwareFailover})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void BM_HostProviderNext(benchmark::State& state) {
  ProviderOptions o;
  o.failover = static_cast<FailoverPolicy>(state.range(1));
  HostProvider hp =
      HostProvider::Create(NumberedServers(static_cast<uint32_t>(state.range(0))), o, 1).value();
  for (auto _ : state) {
    NextHost n = hp.Next();
    benchmark::DoNotOptimize(n);
  }
  state.SetLabel(std::string(FailoverPolicyName(o.failover)));
}
BENCHMARK(BM_HostProviderNext)->Args({5, kFixed})->Args({5, kHerdFree})->Args({100, kHerdFree});

void BM_HostProviderUpdateServerList(benchmark::State& state) {
  const std::vector<HostPort> a = NumberedServers(9);
  const std::vector<HostPort> b(a.begin(), a.end() - 1);
  HostProvider hp = HostProvider::Create(a, {}, 1).value();
  hp.Next();
  hp.OnConnected();
  bool flip = false;
  for (auto _ : state) {
    auto moved = hp.UpdateServerList(flip ? a : b, hp.connected_host());
    if (moved.value()) {
      hp.Next();
      hp.OnConnected();
    }
    flip = !flip;
  }
}
BENCHMARK(BM_HostProviderUpdateServerList);

}  // namespace
}  // namespace zk

BENCHMARK_MAIN();
