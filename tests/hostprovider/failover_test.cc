#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <vector>

#include "zk/hostprovider/failover_policy.h"
#include "zk/hostprovider/random_source.h"
#include "zk/hostprovider/server_list.h"

namespace zk {
namespace {

TEST_CASE("failover policy names round-trip", "[failover]") {
  for (FailoverPolicy f :
       {FailoverPolicy::kFixedOrder, FailoverPolicy::kHerdFree, FailoverPolicy::kLoadAware}) {
    CHECK(ParseFailoverPolicy(FailoverPolicyName(f)) == f);
  }
  CHECK_FALSE(ParseFailoverPolicy("round-robin").has_value());
}

TEST_CASE("herd-free rounds: uniform among the untried servers", "[failover]") {
  // After losing server 0, the first choice is uniform over 1..4, and the
  // second uniform over the remaining three, whatever the first was.
  const uint64_t seed = 314;
  INFO("seed " << seed);
  SplitMix64 r(seed);
  std::vector<int> first(5, 0);
  std::map<std::pair<uint32_t, uint32_t>, int> pairs;
  const int trials = 60000;
  for (int t = 0; t < trials; ++t) {
    const uint64_t round = r.NextU64();
    const uint32_t a = RoundNext(FailoverPolicy::kHerdFree, round, 5, kNoServer, 0, {});
    const uint32_t b = RoundNext(FailoverPolicy::kHerdFree, round, 5, a, 0, {});
    ++first[a];
    ++pairs[{a, b}];
    // The whole round: every server once, 0 last.
    std::set<uint32_t> seen;
    uint32_t cur = kNoServer;
    for (int k = 0; k < 5; ++k) {
      cur = RoundNext(FailoverPolicy::kHerdFree, round, 5, cur, 0, {});
      REQUIRE(cur != kNoServer);
      seen.insert(cur);
    }
    REQUIRE(cur == 0);
    REQUIRE(seen.size() == 5);
    REQUIRE(RoundNext(FailoverPolicy::kHerdFree, round, 5, cur, 0, {}) == kNoServer);
  }
  CHECK(first[0] == 0);
  for (int i = 1; i < 5; ++i) CHECK(first[i] / double(trials) == Approx(0.25).margin(0.01));
  for (const auto& [ab, count] : pairs) {
    CAPTURE(ab.first, ab.second);
    CHECK(count / double(trials) == Approx(1.0 / 12).margin(0.006));
  }
  CHECK(pairs.size() == 12);
}

TEST_CASE("load-aware failover fills the deficits, and splits equal candidates", "[failover]") {
  const uint64_t seed = 2718;
  INFO("seed " << seed);
  SplitMix64 r(seed);
  const int trials = 20000;
  // Server 1 was lost. Loads: 0 = 0 (just restarted), 1 = 500, 2 = 500: every
  // client of 1 should go to 0, the only server below the even level.
  std::vector<int64_t> loads = {0, 500, 500};
  int to0 = 0;
  for (int t = 0; t < trials; ++t) {
    to0 += RoundNext(FailoverPolicy::kLoadAware, r.NextU64(), 3, kNoServer, 1, loads) == 0;
  }
  CHECK(to0 == trials);
  // Equal loads: half and half, not a herd on one.
  loads = {333, 333, 334};
  std::vector<int> got(3, 0);
  for (int t = 0; t < trials; ++t) {
    ++got[RoundNext(FailoverPolicy::kLoadAware, r.NextU64(), 3, kNoServer, 2, loads)];
  }
  CHECK(got[2] == 0);
  CHECK(got[0] / double(trials) == Approx(0.5).margin(0.02));
  // Deficits 100 and 300 (level 400 = 1200 / 3 candidates): 1:3 odds.
  loads = {300, 100, 400, 400};
  std::vector<int> got4(4, 0);
  for (int t = 0; t < trials; ++t) {
    ++got4[RoundNext(FailoverPolicy::kLoadAware, r.NextU64(), 4, kNoServer, 3, loads)];
  }
  CHECK(got4[0] / double(trials) == Approx(0.25).margin(0.015));
  CHECK(got4[1] / double(trials) == Approx(0.75).margin(0.015));
  // Without a hint it is herd-free.
  CHECK(RoundNext(FailoverPolicy::kLoadAware, 5, 3, kNoServer, 0, {}) ==
        RoundNext(FailoverPolicy::kHerdFree, 5, 3, kNoServer, 0, {}));
}

TEST_CASE("fixed order wraps around", "[failover]") {
  std::set<uint32_t> seen;
  uint32_t cur = kNoServer;
  for (int i = 0; i < 7; ++i) {
    cur = FixedOrderNext(123, 7, cur);
    seen.insert(cur);
  }
  CHECK(seen.size() == 7);
  CHECK(FixedOrderNext(123, 7, cur) == FixedOrderNext(123, 7, kNoServer));
}

}  // namespace
}  // namespace zk
