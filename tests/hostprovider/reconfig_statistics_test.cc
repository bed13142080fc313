// The statistical tests of the migration rules (issue 3): 10,000 clients from
// a natural start through 3->4, 3->5, 5->3, 5->4, 9->8, 4->4 with one
// replaced, 3->9, 9->3, 5->5 with two replaced, and the §5.1 sequence.
//
// The bounds, and where binomial noise forces more room. Clients
// decide independently, so a server's count has a relative standard
// deviation sqrt((n - 1) / C) (2.8% for 9 servers), and the movers of a step
// in which a fraction q of the clients move have sqrt((1 - q) / (C q)) (2.8%
// for 9->8 and 8->9). A bound below ~4.5 of those is failed by a correct
// implementation on some seeds (e.g. ±10% at 9 servers is 3.5 sigma, and
// across the ~1,500 server checks of this file a 4.2-sigma count happens).
// So every bound below is max(stated, z sigma), printed next to each result:
//   per seed, per step (z = 4.5): every server within ±10% of C/n; movers /
//     minimum in [0.95, 1.05], the minimum being the exact one for the
//     actual counts (StepReport::min_movers). Widened only for 8- and
//     9-server steps (loads) and for steps moving few clients (movers).
//   averaged over 20 seeds (z = 4): movers / minimum within ±1% and each
//     server's mean load within ±1% of C/n. Here the minimum is the paper's,
//     from a balanced start (StepReport::balanced_start_min_movers): the
//     rules are built so that their *expected* movers equal it. (Against the
//     exact minimum the rules are biased low by design on same-size
//     replacements, about -2% on 4->4 and -1.1% on 5->5: they leave the kept
//     servers' noise in place. Printed, not asserted.)
//   averaged over 400 seeds: both within ±1%, with no widening (z sigma is
//     below 1% for every step), which is the stated bound with enough samples
//     to hold it to.
// Seeds are printed ("# ..." lines are TAP comments) and CAPTUREd.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <map>

#include "test_util.h"
#include "zk/hostprovider/model_simulator.h"

