// End to end against the model: real SDK sessions over TCP to zksim's
// in-process ensemble (300 clients, one or two policies per scenario, to keep
// the suite short) agree with the model within statistical bounds.
//   - rolling-restart herd-free: no session lost, the restarted server's
//     clients move, the worst max/mean is in the herd-free band (2.25 +-
//     noise; Java's fixed order would be 2.5). Killing zksim's leader drops
//     every client (an election), so the bound is on the worst restart.
//   - imbalanced-start (placed 270/15/15): the exact plan moves exactly the
//     minimum and leaves 100/100/100; the load-aware plan moves the minimum
//     within binomial noise, as the model does.
//   - grow-shrink probabilistic: the paper's rule moves Bin(300, 2/5) on the
//     grow and exactly the removed servers' clients on the shrink, in both.
//   - skewed grow-shrink (placed 200/50/50, grow 3->5, shrink 5->3):
//     load-aware (zksim's counts handed to every client before each
//     reconfigure) fills the deficits as the model does; probabilistic
//     leaves zk1 near twice the mean.
//   - avalanche: no session lost; the reconnect burst (peak connects/s) is
//     lower with 0-5 s failover jitter than without.
// Bounds are 4 standard deviations of the binomial noise of both runs.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <sstream>
#include <variant>

#include "zk/experiments/e2e_runner.h"
#include "zk/experiments/model_runner.h"
#include "zk/experiments/result_writers.h"

