// Scenario files: the built-in ones parse; bad files fail with a message that
// names the file and the field.
#include "zk/experiments/scenario.h"

#include <catch2/catch.hpp>
#include <string>

namespace zk::experiments {
namespace {

Status Parse(const std::string& text) {
  Result<Scenario> s = ParseScenario(text, "bad.json");
  return s.status();
}

TEST_CASE("every built-in scenario loads", "[experiments][scenario]") {
  for (const std::string& name : BuiltinScenarioNames()) {
    Result<Scenario> s = LoadScenario(name);
    CAPTURE(name, s.status().ToString());
    REQUIRE(s.ok());
    CHECK(s->name == name);
    CHECK(s->origin == "builtin:" + name);
    CHECK(!s->policies.empty());
    for (const ScenarioPolicy& p : s->policies) {
      CHECK(!p.steps.empty());
    }
  }
}

TEST_CASE("policies: overrides, before/after insertion and time positions",
          "[experiments][scenario]") {
  Result<Scenario> s = ParseScenario(R"({
    "type": "zkbalance-scenario", "name": "x", "clients": 10, "seed": 3,
    "servers": ["a:1", "b:1"],
    "timeline": [{"op": "restart", "server": "a:1"}, {"op": "wait"}],
    "policies": [
      {"policy": "p1", "failover": "fixed-order"},
      {"policy": "p2", "after": {"restart": [{"op": "plan"}, {"op": "shed", "server": "busiest", "fraction": 0.5}]},
                       "before": {"restart": [{"op": "exact-plan"}]}},
      {"policy": "p3", "timeline": [{"op": "plan"}]}
    ]})",
                                     "t.json");
  REQUIRE(s.ok());
  REQUIRE(s->policies.size() == 3);
  CHECK(s->seed == 3);
  CHECK(s->clients == 10);
  CHECK(s->policies[0].options.provider.failover == FailoverPolicy::kFixedOrder);
  CHECK(s->policies[1].options.provider.failover == FailoverPolicy::kHerdFree);
  CHECK(s->policies[0].steps.size() == 2);
  REQUIRE(s->policies[1].steps.size() == 5);
  std::vector<double> t;
  std::vector<uint8_t> inserted;
  std::vector<std::string> ops;
  for (const ScenarioStep& step : s->policies[1].steps) {
    t.push_back(step.t);
    inserted.push_back(step.inserted);
    ops.emplace_back(step.op());
  }
  CHECK(t == std::vector<double>{0.5, 1, 1 + 1 / 3.0, 1 + 2 / 3.0, 2});
  CHECK(inserted == std::vector<uint8_t>{1, 0, 1, 1, 0});
  CHECK(ops == std::vector<std::string>{"exact-plan", "restart", "plan", "shed", "wait"});
  CHECK(s->policies[2].steps.size() == 1);
}

TEST_CASE("--clients scales a placed start exactly", "[experiments][scenario]") {
  Result<Scenario> s = LoadScenario("imbalanced-start");
  REQUIRE(s.ok());
  OverrideClients(&*s, 10000);
  CHECK(s->policies[0].options.initial_counts == std::vector<uint64_t>{9000, 500, 500});
  OverrideClients(&*s, 7);
  uint64_t sum = 0;
  for (uint64_t c : s->policies[0].options.initial_counts) sum += c;
  CHECK(sum == 7);
  OverrideSeed(&*s, 99);
  CHECK(s->seed == 99);
  CHECK(s->policies[2].options.seed == 99);
}

TEST_CASE("bad scenario files fail with clear errors", "[experiments][scenario]") {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"{", "bad.json: not valid JSON"},
      {"[]", "bad.json: not a JSON object"},
      {R"({"type": "other", "name": "x"})", "bad.json: type: is not \"zkbalance-scenario\""},
      {R"({"servers": ["a:1"], "policies": [{"policy": "p"}]})", "bad.json: name: missing"},
      {R"({"name": "x", "policies": [{"policy": "p"}]})", "bad.json: servers: missing"},
      {R"({"name": "x", "servers": ["a:1"]})", "bad.json: policies: missing"},
      {R"({"name": "x", "servers": ["a:1"], "policies": [{}]})",
       "bad.json: policies[0].policy: missing"},
      {R"({"name": "x", "servers": ["a:1"], "policies": [{"policy": "p", "colour": 1}]})",
       "bad.json: policies[0].colour: unknown key"},
      {R"({"name": "x", "servers": ["a:1"], "policies": [{"policy": "p"}, {"policy": "p"}]})",
       "bad.json: policies[1].policy: \"p\" appears twice"},
      {R"({"name": "x", "servers": ["a:1"], "policies": [{"policy": "p", "failover": "random"}]})",
       "bad.json: policies[0]: model.failover"},
      {R"({"name": "x", "servers": ["a:1"], "timeline": [{"op": "explode"}],
           "policies": [{"policy": "p"}]})",
       "bad.json: timeline[0].op: \"explode\" is not one of"},
      {R"({"name": "x", "servers": ["a:1"],
           "timeline": [{"op": "shed", "server": "busiest", "fraction": 1.5}],
           "policies": [{"policy": "p"}]})",
       "bad.json: timeline[0].fraction: 1.5 is not in [0, 1]"},
      {R"({"name": "x", "servers": ["a:1"], "policies": [{"policy": "p",
           "after": {"crash": [{"op": "plan", "passes": 0}]},
           "timeline": [{"op": "crash", "server": "a:1"}]}]})",
       "bad.json: policies[0].after.crash[0].passes: 0 is not in [1, 100]"},
      {R"({"name": "x", "servers": ["a:1"], "policies": [{"policy": "p",
           "timeline": [{"op": "plan"}, {"op": "wait", "ms": "5 s", "label": "pause"}]}]})",
       "bad.json: policies[0].timeline[1].ms"},
      {R"({"name": "x", "servers": ["a:1"], "timeline": {},
           "policies": [{"policy": "p"}]})",
       "bad.json: timeline: not an array"},
  };
  for (const Case& c : cases) {
    const Status st = Parse(c.text);
    CAPTURE(c.text, st.ToString());
    REQUIRE(!st.ok());
    CHECK(st.code() == Error::kBadArguments);
    CHECK(st.message().rfind(c.message, 0) == 0);
  }
}

