// End to end against the model: rolling-restart's herd-free policy with real
// SDK sessions over TCP to zksim's in-process ensemble (300 clients, to keep
// the suite short) agrees with the model within statistical bounds: no
// session lost, every restarted server's clients move, and the worst max/mean
// after a restart is in the herd-free band of the model (2.25 +- noise; Java's
// fixed order would be 2.5). Killing zksim's leader drops every client (an
// election), so the bound is on the worst restart, not per step.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <iostream>
#include <sstream>

#include "run/e2e_runner.h"
#include "run/model_runner.h"
#include "run/result_writers.h"

namespace zk::sim {
namespace {

TEST_CASE("rolling restart end to end agrees with the model", "[experiments][e2e]") {
  const uint64_t seed = 1;
  Result<Scenario> s = LoadScenario("rolling-restart");
  REQUIRE(s.ok());
  OverrideSeed(&*s, seed);
  OverrideClients(&*s, 300);
  std::vector<std::string> notes;
  Result<ExperimentResult> e2e = RunEndToEnd(*s, &notes);
  REQUIRE(e2e.ok());
  Result<ExperimentResult> model = RunModel(*s);
  REQUIRE(model.ok());
  // TAP comments: every line of the table starts with "# ".
  std::cout << "# seed " << seed << "\n";
  std::istringstream table(ResultToTable(*e2e));
  for (std::string line; std::getline(table, line);) std::cout << "# " << line << "\n";
  const PolicyResult* herd_free = nullptr;
  for (const PolicyResult& p : e2e->policies) {
    if (p.policy == "herd-free") herd_free = &p;
  }
  REQUIRE(herd_free != nullptr);  // fixed-order runs too; shed and plans need more steps
  const PolicyResult& e = *herd_free;
  const PolicyResult* m = nullptr;
  for (const PolicyResult& p : model->policies) {
    if (p.policy == e.policy) m = &p;
  }
  REQUIRE(m != nullptr);
  REQUIRE(e.steps.size() == m->steps.size());
  double worst_e = 0, worst_m = 0;
  for (size_t i = 0; i < e.steps.size(); ++i) {
    const StepResult& se = e.steps[i];
    CAPTURE(i, se.step);
    CHECK(se.sessions_lost == 0);
    CHECK(se.movers >= se.min_movers);
    // The restarted server comes back empty in both.
    CHECK(std::find(se.counts.begin(), se.counts.end(), 0u) != se.counts.end());
    worst_e = std::max(worst_e, se.max_over_mean);
    worst_m = std::max(worst_m, m->steps[i].max_over_mean);
  }
  std::cout << fmt::format("# worst max/mean: end to end {:.3f}, model {:.3f}\n", worst_e,
                           worst_m);
  // 300 clients: a Bin(300, 3/4) share has sd 0.075 in max/mean units.
  CHECK(worst_e >= 1.9);
  CHECK(worst_e <= 2.5);
  CHECK(std::abs(worst_e - worst_m) <= 0.3);
}

}  // namespace
}  // namespace zk::sim
