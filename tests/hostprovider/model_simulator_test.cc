#include "zk/hostprovider/model_simulator.h"

#include <catch2/catch.hpp>
#include <numeric>

#include "test_util.h"
#include "zk/hostprovider/host_provider.h"

namespace zk {
namespace {

using testing::Hp;
using testing::Range;

ModelOptions Options(uint32_t clients, std::vector<HostPort> servers, uint64_t seed = 1) {
  ModelOptions o;
  o.clients = clients;
  o.seed = seed;
  o.servers = std::move(servers);
  return o;
}

uint64_t Sum(const std::vector<uint64_t>& v) {
  return std::accumulate(v.begin(), v.end(), uint64_t{0});
}

TEST_CASE("simulator: bad options are rejected", "[simulator]") {
  CHECK(ModelSimulator::Create(Options(0, Range(1, 3))).status().code() == Error::kBadArguments);
  CHECK(ModelSimulator::Create(Options(10, {})).status().code() == Error::kBadArguments);
  ModelOptions o = Options(10, Range(1, 3));
  o.initial_counts = {5, 5};
  CHECK(ModelSimulator::Create(o).status().code() == Error::kBadArguments);
  o.initial_counts = {5, 5, 1};
  CHECK(ModelSimulator::Create(o).status().code() == Error::kBadArguments);
  o.initial_counts.clear();
  o.follower_fraction = 1.5;
  CHECK(ModelSimulator::Create(o).status().code() == Error::kBadArguments);
}

TEST_CASE("simulator: natural start is deterministic per seed", "[simulator]") {
  auto a = ModelSimulator::Create(Options(3000, Range(1, 3), 5)).value();
  auto b = ModelSimulator::Create(Options(3000, Range(1, 3), 5)).value();
  auto c = ModelSimulator::Create(Options(3000, Range(1, 3), 6)).value();
  CHECK(a.counts() == b.counts());
  CHECK(a.counts() != c.counts());
  CHECK(Sum(a.counts()) == 3000);
  CHECK(a.start_report().disconnected == 0);
  CHECK(a.start_report().attempts == 3000);
}

TEST_CASE("simulator clients make exactly the HostProvider's decisions", "[simulator]") {
  // Client k of the simulator and a HostProvider seeded with the same stream
  // go through the same calls; they must agree on every server.
  const uint64_t seed = 77;
  INFO("seed " << seed);
  for (MigrationPolicy m : {MigrationPolicy::kProbabilistic, MigrationPolicy::kNone}) {
    for (FailoverPolicy f : {FailoverPolicy::kFixedOrder, FailoverPolicy::kHerdFree}) {
      CAPTURE(FailoverPolicyName(f), MigrationPolicyName(m));
      ModelOptions o = Options(300, Range(1, 4), seed);
      o.provider.failover = f;
      o.provider.migration = m;
      auto sim = ModelSimulator::Create(o).value();
      std::vector<HostProvider> hps;
      for (uint32_t k = 0; k < o.clients; ++k) {
        hps.push_back(HostProvider::Create(Range(1, 4), o.provider,
                                           std::make_unique<SplitMix64>(DeriveSeed(seed, k)))
                          .value());
        hps.back().Next();
        hps.back().OnConnected();
        REQUIRE(sim.servers().at(sim.TEST_client(k).current) == *hps.back().connected_host());
      }
      const std::vector<HostPort> next = {Hp("s2"), Hp("s3"), Hp("s5"), Hp("s6"), Hp("s7")};
      REQUIRE(sim.Run(ModelStep::Reconfigure(next)).ok());
      for (uint32_t k = 0; k < o.clients; ++k) {
        HostProvider& hp = hps[k];
        const std::optional<HostPort> cur = hp.connected_host();
        if (hp.UpdateServerList(next, cur).value()) {
          hp.Next();
          hp.OnConnected();
        }
        CAPTURE(k);
        CHECK(sim.servers().at(sim.TEST_client(k).current) == *hp.connected_host());
      }
    }
  }
}

TEST_CASE("simulator: crash, recover, restart", "[simulator]") {
  auto sim = ModelSimulator::Create(Options(900, Range(1, 3))).value();
  const std::vector<uint64_t> before = sim.counts();
  StepReport r = sim.Run(ModelStep::Crash(Hp("s1"))).value();
  CHECK(r.counts[0] == 0);
  CHECK(r.up[0] == 0);
  CHECK(r.movers == before[0]);
  CHECK(r.min_movers == before[0] + (std::max<uint64_t>(before[1], 450) - 450) +
                            (std::max<uint64_t>(before[2], 450) - 450));
  CHECK(Sum(r.counts) == 900);
  r = sim.Run(ModelStep::Recover(Hp("s1"))).value();
  CHECK(r.counts[0] == 0);  // it comes back empty
  CHECK(r.movers == 0);
  r = sim.Run(ModelStep::Restart(Hp("s2"))).value();
  CHECK(r.counts[1] == 0);
  CHECK(r.up[1] == 1);
  CHECK(sim.Run(ModelStep::Crash(Hp("s9"))).status().code() == Error::kBadArguments);
}

TEST_CASE("simulator: everyone down, then back", "[simulator]") {
  auto sim = ModelSimulator::Create(Options(100, Range(1, 2))).value();
  REQUIRE(sim.Run(ModelStep::Crash(Hp("s1"))).ok());
  StepReport r = sim.Run(ModelStep::Crash(Hp("s2"))).value();
  CHECK(r.connected == 0);
  CHECK(r.disconnected == 100);
  r = sim.Run(ModelStep::Recover(Hp("s1"))).value();
  CHECK(r.counts[0] == 100);
  CHECK(r.disconnected == 0);
}

TEST_CASE("simulator: identical reconfiguration and migration none", "[simulator]") {
  auto sim = ModelSimulator::Create(Options(1000, Range(1, 3))).value();
  const std::vector<uint64_t> before = sim.counts();
  StepReport r = sim.Run(ModelStep::Reconfigure({Hp("S3"), Hp("s2"), Hp("s1")})).value();
  CHECK(r.movers == 0);
  CHECK(sim.counts() == before);

  ModelOptions o = Options(1000, Range(1, 3));
  o.provider.migration = MigrationPolicy::kNone;
  auto none = ModelSimulator::Create(o).value();
  const uint64_t on_s3 = none.counts()[2];
  r = none.Run(ModelStep::Reconfigure(Range(1, 4))).value();
  CHECK(r.movers == 0);  // growing: nobody moves, s4 stays empty
  CHECK(r.counts[3] == 0);
  r = none.Run(ModelStep::Reconfigure({Hp("s1"), Hp("s2"), Hp("s4")})).value();
  CHECK(r.movers == on_s3);  // only the removed server's clients
}

TEST_CASE("simulator: load-aware migration moves about the minimum", "[simulator]") {
  const uint64_t seed = 3;
  INFO("seed " << seed);
  ModelOptions o = Options(10000, Range(1, 3), seed);
  o.provider.migration = MigrationPolicy::kLoadAware;
  auto sim = ModelSimulator::Create(o).value();
  StepReport r = sim.Run(ModelStep::Reconfigure(Range(1, 4))).value();
  INFO(r.ToString());
  CHECK(r.MoversOverMinimum() == Approx(1.0).margin(0.06));
  CHECK(r.max_over_mean <= 1.05);
  // Uneven start: the paper's rule cannot repair it, the plan can.
  ModelOptions u = Options(1000, Range(1, 3), seed);
  u.initial_counts = {600, 300, 100};
  u.provider.migration = MigrationPolicy::kLoadAware;
  auto uneven = ModelSimulator::Create(u).value();
  r = uneven.Run(ModelStep::Reconfigure(Range(1, 4))).value();
  INFO(r.ToString());
  CHECK(r.max_over_mean <= 1.2);
  u.provider.migration = MigrationPolicy::kProbabilistic;
  auto paper = ModelSimulator::Create(u).value();
  CHECK(paper.Run(ModelStep::Reconfigure(Range(1, 4))).value().max_over_mean >= 1.6);
}

TEST_CASE("simulator: shedding and plan steps validate their input", "[simulator]") {
  auto sim = ModelSimulator::Create(Options(100, Range(1, 3))).value();
  CHECK(sim.Run(ModelStep::Shed(Hp("s1"), 1.5)).status().code() == Error::kBadArguments);
  ModelStep zero = ModelStep::Plan();
  zero.passes = 0;
  CHECK(sim.Run(zero).status().code() == Error::kBadArguments);
  const uint64_t on_s1 = sim.counts()[0];
  StepReport r = sim.Run(ModelStep::Shed(Hp("s1"), 1.0)).value();
  CHECK(r.shed == on_s1);
  CHECK(r.counts[0] == 0);
  auto all = sim.RunAll({ModelStep::Plan(), ModelStep::Crash(Hp("nope")), ModelStep::Plan()});
  CHECK(all.status().code() == Error::kBadArguments);
}

TEST_CASE("timelines", "[simulator]") {
  const std::vector<ModelStep> s = Section51Timeline(Range(1, 9));
  REQUIRE(s.size() == 4);
  CHECK(s[0].servers == Range(1, 8));
  CHECK(s[1].servers == Range(1, 6));
  CHECK(s[2].servers == Range(2, 9));
  CHECK(s[3].servers == Range(1, 9));
  CHECK(RollingRestartTimeline(Range(1, 3), 2).size() == 6);
  CHECK(RollingRestartTimeline(Range(1, 3), 2, ModelStepKind::kPlan).size() == 12);
}

}  // namespace
}  // namespace zk
