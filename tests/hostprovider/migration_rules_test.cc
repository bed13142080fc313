#include "zk/hostprovider/migration_rules.h"

#include <catch2/catch.hpp>

#include "test_util.h"

namespace zk {
namespace {

ListChange Change(int old_first, int old_last, int new_first, int new_last) {
  return DiffLists(ServerList::Create(testing::Range(old_first, old_last)).value(),
                   ServerList::Create(testing::Range(new_first, new_last)).value());
}

TEST_CASE("the paper's probabilities", "[migration_rules]") {
  SECTION("growing 3 -> 5: kept move with 1 - 3/5 to N; removed go to N") {
    const MigrationProbabilities p = PaperProbabilities(Change(1, 3, 1, 5));
    CHECK(p.move_if_kept == Approx(0.4));
    CHECK(p.new_first_if_kept == 1.0);
    CHECK(p.new_first_if_removed == 1.0);
  }
  SECTION("shrinking 5 -> 3: kept stay, removed go to M") {
    const MigrationProbabilities p = PaperProbabilities(Change(1, 5, 1, 3));
    CHECK(p.move_if_kept == 0.0);
    CHECK(p.new_first_if_removed == Approx(0.0));  // pM = 3*2/(3*2) = 1
  }
  SECTION("same size, one replaced: removed go to N") {
    const MigrationProbabilities p = PaperProbabilities(Change(1, 4, 2, 5));
    CHECK(p.move_if_kept == 0.0);
    CHECK(p.new_first_if_removed == Approx(1.0));  // pM = 3*0/(4*1) = 0
  }
  SECTION("shrinking with replacement 5 -> 4: M={2..5}\\{..}") {
    // S = s1..s5, S' = s3..s6: M = {s3,s4,s5}, O = {s1,s2}, N = {s6}.
    const MigrationProbabilities p = PaperProbabilities(Change(1, 5, 3, 6));
    // pM = 3*(5-4)/(4*2) = 3/8.
    CHECK(p.new_first_if_removed == Approx(1.0 - 3.0 / 8.0));
  }
  SECTION("the minimum from a balanced start") {
    CHECK(BalancedStartMinimumMovers(Change(1, 3, 1, 4), 12000) == Approx(3000));
    CHECK(BalancedStartMinimumMovers(Change(1, 5, 1, 3), 10000) == Approx(4000));
    CHECK(BalancedStartMinimumMovers(Change(1, 5, 3, 7), 10000) == Approx(4000));
    CHECK(BalancedStartMinimumMovers(Change(1, 3, 1, 3), 10000) == Approx(0));
  }
}

TEST_CASE("DecideMigration draws with the rule's probability", "[migration_rules]") {
  const uint64_t seed = 99;
  INFO("seed " << seed);
  SplitMix64 r(seed);
  MigrationProbabilities p;
  p.move_if_kept = 0.25;
  p.new_first_if_removed = 0.6;
  int kept_moves = 0;
  int removed_to_new = 0;
  for (int i = 0; i < 40000; ++i) {
    kept_moves += DecideMigration(p, true, r).move;
    const MigrationDecision d = DecideMigration(p, false, r);
    CHECK(d.move);
    removed_to_new += d.new_group_first;
  }
  CHECK(kept_moves / 40000.0 == Approx(0.25).margin(0.01));
  CHECK(removed_to_new / 40000.0 == Approx(0.6).margin(0.01));
}

TEST_CASE("policy names round-trip", "[migration_rules]") {
  for (MigrationPolicy m :
       {MigrationPolicy::kNone, MigrationPolicy::kProbabilistic, MigrationPolicy::kLoadAware}) {
    CHECK(ParseMigrationPolicy(MigrationPolicyName(m)) == m);
  }
  CHECK_FALSE(ParseMigrationPolicy("paper").has_value());
}

}  // namespace
}  // namespace zk
