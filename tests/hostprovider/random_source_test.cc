#include "zk/hostprovider/random_source.h"

#include <catch2/catch.hpp>
#include <vector>

namespace zk {
namespace {

TEST_CASE("SplitMix64 is deterministic and uniform", "[random]") {
  const uint64_t seed = 20240607;
  INFO("seed " << seed);
  SplitMix64 a(seed);
  SplitMix64 b(seed);
  for (int i = 0; i < 100; ++i) CHECK(a.NextU64() == b.NextU64());

  std::vector<int> buckets(10, 0);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double x = a.NextDouble();
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
    sum += x;
    ++buckets[a.Below(10)];
  }
  CHECK(sum / 100000 == Approx(0.5).margin(0.005));
  for (int c : buckets) {
    CHECK(c > 9500);
    CHECK(c < 10500);
  }
}

TEST_CASE("Bernoulli does not draw for degenerate probabilities", "[random]") {
  SplitMix64 a(1);
  const uint64_t before = a.state();
  CHECK_FALSE(a.Bernoulli(0.0));
  CHECK(a.Bernoulli(1.0));
  CHECK(a.state() == before);
  CHECK(a.Below(1) == 0);
}

TEST_CASE("derived seeds differ", "[random]") {
  CHECK(DeriveSeed(1, 0) != DeriveSeed(1, 1));
  CHECK(DeriveSeed(1, 0) != DeriveSeed(2, 0));
}

}  // namespace
}  // namespace zk