TEST_CASE("an unknown scenario name lists the built-in ones", "[experiments][scenario]") {
  Result<Scenario> s = LoadScenario("no-such-scenario");
  REQUIRE(!s.ok());
  CHECK(s.status().message().find("rolling-restart, paper-5.1") != std::string::npos);
}

TEST_CASE("end-to-end keys: shed by count/target, reconfigure mode and observers",
          "[experiments][scenario]") {
  auto with = [](const std::string& step) {
    return R"({"type": "zkbalance-scenario", "name": "x", "servers": ["a:1", "b:1", "c:1"],
               "policies": [{"policy": "p", "timeline": [)" +
           step + "]}]}";
  };
  Result<Scenario> ok =
      ParseScenario(with(R"({"op": "shed", "server": "a:1", "count": 5, "window_ms": 200},
              {"op": "shed", "server": "busiest", "target": 3},
              {"op": "wait", "ms": 0},
              {"op": "reconfigure", "servers": ["a:1", "b:1"], "mode": "bulk"},
              {"op": "reconfigure", "servers": ["a:1", "b:1", "c:1"], "observers": ["c:1"]})"),
                    "e2e.json");
  CAPTURE(ok.status().ToString());
  REQUIRE(ok.ok());
  const std::vector<ScenarioStep>& steps = ok->policies[0].steps;
  REQUIRE(steps.size() == 5);
  const auto* shed = std::get_if<ShedStep>(&steps[0].action);
  REQUIRE(shed != nullptr);
  CHECK(shed->count == std::optional<uint32_t>(5));
  CHECK(shed->window_ms == 200);
  CHECK(shed->server.server == HostPort{"a", 1});
  const auto* busiest = std::get_if<ShedStep>(&steps[1].action);
  REQUIRE(busiest != nullptr);
  CHECK(busiest->server.busiest);
  CHECK(busiest->target == std::optional<uint32_t>(3));
  REQUIRE(std::holds_alternative<WaitStep>(steps[2].action));
  CHECK(std::get<WaitStep>(steps[2].action).duration == std::chrono::milliseconds(0));
  const auto* bulk = std::get_if<ReconfigureStep>(&steps[3].action);
  REQUIRE(bulk != nullptr);
  CHECK(bulk->bulk);
  const auto* obs = std::get_if<ReconfigureStep>(&steps[4].action);
  REQUIRE(obs != nullptr);
  CHECK(!obs->bulk);
  CHECK(obs->observers == std::vector<HostPort>{HostPort{"c", 1}});
  // The model sheds fractions only: a shed by count is refused when it runs.
  Result<ModelStep> m = ToModelStep(steps[0], HostPort{"a", 1});
  REQUIRE(!m.ok());
  CHECK(m.status().message().find("end to end only") != std::string::npos);

  const std::pair<std::string, std::string> bad[] = {
      {R"({"op": "shed", "server": "a:1", "count": 5, "target": 2})", "one of fraction"},
      {R"({"op": "shed", "server": "a:1", "count": -1})", "timeline[0].count: -1 is not"},
      {R"({"op": "shed", "server": "a:1", "fraction": 0.5, "window_ms": "x"})",
       "timeline[0].window_ms"},
      {R"({"op": "reconfigure", "servers": ["a:1"], "mode": "fast"})", "timeline[0].mode"},
      {R"({"op": "plan"}, {"op": "reconfigure", "servers": ["a:1", "b:1"], "observers": ["c:1"]})",
       "timeline[1].observers[0]: \"c:1\" is not one of the step's servers"},
  };
  for (const auto& [step, what] : bad) {
    Status st = Parse(with(step));
    CAPTURE(step, st.ToString());
    CHECK(st.code() == Error::kBadArguments);
    CHECK(st.message().find("bad.json: policies[0]") != std::string::npos);
    CHECK(st.message().find(what) != std::string::npos);
  }
}

}  // namespace
}  // namespace zk::experiments
