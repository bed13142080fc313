#include "zk/hostprovider/model_simulator.h"

#include <catch2/catch.hpp>
#include <numeric>

#include "test_util.h"
#include "zk/hostprovider/host_provider.h"
#include "zk/hostprovider/model_config.h"

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
  // The migration jitter (time only) must not change a decision either.
  for (int64_t jitter : {0, 4000}) {
    for (MigrationPolicy m : {MigrationPolicy::kProbabilistic, MigrationPolicy::kNone}) {
      for (FailoverPolicy f : {FailoverPolicy::kFixedOrder, FailoverPolicy::kHerdFree}) {
        CAPTURE(FailoverPolicyName(f), MigrationPolicyName(m), jitter);
        ModelOptions o = Options(300, Range(1, 4), seed);
        o.provider.failover = f;
        o.provider.migration = m;
        o.migration_jitter = std::chrono::milliseconds(jitter);
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

// The series is consistent: first sample before the step, last = the
// settled counts at start + settle, times in order, connects add up.
void CheckSeries(const StepReport& r) {
  CAPTURE(r.label);
  REQUIRE(r.series.size() >= 2);
  CHECK(r.series.front().time_ms == r.start_ms);
  CHECK(r.series.back().time_ms == r.end_ms);
  CHECK(r.series.back().counts == r.counts);
  CHECK(r.series.back().elsewhere == r.disconnected);
  uint64_t connects = 0;
  for (size_t k = 1; k < r.series.size(); ++k) {
    CHECK(r.series[k].time_ms >= r.series[k - 1].time_ms);
    if (r.series[k].time_ms <= r.start_ms + r.settle_ms) {
      CHECK(r.series[k].time_ms - r.series[k - 1].time_ms <= 100);
    }
    connects += r.series[k].connects;
  }
  CHECK(connects == r.connects);
  CHECK(r.end_ms >= r.start_ms + r.settle_ms);
  CHECK(r.peak_connects_per_s <= r.connects);
}

TEST_CASE("simulator clock: migration jitter spreads the moves, never changes them",
          "[simulator][time]") {
  const uint64_t seed = 11;
  INFO("seed " << seed);
  ModelOptions o = Options(10000, Range(1, 3), seed);
  auto instant = ModelSimulator::Create(o).value();
  o.migration_jitter = std::chrono::milliseconds(5000);
  auto jittered = ModelSimulator::Create(o).value();
  CHECK(instant.start_report().settle_ms == 0);
  CHECK(jittered.now_ms() == 0);
  const StepReport a = instant.Run(ModelStep::Reconfigure(Range(1, 5))).value();
  const StepReport b = jittered.Run(ModelStep::Reconfigure(Range(1, 5))).value();
  CheckSeries(a);
  CheckSeries(b);
  // Same decisions, same counts: the jitter only moves events in time.
  CHECK(a.counts == b.counts);
  CHECK(a.movers == b.movers);
  // Without jitter everything happens at the step's instant.
  CHECK(a.settle_ms == 0);
  CHECK(a.series.size() == 2);
  CHECK(a.peak_connects_per_s == a.movers);
  // With it, ~4,000 movers at uniform delays in [0, 5 s]: the last within
  // the jitter (a migration's first attempt has no delay of its own) and,
  // with ~4,000 draws, above 4.9 s; the busiest second ~1/5 of the movers.
  CHECK(b.settle_ms <= 5000);
  CHECK(b.settle_ms >= 4900);
  CHECK(b.series.size() == 52);  // before, 0, 100, ..., 4900, settle
  CHECK(b.peak_connects_per_s < b.movers / 4);
  CHECK(b.peak_connects_per_s > b.movers / 6);
  // The added servers fill up gradually: half way, s4 holds about half of
  // what it ends with.
  const CountsAt& mid = b.series[26];  // 2,500 ms
  CHECK(mid.time_ms == 2500);
  CHECK(double(mid.counts[3]) == Approx(b.counts[3] / 2.0).epsilon(0.15));
  CHECK(mid.elsewhere == 0);  // nobody in transit: a migration lands at once
  // The clock: the next step begins when this one has settled.
  CHECK(jittered.now_ms() == b.end_ms);
  const StepReport w = jittered.Run(ModelStep::Wait(std::chrono::milliseconds(5000))).value();
  CHECK(w.label == "wait 5 s");
  CHECK(w.start_ms == b.end_ms);
  CHECK(w.end_ms == b.end_ms + 5000);
  CHECK(w.settle_ms == 0);
  CHECK(w.counts == b.counts);
  CheckSeries(w);
  CHECK(jittered.Run(ModelStep::Wait(std::chrono::milliseconds(-1))).status().code() ==
        Error::kBadArguments);
  const StepReport back = jittered.Run(ModelStep::Reconfigure(Range(1, 3))).value();
  CheckSeries(back);
  CHECK(back.start_ms == w.end_ms);
  CHECK(back.settle_ms <= 5000);
  // Leaving servers s4 and s5 count as "elsewhere" until they land.
  CHECK(back.series.front().elsewhere == b.counts[3] + b.counts[4]);
}

TEST_CASE("simulator clock: failover jitter spreads a crash's reconnects", "[simulator][time]") {
  const uint64_t seed = 5;
  INFO("seed " << seed);
  for (int64_t jitter : {0, 2000, 5000}) {
    CAPTURE(jitter);
    ModelOptions o = Options(3000, Range(1, 3), seed);
    o.initial_counts = {1500, 1000, 500};
    o.provider.failover_jitter = std::chrono::milliseconds(jitter);
    auto sim = ModelSimulator::Create(o).value();
    const StepReport r = sim.Run(ModelStep::Crash(Hp("s1"))).value();
    CheckSeries(r);
    CHECK(r.connects == 1500);
    CHECK(r.settle_ms <= jitter);  // herd-free: the first attempt is at an up server
    if (jitter == 0) {
      CHECK(r.settle_ms == 0);
      CHECK(r.peak_connects_per_s == 1500);
    } else {
      CHECK(r.settle_ms >= jitter * 9 / 10);
      // 1,500 over (jitter + 1) ms: a 1 s window holds ~1,500,000 / jitter.
      CHECK(double(r.peak_connects_per_s) == Approx(1.5e6 / double(jitter)).epsilon(0.25));
    }
  }
}

TEST_CASE("simulator clock: the same seed gives the same series", "[simulator][time]") {
  ModelOptions o = Options(2000, Range(1, 4), 9);
  o.migration_jitter = std::chrono::milliseconds(3000);
  o.provider.failover_jitter = std::chrono::milliseconds(2000);
  auto run = [&o] {
    auto sim = ModelSimulator::Create(o).value();
    std::vector<StepReport> out =
        sim.RunAll({ModelStep::Restart(Hp("s1")), ModelStep::Plan(2),
                    ModelStep::Wait(std::chrono::milliseconds(1000)),
                    ModelStep::Shed(Hp("s2"), 0.5), ModelStep::Reconfigure(Range(1, 3))})
            .value();
    for (const StepReport& r : out) CheckSeries(r);
    return out;
  };
  const std::vector<StepReport> a = run(), b = run();
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    CAPTURE(i);
    CHECK(a[i].settle_ms == b[i].settle_ms);
    CHECK(a[i].start_ms == b[i].start_ms);
    CHECK(a[i].peak_connects_per_s == b[i].peak_connects_per_s);
    REQUIRE(a[i].series.size() == b[i].series.size());
    for (size_t k = 0; k < a[i].series.size(); ++k) {
      CHECK(a[i].series[k].counts == b[i].series[k].counts);
    }
    if (i + 1 < a.size()) CHECK(a[i + 1].start_ms == a[i].end_ms);
  }
  CHECK(a[2].end_ms - a[2].start_ms == 1000);
  // A plan's second pass comes after the first settled, with its own jitter.
  CHECK(a[1].settle_ms > 3000);
}

TEST_CASE("simulator clock: bad timing options are rejected", "[simulator][time]") {
  ModelOptions o = Options(10, Range(1, 3));
  o.migration_jitter = std::chrono::milliseconds(-1);
  CHECK(ModelSimulator::Create(o).status().code() == Error::kBadArguments);
  o.migration_jitter = std::chrono::milliseconds(0);
  o.sample_period = std::chrono::milliseconds(0);
  CHECK(ModelSimulator::Create(o).status().code() == Error::kBadArguments);
}

TEST_CASE("simulator clock: a long step is sampled coarser, at most 10,001 samples",
          "[simulator][time]") {
  ModelOptions o = Options(200, Range(1, 3), 2);
  o.migration_jitter = std::chrono::milliseconds(3600 * 1000);  // an hour
  auto sim = ModelSimulator::Create(o).value();
  const StepReport r = sim.Run(ModelStep::Reconfigure(Range(1, 4))).value();
  CHECK(r.series.size() <= 10002);
  CHECK(r.series.back().counts == r.counts);
  CHECK(r.series.back().time_ms == r.end_ms);
}

TEST_CASE("model config: timing options and wait steps round-trip", "[simulator][time]") {
  ModelConfig c;
  c.options = Options(50, Range(1, 3), 4);
  c.options.migration_jitter = std::chrono::milliseconds(2500);
  c.options.sample_period = std::chrono::milliseconds(250);
  c.timeline = {ModelStep::Wait(std::chrono::milliseconds(1200), "pause"),
                ModelStep::Reconfigure(Range(1, 4))};
  Result<ModelConfig> back = ParseModelConfig(SerializeModelConfig(c));
  REQUIRE(back.ok());
  CHECK(back->options.migration_jitter == std::chrono::milliseconds(2500));
  CHECK(back->options.sample_period == std::chrono::milliseconds(250));
  REQUIRE(back->timeline.size() == 2);
  CHECK(back->timeline[0].kind == ModelStepKind::kWait);
  CHECK(back->timeline[0].duration == std::chrono::milliseconds(1200));
  CHECK(back->timeline[0].label == "pause");
  // "ms" defaults to 5 s; bad values name the field.
  Result<ModelConfig> d =
      ParseModelConfig(R"({"servers": ["zk1:2181"], "timeline": [{"op": "wait"}]})");
  REQUIRE(d.ok());
  CHECK(d->timeline[0].duration == std::chrono::milliseconds(5000));
  CHECK(d->timeline[0].DefaultLabel() == "wait 5 s");
  for (const char* bad : {R"({"servers": ["zk1:2181"], "timeline": [{"op": "wait", "ms": -1}]})",
                          R"({"servers": ["zk1:2181"], "migration_jitter_ms": "3 s"})",
                          R"({"servers": ["zk1:2181"], "sample_period_ms": 0})"}) {
    CAPTURE(bad);
    Result<ModelConfig> r = ParseModelConfig(bad);
    CHECK(r.status().code() == Error::kBadArguments);
  }
  // Sampled every 250 ms: 1,200 ms of wait gives its start, its instant and its end.
  auto sim = ModelSimulator::Create(back->options).value();
  std::vector<StepReport> reports = sim.RunAll(back->timeline).value();
  CHECK(reports[0].series.size() == 3);
  CHECK(reports[0].end_ms == 1200);
  for (size_t k = 2; k + 1 < reports[1].series.size(); ++k) {
    CHECK(reports[1].series[k].time_ms - reports[1].series[k - 1].time_ms == 250);
  }
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
