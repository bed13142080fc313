// Rolling restarts (issue 3, "Failover without herds"): 3 servers, restart
// A, B, C in turn, twice. Per-seed results are printed ("# ..." TAP comments).
//
// Worst max/mean after a restart (the restarted server back and empty):
//   fixed-order (Java): 2.5 by structure, not noise: every client that
//     moved A->B has the order A,B,C and goes to C when B restarts (C gets
//     1/2 + 1/6 + 1/6 = 5/6 of the clients);
//   herd-free: 2.25 (C gets 1/2 + 1/4);
//   load-aware failover: close to 1.5, the floor with one of three down.
// The bound for herd-free (<= 2.3) sits 1.2 sigma above 2.25 at 1000
// clients (a Bin(1000, 3/4) count), so it is asserted on the mean over 20
// seeds, with every single seed below Java's 2.5.
// With a load-aware plan after each restart: max/mean <= 1.10 at 1000
// clients and <= 1.05 at 10,000, movers within 1.10x of the minimum. One
// probabilistic pass leaves binomial noise: the restarted server receives
// Bin(500, 1/3) + Bin(500, 1/3) clients, 333 +- 15, so 1.10 (367) is 2.3
// sigma and the worst of six plans exceeds it on ~15% of seeds at 1000
// clients. A second pass (the operator re-reads the counts and publishes a
// correction) balances every seed but undoes the first pass's over-moves,
// +4.5% moves on average (up to +13% on a seed). Asserted:
//   one pass:  moves <= 1.10x minimum on every seed; max/mean bound on the
//              mean over 20 seeds of each seed's worst;
//   two passes: max/mean bound on every seed; moves <= 1.10x minimum over
//              the 20 seeds together.
// Only the exact plan meets both on every seed: within one client, with
// exactly the minimum moves.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>

#include "zk/hostprovider/model_simulator.h"

namespace zk {
namespace {

constexpr int kSeeds = 20;

struct RunResult {
  double worst_restart = 0;  // worst max/mean right after a restart
  double worst_plan = 0;     // worst max/mean right after a plan
  uint64_t plan_movers = 0;
  uint64_t plan_min = 0;
  uint64_t worst_plan_spread = 0;  // max - min count after a plan
};

RunResult Run(FailoverPolicy failover, uint32_t clients, uint64_t seed,
              std::optional<ModelStepKind> plan = {}, bool print = true, uint32_t passes = 1) {
  ModelOptions o;
  o.clients = clients;
  o.seed = seed;
  o.provider.failover = failover;
  o.servers = NumberedServers(3);
  ModelSimulator sim = ModelSimulator::Create(o).value();
  const std::vector<StepReport> reports =
      sim.RunAll(RollingRestartTimeline(o.servers, 2, plan, passes)).value();
  RunResult out;
  for (const StepReport& r : reports) {
    if (print) {
      std::cout << fmt::format("# {} C={} seed {:2} {}\n", FailoverPolicyName(failover), clients,
                               seed, r.ToString());
    }
    if (r.label.find("restart") != std::string::npos &&
        r.label.find("after") == std::string::npos) {
      out.worst_restart = std::max(out.worst_restart, r.max_over_mean);
    } else {
      out.worst_plan = std::max(out.worst_plan, r.max_over_mean);
      out.plan_movers += r.movers;
      out.plan_min += r.min_movers;
      const auto [lo, hi] = std::minmax_element(r.counts.begin(), r.counts.end());
      out.worst_plan_spread = std::max(out.worst_plan_spread, *hi - *lo);
    }
  }
  return out;
}

double MeanWorstRestart(FailoverPolicy f, double* worst_seed) {
  double sum = 0;
  *worst_seed = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const double w = Run(f, 1000, seed).worst_restart;
    sum += w;
    *worst_seed = std::max(*worst_seed, w);
  }
  return sum / kSeeds;
}

TEST_CASE("rolling restart, 1000 clients: Java's fixed order herds to 2.5x",
          "[statistics][restart]") {
  double worst = 0;
  const double mean = MeanWorstRestart(FailoverPolicy::kFixedOrder, &worst);
  std::cout << fmt::format("# fixed-order: mean worst max/mean {:.3f}, worst seed {:.3f}\n", mean,
                           worst);
  INFO("seeds 1.." << kSeeds << ", mean of the worst max/mean " << mean);
  CHECK(mean >= 2.4);  // structural 2.5
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    CHECK(Run(FailoverPolicy::kFixedOrder, 1000, seed, {}, false).worst_restart >= 2.3);
  }
}

