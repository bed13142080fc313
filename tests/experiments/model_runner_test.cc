// The runner on the model: the same seed gives the same JSON; the
// rolling-restart scenario orders its policies as issue 3 bounds them
// (fixed-order herds to ~2.5x, herd-free <= 2.3x on the mean over seeds,
// a load-aware plan after each restart <= 1.10x at 1,000 clients);
// avalanche loses no session and jitter lowers the burst. Seeds printed.
#include "zk/experiments/model_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "zk/experiments/gnuplot_driver.h"
#include "zk/experiments/result_writers.h"

namespace zk::experiments {
namespace {

ExperimentResult Run(const std::string& name, uint64_t seed) {
  Result<Scenario> s = LoadScenario(name);
  REQUIRE(s.ok());
  OverrideSeed(&*s, seed);
  Result<ExperimentResult> r = RunModel(*s);
  REQUIRE(r.ok());
  return *r;
}

const PolicyResult& Policy(const ExperimentResult& r, const std::string& name) {
  for (const PolicyResult& p : r.policies) {
    if (p.policy == name) return p;
  }
  FAIL("no policy " << name);
  return r.policies[0];
}

double WorstAfter(const PolicyResult& p, bool inserted) {
  double w = 0;
  for (const StepResult& s : p.steps) {
    if (s.inserted == inserted) w = std::max(w, s.max_over_mean);
  }
  return w;
}

TEST_CASE("the same seed gives identical JSON, another seed another", "[experiments][model]") {
  for (const std::string& name : BuiltinScenarioNames()) {
    CAPTURE(name);
    const std::string a = ResultToJson(Run(name, 5)).dump(2);
    const std::string b = ResultToJson(Run(name, 5)).dump(2);
    CHECK(a == b);
    CHECK(ResultToCsv(Run(name, 5)) == ResultToCsv(Run(name, 5)));
    CHECK(a != ResultToJson(Run(name, 6)).dump(2));
  }
}

TEST_CASE("the JSON has the issue's fields", "[experiments][model]") {
  const nlohmann::json j = ResultToJson(Run("rolling-restart", 1));
  CHECK(j["scenario"] == "rolling-restart");
  CHECK(j["seed"] == 1);
  CHECK(j["clients"] == 1000);
  REQUIRE(j["policies"].size() == 4);
  std::vector<std::string> names;
  for (const auto& p : j["policies"]) names.push_back(p["policy"]);
  CHECK(names == std::vector<std::string>{"fixed-order", "herd-free", "shed", "load-aware"});
  const auto& step = j["policies"][0]["steps"][0];
  for (const char* key :
       {"step", "counts", "movers", "min_movers", "max_over_mean", "settle_ms", "sessions_lost"}) {
    CAPTURE(key);
    CHECK(step.contains(key));
  }
  CHECK(step["counts"].size() == 3);
}

TEST_CASE("rolling restart: fixed order worst, load-aware best, within the issue's bounds",
          "[experiments][model][statistics]") {
  constexpr int kSeeds = 20;
  double fixed = 0, herd = 0, shed = 0, plan = 0, plan_worst = 0;
  for (uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const ExperimentResult r = Run("rolling-restart", seed);
    const double f = WorstAfter(Policy(r, "fixed-order"), false);
    const double h = WorstAfter(Policy(r, "herd-free"), false);
    const double sh = WorstAfter(Policy(r, "shed"), true);
    const double la = WorstAfter(Policy(r, "load-aware"), true);
    std::cout << fmt::format(
        "# seed {:2}: worst max/mean fixed-order {:.3f} herd-free {:.3f} after shedding {:.3f} "
        "after a load-aware plan {:.3f}\n",
        seed, f, h, sh, la);
    CAPTURE(seed, f, h, sh, la);
    CHECK(f >= 2.3);    // Java's structural 2.5
    CHECK(h < 2.4);     // herd-free: 2.25 plus noise
    CHECK(la <= 1.10);  // two passes: every seed
    CHECK(la < h);
    CHECK(h < f);
    for (const PolicyResult& p : r.policies) {
      for (const StepResult& s : p.steps) CHECK(s.sessions_lost == 0);
    }
    fixed += f;
    herd += h;
    shed += sh;
    plan += la;
    plan_worst = std::max(plan_worst, la);
  }
  std::cout << fmt::format(
      "# mean over {} seeds: fixed-order {:.3f} herd-free {:.3f} shed {:.3f} load-aware {:.3f} "
      "(worst {:.3f})\n",
      kSeeds, fixed / kSeeds, herd / kSeeds, shed / kSeeds, plan / kSeeds, plan_worst);
  CHECK(fixed / kSeeds >= 2.4);
  CHECK(herd / kSeeds <= 2.3);
  CHECK(plan / kSeeds <= 1.10);
  CHECK(fixed > herd);
  CHECK(herd > shed);
  CHECK(shed > plan);
}

TEST_CASE("avalanche: no session lost; jitter and gradual shedding lower the burst",
          "[experiments][model]") {
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    CAPTURE(seed);
    const ExperimentResult r = Run("avalanche", seed);
    auto peak = [](const PolicyResult& p) {
      uint64_t m = 0;
      for (const StepResult& s : p.steps) {
        if (s.op == "crash") m = std::max(m, s.peak_connects_per_s);
        CHECK(s.sessions_lost == 0);
      }
      return m;
    };
    const uint64_t none = peak(Policy(r, "no-jitter"));
    const uint64_t jitter = peak(Policy(r, "jitter-5s"));
    const uint64_t gradual = peak(Policy(r, "gradual-shed"));
    std::cout << fmt::format(
        "# seed {}: peak connects/s no jitter {} / 0-5 s jitter {} / "
        "gradual shedding {}\n",
        seed, none, jitter, gradual);
    CHECK(none == 500);   // all at the crash's instant
    CHECK(jitter < 200);  // 500 over 5 s: ~100 in a second, + noise
    CHECK(none > 3 * jitter);
    CHECK(gradual < jitter);
    // The reconnects of the crash land within its jitter; the wait lasts 10 s.
    for (const PolicyResult& p : r.policies) {
      CAPTURE(p.policy);
      for (size_t i = 0; i < p.steps.size(); ++i) {
        const StepResult& s = p.steps[i];
        CAPTURE(s.step);
        REQUIRE(s.settle_ms.has_value());
        CHECK(*s.settle_ms >= 0);
        CHECK(*s.settle_ms <= double(p.failover_jitter_ms));
        if (p.failover_jitter_ms == 0) CHECK(*s.settle_ms == 0);
        if (s.op == "wait") CHECK(p.steps[i + 1].time_ms == s.time_ms + 10000);
      }
    }
  }
}

TEST_CASE("paper 5.1: moves settle within the migration jitter; without it at once",
          "[experiments][model][time]") {
  Result<Scenario> sc = LoadScenario("paper-5.1");
  REQUIRE(sc.ok());
  for (int64_t jitter : {5000, 2000, 0}) {
    for (ScenarioPolicy& p : sc->policies)
      p.options.migration_jitter = std::chrono::milliseconds(jitter);
    for (uint64_t seed : {1, 2, 3}) {
      CAPTURE(jitter, seed);
      OverrideSeed(&*sc, seed);
      Result<ExperimentResult> r = RunModel(*sc);
      REQUIRE(r.ok());
      for (const PolicyResult& p : r->policies) {
        CAPTURE(p.policy);
        CHECK(p.migration_jitter_ms == jitter);
        double clock = 0;
        for (const StepResult& s : p.steps) {
          CAPTURE(s.step);
          REQUIRE(s.settle_ms.has_value());
          CHECK(s.time_ms >= clock);
          clock = s.time_ms + *s.settle_ms;
          if (s.op == "wait") {
            CHECK(*s.settle_ms == 0);
            CHECK(s.series.back().time_ms == s.time_ms + 5000);
            continue;
          }
          // A migration's first attempt has no delay of its own: the last
          // move comes within the jitter; with ~100+ movers near its end.
          CHECK(*s.settle_ms <= double(jitter));
          if (s.movers >= 90 && jitter > 0) CHECK(*s.settle_ms >= 0.9 * double(jitter));
          if (jitter == 0) CHECK(*s.settle_ms == 0);
          REQUIRE(!s.series.empty());
          CHECK(s.series.back().counts == s.counts);
        }
        // Each wait lasts 5 s: the timeline spans 3 waits plus the moves.
        const StepResult& last = p.steps.back();
        CHECK(last.time_ms >= 15000);
        CHECK(last.time_ms <= 15000 + 3 * double(jitter));
      }
    }
  }
}

TEST_CASE("the CSV is a time series of every step's samples", "[experiments][model][time]") {
  const ExperimentResult r = Run("avalanche", 1);
  const std::string csv = ResultToCsv(r);
  CHECK(csv.rfind("policy,t,step,op,time_ms,server,up,count\n", 0) == 0);
  size_t expected = 1;
  for (const PolicyResult& p : r.policies) {
    expected += p.start.series.size() * p.start.servers.size();
    for (const StepResult& s : p.steps) expected += s.series.size() * s.servers.size();
  }
  CHECK(size_t(std::count(csv.begin(), csv.end(), '\n')) == expected);
  // The jittered crash: zk2 grows over ~5 s, sampled every 100 ms.
  const PolicyResult& p = Policy(r, "jitter-5s");
  const StepResult& crash = p.steps[0];
  REQUIRE(crash.op == "crash");
  CHECK(crash.series.size() > 45);
  CHECK(crash.series.front().counts[0] == 500);
  CHECK(crash.series.back().counts[0] == 0);
  CHECK(csv.find(fmt::format("jitter-5s,1,\"zk1 dies\",crash,{:.0f},zk2:2181,1,",
                             crash.series[20].time_ms)) != std::string::npos);
}

TEST_CASE("plots: the time series' data, script and (with gnuplot) images",
          "[experiments][model][time]") {
  const ExperimentResult r = Run("avalanche", 1);
  const std::string dir =
      (std::filesystem::temp_directory_path() / fmt::format("zkbalance-plot-test-{}", ::getpid()))
          .string();
  Result<std::vector<std::string>> files = Plot(r, dir);
  REQUIRE(files.ok());
  auto has = [&](const std::string& name) {
    return std::find(files->begin(), files->end(), dir + "/" + name) != files->end();
  };
  CHECK(has("avalanche-time.dat"));
  CHECK(has("avalanche.gp"));
  std::ifstream in(dir + "/avalanche-time.dat");
  std::stringstream text;
  text << in.rdbuf();
  const std::string dat = text.str();
  // Per policy: its samples, then the trailing-second connects, whose
  // maximum is the policy's peak_connects_per_s (within the 100 ms grid).
  CHECK(dat.find("# no-jitter\n") != std::string::npos);
  CHECK(dat.find("# jitter-5s connects in the trailing second\n") != std::string::npos);
  CHECK(dat.find("\n0.000 500\n") != std::string::npos);  // no jitter: all 500 at once
  if (GnuplotInstalled()) {
    for (const char* image : {"avalanche-time.png", "avalanche-time.svg"}) {
      CAPTURE(image);
      CHECK(has(image));
      CHECK(std::filesystem::file_size(dir + "/" + image) > 1000);
    }
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a wait's ms and the migration jitter are validated", "[experiments][model][time]") {
  auto scenario = [](const std::string& wait, const std::string& jitter) {
    return fmt::format(
        R"({{"name": "t", "clients": 10, "servers": ["zk1:2181", "zk2:2181"]{},
            "timeline": [{{"op": "crash", "server": "zk1:2181"}}, {}],
            "policies": [{{"policy": "p"}}]}})",
        jitter, wait);
  };
  Result<Scenario> ok = ParseScenario(
      scenario(R"({"op": "wait", "ms": 250})", R"(, "migration_jitter_ms": 100)"), "ok.json");
  REQUIRE(ok.ok());
  CHECK(ok->policies[0].options.migration_jitter == std::chrono::milliseconds(100));
  Result<ExperimentResult> r = RunModel(*ok);
  REQUIRE(r.ok());
  CHECK(r->policies[0].steps[1].time_ms ==
        r->policies[0].steps[0].time_ms + *r->policies[0].steps[0].settle_ms);
  CHECK(r->policies[0].steps[1].series.back().time_ms == r->policies[0].steps[1].time_ms + 250);
  for (const char* bad : {R"({"op": "wait", "ms": -5})", R"({"op": "wait", "ms": "5 s"})",
                          R"({"op": "wait", "ms": 1.5})"}) {
    CAPTURE(bad);
    // Checked once, when the scenario is parsed, naming the step and field.
    Result<Scenario> s = ParseScenario(scenario(bad, ""), "bad.json");
    REQUIRE(!s.ok());
    CHECK(s.status().code() == Error::kBadArguments);
    CHECK_THAT(s.status().message(), Catch::StartsWith("bad.json: timeline[1].ms"));
  }
  Result<Scenario> neg =
      ParseScenario(scenario(R"({"op": "wait"})", R"(, "migration_jitter_ms": -1)"), "neg.json");
  REQUIRE(!neg.ok());
  CHECK_THAT(neg.status().message(), Catch::Contains("migration_jitter_ms"));
}

TEST_CASE("imbalanced start: the exact plan moves exactly the minimum", "[experiments][model]") {
  const ExperimentResult r = Run("imbalanced-start", 1);
  const PolicyResult& exact = Policy(r, "exact");
  CHECK(exact.total_movers == 566);
  CHECK(exact.steps.back().counts == std::vector<uint64_t>{334, 333, 333});
  CHECK(Policy(r, "load-aware").total_movers <= 1.10 * 566);
}

}  // namespace
}  // namespace zk::experiments
