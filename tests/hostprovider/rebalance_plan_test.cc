#include "zk/hostprovider/rebalance_plan.h"

#include <catch2/catch.hpp>

#include "test_util.h"
#include "zk/hostprovider/migration_rules.h"

namespace zk {
namespace {

using testing::Hp;

std::vector<ServerLoad> Loads(std::vector<uint64_t> counts) {
  std::vector<ServerLoad> out;
  for (size_t i = 0; i < counts.size(); ++i) {
    out.push_back(ServerLoad{Hp("s" + std::to_string(i + 1)), counts[i]});
  }
  return out;
}

TEST_CASE("load-aware plan: 900/50/50", "[plan]") {
  const RebalancePlan p = ComputeLoadAwarePlan(1, Loads({900, 50, 50})).value();
  REQUIRE(p.servers.size() == 3);
  CHECK(p.servers[0].target == Approx(1000.0 / 3));
  CHECK(p.servers[0].move_probability == Approx((900 - 1000.0 / 3) / 900));
  CHECK(p.servers[1].move_probability == 0.0);
  CHECK(p.servers[0].weight == 0.0);
  CHECK(p.servers[1].weight == Approx(1000.0 / 3 - 50));
  CHECK(p.servers[2].weight == Approx(1000.0 / 3 - 50));
  // Expected movers: the minimum, Σ max(0, L - T).
  CHECK(p.ExpectedMovers() == Approx(900 - 1000.0 / 3));
}

TEST_CASE("with uniform load the plan gives the paper's probabilities", "[plan]") {
  SECTION("growing 3 -> 5") {
    // Old servers at 1000 each, two new at 0.
    const RebalancePlan p = ComputeLoadAwarePlan(1, Loads({1000, 1000, 1000, 0, 0})).value();
    const double paper =
        PaperProbabilities(DiffLists(ServerList::Create(testing::Range(1, 3)).value(),
                                     ServerList::Create(testing::Range(1, 5)).value()))
            .move_if_kept;
    for (int i = 0; i < 3; ++i) CHECK(p.servers[i].move_probability == Approx(paper));
    CHECK(paper == Approx(0.4));
    // Destinations: only the new servers, equally.
    CHECK(p.servers[0].weight == 0.0);
    CHECK(p.servers[3].weight == Approx(p.servers[4].weight));
  }
  SECTION("shrinking with replacement 5 -> 4 (M = 3, O = 2, N = 1)") {
    // S = s1..s5 at 1000; S' = s3..s6. Removed servers drain (weight 0).
    const RebalancePlan p =
        ComputeLoadAwarePlan(1, Loads({1000, 1000, 1000, 1000, 1000, 0}), {0, 0, 1, 1, 1, 1})
            .value();
    CHECK(p.servers[0].move_probability == 1.0);
    CHECK(p.servers[2].move_probability == 0.0);
    double to_kept = 0;
    double total = 0;
    for (int j = 0; j < 6; ++j) {
      total += p.servers[j].weight;
      if (j >= 2 && j <= 4) to_kept += p.servers[j].weight;
    }
    const double paper_pm =
        1.0 - PaperProbabilities(DiffLists(ServerList::Create(testing::Range(1, 5)).value(),
                                           ServerList::Create(testing::Range(3, 6)).value()))
                  .new_first_if_removed;
    CHECK(to_kept / total == Approx(paper_pm));
    CHECK(paper_pm == Approx(3.0 / 8));
  }
}

TEST_CASE("weighted targets", "[plan]") {
  const RebalancePlan p = ComputeLoadAwarePlan(2, Loads({300, 300, 300}), {1, 1, 2}).value();
  CHECK(p.servers[2].target == Approx(450));
  CHECK(p.servers[0].move_probability == Approx(75.0 / 300));
  CHECK(p.servers[2].weight == Approx(150));
}

TEST_CASE("integer targets and the minimum movers", "[plan]") {
  CHECK(IntegerTargets({900, 50, 50}, {}) == std::vector<uint64_t>{334, 333, 333});
  CHECK(MinimumMovers({900, 50, 50}, IntegerTargets({900, 50, 50}, {})) == 566);
  // The ceiling goes to the most loaded (it spares a move).
  // {10, 0, 1}: 11 = 3 + 4 + 4; the extra units go to s1 (excess 7) and s3.
  CHECK(IntegerTargets({10, 0, 1}, {}) == std::vector<uint64_t>{4, 3, 4});
  CHECK(IntegerTargets({7, 0, 0}, {0, 1, 1}) == std::vector<uint64_t>{0, 4, 3});
  CHECK(IntegerTargets({5, 5, 5}, {}) == std::vector<uint64_t>{5, 5, 5});
}

TEST_CASE("plan computation rejects bad input", "[plan]") {
  CHECK(ComputeLoadAwarePlan(1, {}).status().code() == Error::kBadArguments);
  CHECK(ComputeLoadAwarePlan(0, Loads({1, 2})).status().code() == Error::kBadArguments);
  CHECK(ComputeLoadAwarePlan(1, Loads({1, 2}), {1}).status().code() == Error::kBadArguments);
  CHECK(ComputeLoadAwarePlan(1, Loads({1, 2}), {0, 0}).status().code() == Error::kBadArguments);
  CHECK(ComputeLoadAwarePlan(1, Loads({1, 2}), {1, -1}).status().code() == Error::kBadArguments);
  std::vector<ServerLoad> dup = {{Hp("a"), 1}, {Hp("A"), 2}};
  CHECK(ComputeLoadAwarePlan(1, dup).status().code() == Error::kBadArguments);
}

}  // namespace
}  // namespace zk
