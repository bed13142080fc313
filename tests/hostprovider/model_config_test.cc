#include "zk/hostprovider/model_config.h"

#include <catch2/catch.hpp>

#include "test_util.h"

namespace zk {
namespace {

using testing::Hp;
using testing::Range;

TEST_CASE("model configs round-trip through JSON", "[model_config]") {
  ModelConfig c;
  c.options.clients = 1234;
  c.options.seed = 0xdeadbeefcafeULL;
  c.options.provider.failover = FailoverPolicy::kFixedOrder;
  c.options.provider.migration = MigrationPolicy::kLoadAware;
  c.options.provider.round_delay = std::chrono::milliseconds(250);
  c.options.provider.failover_jitter = std::chrono::milliseconds(20);
  c.options.follower_fraction = 0.75;
  c.options.servers = {Hp("zk1"), Hp("::1", 2182), Hp("zk3")};
  c.options.initial_counts = {1000, 200, 34};
  c.timeline = {ModelStep::Reconfigure(Range(1, 2), "shrink"),
                ModelStep::Restart(Hp("s1")),
                ModelStep::Crash(Hp("s2")),
                ModelStep::Recover(Hp("s2")),
                ModelStep::Plan(3),
                ModelStep::ExactPlan(),
                ModelStep::Shed(Hp("s1"), 0.25)};
  const std::string text = SerializeModelConfig(c);
  INFO(text);
  Result<ModelConfig> back = ParseModelConfig(text);
  REQUIRE(back.ok());
  CHECK(SerializeModelConfig(back.value()) == text);
  const ModelOptions& o = back->options;
  CHECK(o.clients == 1234);
  CHECK(o.seed == 0xdeadbeefcafeULL);
  CHECK(o.provider.failover == FailoverPolicy::kFixedOrder);
  CHECK(o.provider.migration == MigrationPolicy::kLoadAware);
  CHECK(o.provider.round_delay.count() == 250);
  CHECK(o.provider.failover_jitter.count() == 20);
  CHECK(o.follower_fraction == 0.75);
  CHECK(o.servers == c.options.servers);
  CHECK(o.initial_counts == c.options.initial_counts);
  REQUIRE(back->timeline.size() == 7);
  CHECK(back->timeline[0].label == "shrink");
  CHECK(back->timeline[0].servers == Range(1, 2));
  CHECK(back->timeline[4].passes == 3);
  CHECK(back->timeline[6].fraction == 0.25);
  CHECK(back->timeline[6].server == Hp("s1"));
}

TEST_CASE("a minimal model config takes the defaults and runs", "[model_config]") {
  auto c = ParseModelConfig(R"({"servers":["a:1","b:1"],"timeline":[{"op":"plan"}]})");
  REQUIRE(c.ok());
  CHECK(c->options.clients == ModelOptions{}.clients);
  CHECK(c->options.provider.failover == FailoverPolicy::kHerdFree);
  auto sim = ModelSimulator::Create(c->options);
  REQUIRE(sim.ok());
  auto reports = sim->RunAll(c->timeline);
  REQUIRE(reports.ok());
  CHECK(StepReportToJson(reports->at(0))["label"] == "plan");
}

TEST_CASE("malformed model configs are rejected with a clear error", "[model_config]") {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"nope", "not valid JSON"},
      {R"({"clients":5})", "model.servers: missing"},
      {R"({"servers":[]})", "model.servers: empty"},
      {R"({"servers":["a"]})", "model.servers[0]"},
      {R"({"servers":["a:1"],"clients":0})", "model.clients"},
      {R"({"servers":["a:1"],"failover":"random"})", "unknown policy \"random\""},
      {R"({"servers":["a:1"],"migration":"magic"})", "model.migration"},
      {R"({"servers":["a:1"],"follower_fraction":2})", "model.follower_fraction"},
      {R"({"servers":["a:1"],"initial_counts":[-1]})", "initial_counts[0]"},
      {R"({"servers":["a:1"],"timeline":[{"op":"explode"}]})", "timeline[0].op"},
      {R"({"servers":["a:1"],"timeline":[{"op":"shed","server":"a:1","fraction":1.5}]})",
       "timeline[0].fraction"},
      {R"({"servers":["a:1"],"timeline":[{"op":"crash"}]})", "timeline[0].server: missing"},
      {R"({"servers":["a:1"],"timeline":[{"op":"reconfigure"}]})", "timeline[0].servers"},
      {R"({"servers":["a:1"],"timeline":[{"op":"plan","passes":0}]})", "timeline[0].passes"},
      {R"({"type":"zkbalance-plan","servers":["a:1"]})", "model.type"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<ModelConfig> r = ParseModelConfig(c.text);
    REQUIRE_FALSE(r.ok());
    CAPTURE(r.status().message());
    CHECK(r.status().message().find(c.error) != std::string::npos);
  }
}

}  // namespace
}  // namespace zk