namespace zk::experiments {
namespace {

// The scenario with only `keep` policies, `clients` clients, `seed`, and
// waits of 0 ms (the end-to-end clients still settle).
Scenario Load(const std::string& name, uint32_t clients, uint64_t seed,
              const std::vector<std::string>& keep) {
  Result<Scenario> s = LoadScenario(name);
  REQUIRE(s.ok());
  std::vector<ScenarioPolicy> kept;
  for (const ScenarioPolicy& p : s->policies) {
    if (std::find(keep.begin(), keep.end(), p.name) != keep.end()) kept.push_back(p);
  }
  REQUIRE(kept.size() == keep.size());
  s->policies = kept;
  for (ScenarioPolicy& p : s->policies) {
    for (ScenarioStep& step : p.steps) {
      if (auto* wait = std::get_if<WaitStep>(&step.action)) wait->duration = {};
    }
  }
  OverrideSeed(&*s, seed);
  OverrideClients(&*s, clients);
  return *s;
}

// TAP comments: every line of the table starts with "# ".
void PrintTable(const ExperimentResult& r, uint64_t seed) {
  std::cout << "# seed " << seed << "\n";
  std::istringstream table(ResultToTable(r));
  for (std::string line; std::getline(table, line);) std::cout << "# " << line << "\n";
}

const PolicyResult& Policy(const ExperimentResult& r, const std::string& name) {
  for (const PolicyResult& p : r.policies) {
    if (p.policy == name) return p;
  }
  FAIL("no policy " << name);
  return r.policies.front();
}

// What a test compares: the scenario run end to end and on the model.
struct Runs {
  ExperimentResult e2e;
  ExperimentResult model;  // empty unless asked for
};

// The opening every test shares: runs `s` end to end (and on the model when
// `with_model`), requires both to succeed (the error is printed when one
// does not), and prints the end-to-end table with its seed.
Runs RunBoth(const Scenario& s, uint64_t seed, bool with_model = true) {
  Runs r;
  std::vector<std::string> notes;
  Result<ExperimentResult> e2e = RunEndToEnd(s, &notes);
  INFO("end to end: " << e2e.status().ToString());
  REQUIRE(e2e.ok());
  r.e2e = std::move(*e2e);
  if (with_model) {
    Result<ExperimentResult> model = RunModel(s);
    INFO("model: " << model.status().ToString());
    REQUIRE(model.ok());
    r.model = std::move(*model);
  }
  PrintTable(r.e2e, seed);
  return r;
}

void CheckNoneLost(const PolicyResult& p) {
  CHECK(p.start.sessions_lost == 0);
  for (const StepResult& s : p.steps) {
    CAPTURE(p.policy, s.step);
    CHECK(s.sessions_lost == 0);
  }
}

TEST_CASE("rolling restart end to end agrees with the model", "[experiments][e2e]") {
  const uint64_t seed = 1;
  const Scenario s = Load("rolling-restart", 300, seed, {"herd-free"});
  const Runs r = RunBoth(s, seed);
  const PolicyResult& e = Policy(r.e2e, "herd-free");
  const PolicyResult& m = Policy(r.model, "herd-free");
  REQUIRE(e.steps.size() == m.steps.size());
  CheckNoneLost(e);
  double worst_e = 0, worst_m = 0;
  for (size_t i = 0; i < e.steps.size(); ++i) {
    const StepResult& se = e.steps[i];
    CAPTURE(i, se.step);
    CHECK(se.movers >= se.min_movers);
    // The restarted server comes back empty in both.
    CHECK(std::find(se.counts.begin(), se.counts.end(), 0u) != se.counts.end());
    CHECK(se.settle_ms.has_value());
    CHECK(se.peak_connects_per_s >= se.min_movers / 2);
    worst_e = std::max(worst_e, se.max_over_mean);
    worst_m = std::max(worst_m, m.steps[i].max_over_mean);
  }
  std::cout << fmt::format("# worst max/mean: end to end {:.3f}, model {:.3f}\n", worst_e, worst_m);
  // 300 clients: a Bin(300, 3/4) share has sd 0.075 in max/mean units.
  CHECK(worst_e >= 1.9);
  CHECK(worst_e <= 2.5);
  CHECK(std::abs(worst_e - worst_m) <= 0.3);
}

TEST_CASE("imbalanced start: plans end to end agree with the model", "[experiments][e2e]") {
  const uint64_t seed = 2;
  const Scenario s = Load("imbalanced-start", 300, seed, {"load-aware", "exact"});
  const Runs r = RunBoth(s, seed);
  for (const PolicyResult& p : r.e2e.policies) {
    CheckNoneLost(p);
    // The placed start: 900/50/50 scaled to 300.
    CHECK(p.start.counts == std::vector<uint64_t>{270, 15, 15});
    REQUIRE(p.steps.size() == 1);
  }
  const StepResult& exact = Policy(r.e2e, "exact").steps[0];
  const StepResult& exact_m = Policy(r.model, "exact").steps[0];
  CHECK(exact.min_movers == 170);
  CHECK(exact.min_movers == exact_m.min_movers);
  CHECK(exact.movers == exact.min_movers);
  CHECK(exact.counts == std::vector<uint64_t>{100, 100, 100});
  CHECK(exact.counts == exact_m.counts);
  const StepResult& la = Policy(r.e2e, "load-aware").steps[0];
  const StepResult& la_m = Policy(r.model, "load-aware").steps[0];
  std::cout << fmt::format("# load-aware plan: movers end to end {}, model {}, minimum {}\n",
                           la.movers, la_m.movers, la.min_movers);
  // Each of the 270 moves with p = 170/270: sd sqrt(270 p (1-p)) ~ 7.9.
  const double sd = std::sqrt(270.0 * (170.0 / 270) * (100.0 / 270));
  CHECK(std::abs(double(la.movers) - 170) <= 4 * sd);
  CHECK(std::abs(double(la.movers) - double(la_m.movers)) <= 4 * std::sqrt(2.0) * sd);
  // The destinations split Bin(170, 1/2): every server within 4 sd of 100.
  for (uint64_t c : la.counts) CHECK(std::abs(double(c) - 100) <= 4 * (sd + std::sqrt(42.5)));
}

TEST_CASE("grow-shrink probabilistic end to end agrees with the model", "[experiments][e2e]") {
  const uint64_t seed = 3;
  const Scenario s = Load("grow-shrink", 300, seed, {"probabilistic"});
  const Runs r = RunBoth(s, seed);
  const PolicyResult& e = Policy(r.e2e, "probabilistic");
  const PolicyResult& m = Policy(r.model, "probabilistic");
  CheckNoneLost(e);
  REQUIRE(e.steps.size() == 3);
  REQUIRE(m.steps.size() == 3);
  // Grow 3 -> 5: each client moves with p = 1 - 3/5 to the new servers.
  const StepResult& grow = e.steps[0];
  CHECK(grow.servers.size() == 5);
  const double sd = std::sqrt(300 * 0.4 * 0.6);  // ~8.5
  std::cout << fmt::format("# grow: movers end to end {}, model {}\n", grow.movers,
                           m.steps[0].movers);
  CHECK(std::abs(double(grow.movers) - 120) <= 4 * sd);
  CHECK(std::abs(double(grow.movers) - double(m.steps[0].movers)) <= 4 * std::sqrt(2.0) * sd);
  CHECK(grow.counts[3] + grow.counts[4] == grow.movers);  // all movers go to the new servers
  // Shrink 5 -> 3: exactly the clients of zk4 and zk5 move.
  const StepResult& shrink = e.steps[2];
  CHECK(shrink.servers.size() == 3);
  CHECK(shrink.movers == e.steps[1].counts[3] + e.steps[1].counts[4]);
  uint64_t total = 0;
  for (uint64_t c : shrink.counts) total += c;
  CHECK(total == 300);
  // Tracking applies the config on every client before settling.
  CHECK(grow.settle_ms.has_value());
}

TEST_CASE("skewed grow-shrink: load-aware end to end agrees with the model", "[experiments][e2e]") {
  // grow-shrink from a placed 200/50/50 start, so load-aware (the runner
  // hands every client zksim's counts before each reconfigure) and
  // probabilistic differ well beyond the noise, in the model and end to end.
  const uint64_t seed = 6;
  Result<Scenario> s = ParseScenario(R"json({
    "type": "zkbalance-scenario", "name": "skewed-grow-shrink", "clients": 300, "seed": 6,
    "servers": ["zk1:2181", "zk2:2181", "zk3:2181"], "initial_counts": [200, 50, 50],
    "timeline": [
      {"op": "reconfigure", "label": "grow 3->5",
       "servers": ["zk1:2181", "zk2:2181", "zk3:2181", "zk4:2181", "zk5:2181"]},
      {"op": "reconfigure", "label": "shrink 5->3", "servers": ["zk1:2181", "zk2:2181", "zk3:2181"]}],
    "policies": [{"policy": "probabilistic", "migration": "probabilistic"},
                 {"policy": "load-aware", "migration": "load-aware"}]})json",
                                     "skewed-grow-shrink.json");
  REQUIRE(s.ok());
  const Runs r = RunBoth(*s, seed);
  for (const std::string name : {"probabilistic", "load-aware"}) {
    CAPTURE(name);
    CheckNoneLost(Policy(r.e2e, name));
    CHECK(Policy(r.e2e, name).start.counts == std::vector<uint64_t>{200, 50, 50});
    REQUIRE(Policy(r.e2e, name).steps.size() == 2);
    REQUIRE(Policy(r.model, name).steps.size() == 2);
    // The shrink moves exactly zk4's and zk5's clients, in both.
    const PolicyResult& p = Policy(r.e2e, name);
    CHECK(p.steps[1].movers == p.steps[0].counts[3] + p.steps[0].counts[4]);
  }
  const PolicyResult& la = Policy(r.e2e, "load-aware");
  const PolicyResult& la_m = Policy(r.model, "load-aware");
  const PolicyResult& pr = Policy(r.e2e, "probabilistic");
  const PolicyResult& pr_m = Policy(r.model, "probabilistic");
  std::cout << fmt::format(
      "# grow: zk1 keeps {} (model {}) load-aware, {} (model {}) probabilistic; movers {} (model "
      "{}) load-aware, {} (model {}) probabilistic\n",
      la.steps[0].counts[0], la_m.steps[0].counts[0], pr.steps[0].counts[0],
      pr_m.steps[0].counts[0], la.steps[0].movers, la_m.steps[0].movers, pr.steps[0].movers,
      pr_m.steps[0].movers);
  std::cout << fmt::format(
      "# shrink max/mean: load-aware {:.3f} (model {:.3f}), probabilistic "
      "{:.3f} (model {:.3f})\n",
      la.steps[1].max_over_mean, la_m.steps[1].max_over_mean, pr.steps[1].max_over_mean,
      pr_m.steps[1].max_over_mean);
  // Grow, load-aware: target 60; each of zk1's 200 moves with p = 140/200
  // (sd 6.5), zk2 and zk3 (under target) keep theirs and get some. Probabilistic: every
  // client moves with p = 2/5; zk1 keeps Bin(200, 3/5) (sd 6.9).
  const double sd_la = std::sqrt(200 * 0.7 * 0.3);
  const double sd_pr = std::sqrt(200 * 0.6 * 0.4);
  CHECK(std::abs(double(la.steps[0].counts[0]) - 60) <= 4 * sd_la);
  CHECK(std::abs(double(la.steps[0].counts[0]) - double(la_m.steps[0].counts[0])) <=
        4 * std::sqrt(2.0) * sd_la);
  CHECK(la.steps[0].counts[1] >= 50);  // under target: nobody leaves
  CHECK(la.steps[0].counts[2] >= 50);
  CHECK(std::abs(double(la.steps[0].movers) - 140) <= 4 * sd_la);
  CHECK(std::abs(double(pr.steps[0].counts[0]) - 120) <= 4 * sd_pr);
  CHECK(std::abs(double(pr.steps[0].counts[0]) - double(pr_m.steps[0].counts[0])) <=
        4 * std::sqrt(2.0) * sd_pr);
  // Every load-aware count near 60 (the movers split by deficit 10/10/60/60;
  // at most sd 6.5 each), where probabilistic leaves zk1 near 120.
  for (uint64_t c : la.steps[0].counts) CHECK(std::abs(double(c) - 60) <= 4 * sd_la);
  CHECK(la.steps[0].max_over_mean < pr.steps[0].max_over_mean);
  // Shrink, load-aware: the ~120 movers fill each server's deficit to 100
  // (multinomial, sd at most sqrt(120 / 4) ~ 5.5); probabilistic spreads
  // them evenly, so zk1 ends near 160 (sd ~8.6 with the grow's noise).
  const double sd_shrink = std::sqrt(120.0 / 4);
  for (uint64_t c : la.steps[1].counts) CHECK(std::abs(double(c) - 100) <= 4 * sd_shrink);
  for (uint64_t c : la_m.steps[1].counts) CHECK(std::abs(double(c) - 100) <= 4 * sd_shrink);
  const double sd_pr_shrink = std::sqrt(sd_pr * sd_pr + 120.0 * 2 / 9);
  CHECK(std::abs(double(pr.steps[1].counts[0]) - 160) <= 4 * sd_pr_shrink);
  CHECK(la.steps[1].max_over_mean < pr.steps[1].max_over_mean);
}