namespace zk {
namespace {

using testing::Range;

constexpr uint32_t kClients = 10000;
constexpr double kSeedZ = 4.5;     // per-seed checks
constexpr double kAverageZ = 4.0;  // averages over 20 seeds

struct Transition {
  std::string name;
  std::vector<HostPort> initial;
  std::vector<ModelStep> steps;
};

std::vector<Transition> Transitions() {
  std::vector<Transition> t;
  auto simple = [&t](std::string name, int a0, int a1, int b0, int b1) {
    t.push_back({name, Range(a0, a1), {ModelStep::Reconfigure(Range(b0, b1), name)}});
  };
  simple("3->4", 1, 3, 1, 4);
  simple("3->5", 1, 3, 1, 5);
  simple("5->3", 1, 5, 1, 3);
  simple("5->4", 1, 5, 1, 4);
  simple("9->8", 1, 9, 1, 8);
  simple("4->4 one replaced", 1, 4, 2, 5);
  simple("3->9", 1, 3, 1, 9);
  simple("9->3", 1, 9, 1, 3);
  simple("5->5 two replaced", 1, 5, 3, 7);
  t.push_back({"section 5.1", Range(1, 9), Section51Timeline(Range(1, 9))});
  return t;
}

// Relative standard deviation of the movers when a fraction q moves.
double MoverNoise(double q, double clients) { return std::sqrt((1 - q) / (clients * q)); }

// Relative standard deviation of one server's count among n.
double LoadNoise(double n, double clients) { return std::sqrt((n - 1) / clients); }

struct StepStats {
  std::string label;
  double q = 0;          // expected fraction of movers
  double exact_sum = 0;  // Σ movers / exact minimum
  double paper_sum = 0;  // Σ movers / balanced-start minimum
  double max_over_mean_sum = 0;
  double worst_max_over_mean = 0;
  std::vector<double> load_sum;
};

// Runs every transition over seeds [1, seeds] and checks the per-seed bounds
// (if per_seed) and the averaged ones (with the widening iff widen).
void CheckTransitions(FailoverPolicy failover, int seeds, bool per_seed, bool widen) {
  for (const Transition& tr : Transitions()) {
    std::vector<StepStats> stats(tr.steps.size());
    for (int seed = 1; seed <= seeds; ++seed) {
      ModelOptions o;
      o.clients = kClients;
      o.seed = static_cast<uint64_t>(seed);
      o.provider.failover = failover;
      o.servers = tr.initial;
      ModelSimulator sim = ModelSimulator::Create(o).value();
      const std::vector<StepReport> reports = sim.RunAll(tr.steps).value();
      for (size_t k = 0; k < reports.size(); ++k) {
        const StepReport& r = reports[k];
        StepStats& st = stats[k];
        st.label = r.label;
        st.q = r.balanced_start_min_movers / kClients;
        st.exact_sum += r.MoversOverMinimum();
        st.paper_sum += r.MoversOverBalancedStartMinimum();
        st.max_over_mean_sum += r.max_over_mean;
        st.worst_max_over_mean = std::max(st.worst_max_over_mean, r.max_over_mean);
        st.load_sum.resize(r.counts.size());
        for (size_t i = 0; i < r.counts.size(); ++i)
          st.load_sum[i] += static_cast<double>(r.counts[i]);
        if (!per_seed) continue;
        const double bound = std::max(0.05, kSeedZ * MoverNoise(st.q, kClients));
        const double n = static_cast<double>(r.counts.size());
        const double load_bound = std::max(0.10, kSeedZ * LoadNoise(n, kClients));
        std::cout << fmt::format("# {} seed {:2} {}  [bounds: load ±{:.1f}%, movers ±{:.1f}%]\n",
                                 FailoverPolicyName(failover), seed, r.ToString(), load_bound * 100,
                                 bound * 100);
        CAPTURE(FailoverPolicyName(failover), tr.name, r.label, seed, bound, load_bound);
        const double share = static_cast<double>(kClients) / n;
        for (uint64_t c : r.counts) {
          CHECK(c >= (1 - load_bound) * share);
          CHECK(c <= (1 + load_bound) * share);
        }
        CHECK(r.MoversOverMinimum() >= 1 - bound);
        CHECK(r.MoversOverMinimum() <= 1 + bound);
        CHECK(r.disconnected == 0);
      }
    }
    for (const StepStats& st : stats) {
      const double n = static_cast<double>(st.load_sum.size());
      const double root = std::sqrt(static_cast<double>(seeds));
      const double mover_bound =
          widen ? std::max(0.01, kAverageZ * MoverNoise(st.q, kClients) / root) : 0.01;
      const double load_bound =
          widen ? std::max(0.01, kAverageZ * LoadNoise(n, kClients) / root) : 0.01;
      if (!widen) {  // the stated bound holds z sigma at this many seeds
        CHECK(kAverageZ * MoverNoise(st.q, kClients) / root <= 0.01);
        CHECK(kAverageZ * LoadNoise(n, kClients) / root <= 0.01);
      }
      double worst_load = 0;
      for (double s : st.load_sum) {
        worst_load = std::max(worst_load, std::abs(s / seeds / (kClients / n) - 1));
      }
      const double paper = st.paper_sum / seeds;
      std::cout << fmt::format(
          "# {} {} seeds {:<28} mean movers/min {:.4f} (exact min: {:.4f})  [bound ±{:.2f}%]  "
          "worst mean load {:+.2f}%  [bound ±{:.2f}%]  max/mean: mean {:.3f} worst {:.3f}\n",
          FailoverPolicyName(failover), seeds, st.label, paper, st.exact_sum / seeds,
          mover_bound * 100, worst_load * 100, load_bound * 100, st.max_over_mean_sum / seeds,
          st.worst_max_over_mean);
      CAPTURE(FailoverPolicyName(failover), tr.name, st.label, seeds, mover_bound, load_bound);
      CHECK(std::abs(paper - 1) <= mover_bound);
      CHECK(worst_load <= load_bound);
    }
  }
}

TEST_CASE("migration rules, 10,000 clients x 20 seeds: servers within 10%, movers near the minimum",
          "[statistics][migration]") {
  CheckTransitions(FailoverPolicy::kHerdFree, 20, /*per_seed=*/true, /*widen=*/true);
}

TEST_CASE("migration rules under fixed-order failover (Java), 20 seeds",
          "[statistics][migration]") {
  CheckTransitions(FailoverPolicy::kFixedOrder, 20, /*per_seed=*/true, /*widen=*/true);
}

TEST_CASE("migration rules, 10,000 clients x 400 seeds: averages within 1%",
          "[statistics][migration]") {
  CheckTransitions(FailoverPolicy::kHerdFree, 400, /*per_seed=*/false, /*widen=*/false);
}

}  // namespace
}  // namespace zk