TEST_CASE("why Java herds: every client that moved A->B goes to C when B restarts",
          "[statistics][restart]") {
  for (FailoverPolicy f : {FailoverPolicy::kFixedOrder, FailoverPolicy::kHerdFree}) {
    const uint64_t seed = 11;
    ModelOptions o;
    o.clients = 1000;
    o.seed = seed;
    o.provider.failover = f;
    o.servers = NumberedServers(3);  // A = 0, B = 1, C = 2
    ModelSimulator sim = ModelSimulator::Create(o).value();
    std::vector<uint32_t> was_on_a;
    for (uint32_t k = 0; k < o.clients; ++k) {
      if (sim.TEST_client(k).current == 0) was_on_a.push_back(k);
    }
    REQUIRE(sim.Run(ModelStep::Restart(o.servers[0])).ok());
    std::vector<uint32_t> a_to_b;
    for (uint32_t k : was_on_a) {
      if (sim.TEST_client(k).current == 1) a_to_b.push_back(k);
    }
    REQUIRE(sim.Run(ModelStep::Restart(o.servers[1])).ok());
    uint32_t then_c = 0;
    for (uint32_t k : a_to_b) then_c += sim.TEST_client(k).current == 2;
    std::cout << fmt::format("# {} seed {}: {} clients went A->B; {} of them then went to C\n",
                             FailoverPolicyName(f), seed, a_to_b.size(), then_c);
    CAPTURE(FailoverPolicyName(f), seed, a_to_b.size(), then_c);
    if (f == FailoverPolicy::kFixedOrder) {
      CHECK(then_c == a_to_b.size());  // structural: their order is A, B, C
    } else {
      CHECK(then_c < 0.65 * a_to_b.size());  // uniform between A and C
      CHECK(then_c > 0.35 * a_to_b.size());
    }
  }
}

TEST_CASE("rolling restart, 1000 clients: herd-free stays at 2.25x", "[statistics][restart]") {
  double worst = 0;
  const double mean = MeanWorstRestart(FailoverPolicy::kHerdFree, &worst);
  std::cout << fmt::format("# herd-free: mean worst max/mean {:.3f}, worst seed {:.3f}\n", mean,
                           worst);
  INFO("seeds 1.." << kSeeds << ", mean of the worst max/mean " << mean << ", worst seed "
                   << worst);
  CHECK(mean <= 2.3);
  CHECK(worst < 2.4);
}

TEST_CASE("rolling restart, 1000 clients: load-aware failover approaches 1.5x",
          "[statistics][restart]") {
  double worst = 0;
  const double mean = MeanWorstRestart(FailoverPolicy::kLoadAware, &worst);
  std::cout << fmt::format("# load-aware: mean worst max/mean {:.3f}, worst seed {:.3f}\n", mean,
                           worst);
  INFO("seeds 1.." << kSeeds << ", mean of the worst max/mean " << mean << ", worst seed "
                   << worst);
  CHECK(mean <= 1.6);
  CHECK(worst <= 1.7);
}

TEST_CASE("rolling restart with a load-aware plan after each restart", "[statistics][restart]") {
  for (uint32_t passes : {1u, 2u}) {
    for (uint32_t clients : {1000u, 10000u}) {
      const double bound = clients == 1000 ? 1.10 : 1.05;
      uint64_t movers = 0;
      uint64_t min = 0;
      double worst_sum = 0;
      double worst = 0;
      for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
        const RunResult r =
            Run(FailoverPolicy::kHerdFree, clients, seed, ModelStepKind::kPlan, false, passes);
        CAPTURE(passes, clients, seed, bound);
        if (passes > 1) CHECK(r.worst_plan <= bound);
        if (passes == 1) CHECK(r.plan_movers <= 1.10 * r.plan_min);
        std::cout << fmt::format(
            "# plan x{} C={} seed {:2}: worst max/mean after a plan {:.3f}, "
            "moves {} / minimum {} = {:.3f}\n",
            passes, clients, seed, r.worst_plan, r.plan_movers, r.plan_min,
            double(r.plan_movers) / r.plan_min);
        movers += r.plan_movers;
        min += r.plan_min;
        worst_sum += r.worst_plan;
        worst = std::max(worst, r.worst_plan);
      }
      std::cout << fmt::format(
          "# plan x{} C={}: over {} seeds, mean worst max/mean {:.3f}, "
          "worst {:.3f}, moves / minimum {:.4f}\n",
          passes, clients, kSeeds, worst_sum / kSeeds, worst, double(movers) / min);
      CAPTURE(passes, clients, bound);
      CHECK(worst_sum / kSeeds <= bound);
      CHECK(movers <= 1.10 * min);
    }
  }
}

TEST_CASE("rolling restart with an exact plan after each restart", "[statistics][restart]") {
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const RunResult r = Run(FailoverPolicy::kHerdFree, 1000, seed, ModelStepKind::kExactPlan);
    CAPTURE(seed);
    CHECK(r.worst_plan_spread <= 1);
    CHECK(r.plan_movers == r.plan_min);
  }
}

}  // namespace
}  // namespace zk