TEST_CASE("avalanche end to end: no session lost, jitter lowers the burst", "[experiments][e2e]") {
  const uint64_t seed = 4;
  const Scenario s = Load("avalanche", 300, seed, {"no-jitter", "jitter-5s"});
  const Runs r = RunBoth(s, seed, /*with_model=*/false);
  const PolicyResult& plain = Policy(r.e2e, "no-jitter");
  const PolicyResult& jitter = Policy(r.e2e, "jitter-5s");
  CheckNoneLost(plain);
  CheckNoneLost(jitter);
  // The placed start 500/300/200 scaled to 300.
  CHECK(plain.start.counts == std::vector<uint64_t>{150, 90, 60});
  const StepResult& burst = plain.steps[0];
  const StepResult& spread = jitter.steps[0];
  std::cout << fmt::format("# zk1 dies: peak connects/s {} without jitter, {} with 0-5 s\n",
                           burst.peak_connects_per_s, spread.peak_connects_per_s);
  CHECK(burst.peak_connects_per_s >= 150);  // all of zk1's clients within a second
  CHECK(spread.peak_connects_per_s < burst.peak_connects_per_s);
  // 0-5 s jitter: about a fifth per second (plus the dropped-by-election
  // clients if zk1 led); well under the burst.
  CHECK(double(spread.peak_connects_per_s) <= 0.6 * double(burst.peak_connects_per_s));
  // The jittered reconnects take seconds to settle; the burst does not.
  CHECK(*spread.settle_ms > *burst.settle_ms);
}

TEST_CASE("every step form runs end to end", "[experiments][e2e]") {
  const uint64_t seed = 5;
  Result<Scenario> s = ParseScenario(R"json({
    "type": "zkbalance-scenario", "name": "forms", "clients": 90, "seed": 5,
    "servers": ["zk1:2181", "zk2:2181", "zk3:2181"],
    "policies": [{"policy": "probabilistic", "migration": "probabilistic", "timeline": [
      {"op": "shed", "server": "zk1:2181", "count": 10, "label": "shed 10 of zk1"},
      {"op": "shed", "server": "busiest", "target": 20, "window_ms": 300, "label": "busiest to 20"},
      {"op": "reconfigure", "servers": ["zk2:2181", "zk3:2181"], "mode": "bulk",
       "label": "remove zk1 (bulk)"},
      {"op": "reconfigure", "servers": ["zk1:2181", "zk2:2181", "zk3:2181"],
       "observers": ["zk1:2181"], "label": "zk1 back as observer"},
      {"op": "exact-plan"}]}]})json",
                                     "forms.json");
  REQUIRE(s.ok());
  const Runs r = RunBoth(*s, seed, /*with_model=*/false);
  const PolicyResult& p = r.e2e.policies[0];
  CheckNoneLost(p);
  REQUIRE(p.steps.size() == 5);
  const uint64_t zk1 = p.start.counts[0];
  // zksim sheds any session-holding connection; the operator's may be one.
  CHECK(p.steps[0].shed == std::min<uint64_t>(10, zk1 + 1));
  CHECK(p.steps[0].movers <= 10);
  CHECK(p.steps[0].counts[0] + 10 >= zk1);
  CHECK(p.steps[1].shed >= 1);
  CHECK(p.steps[1].settle_ms.has_value());
  // Removing zk1 moves exactly its clients (the others stay: nothing added).
  const StepResult& removed = p.steps[2];
  CHECK(removed.servers == std::vector<std::string>{"zk2:2181", "zk3:2181"});
  CHECK(removed.movers == p.steps[1].counts[0]);
  CHECK(removed.counts[0] + removed.counts[1] == 90);
  // zk1 back (as an observer, which clients use like any server): the
  // paper's rule sends Bin(90, 1/3) there.
  const StepResult& back = p.steps[3];
  REQUIRE(back.servers.size() == 3);
  CHECK(back.movers == back.counts[0]);
  CHECK(std::abs(double(back.counts[0]) - 30) <= 4 * std::sqrt(90.0 / 3 * 2 / 3));
  // The exact plan: 30/30/30 with the fewest moves.
  CHECK(p.steps[4].counts == std::vector<uint64_t>{30, 30, 30});
  CHECK(p.steps[4].movers == p.steps[4].min_movers);
}

TEST_CASE("a step on a server no configuration names fails naming the step", "[experiments][e2e]") {
  // The ensemble holds every server a configuration of the policy names; a
  // step on another one is refused when it runs, naming the step.
  Result<Scenario> s = ParseScenario(R"({
    "type": "zkbalance-scenario", "name": "bad-server", "clients": 3,
    "servers": ["zk1:2181", "zk2:2181", "zk3:2181"],
    "policies": [{"policy": "p", "timeline": [
      {"op": "shed", "server": "zk9:2181", "fraction": 0.5, "label": "shed zk9"}]}]})",
                                     "bad-server.json");
  REQUIRE(s.ok());
  std::vector<std::string> notes;
  Result<ExperimentResult> r = RunEndToEnd(*s, &notes);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Error::kBadArguments);
  CHECK_THAT(
      r.status().message(),
      Catch::Contains("step 1 (\"shed zk9\"): server zk9:2181 is not one of the scenario's"));
}

}  // namespace
}  // namespace zk::experiments
