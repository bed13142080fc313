#include "zk/hostprovider/plan_json.h"

#include <catch2/catch.hpp>

#include "test_util.h"
#include "zk/hostprovider/exact_plan.h"

namespace zk {
namespace {

using testing::Hp;

RebalancePlan Sample() {
  std::vector<ServerSessions> s = {{Hp("zk1"), 10, true, {1, 2, 3, 0xffffffffffffffffULL}},
                                   {Hp("::1"), 0, true, {}},
                                   {Hp("zk3", 2182), 2, false, {}}};
  s[0].connections = 10;
  return ComputeExactPlan(42, s).value();
}

TEST_CASE("plans round-trip through JSON", "[plan_json]") {
  const RebalancePlan p = Sample();
  const std::string text = SerializePlan(p);
  INFO(text);
  CHECK(text.find("\"[::1]:2181\"") != std::string::npos);
  CHECK(text.find("\"0xffffffffffffffff\"") != std::string::npos);
  Result<RebalancePlan> back = ParsePlan(text);
  REQUIRE(back.ok());
  CHECK(back->version == 42);
  REQUIRE(back->servers.size() == p.servers.size());
  for (size_t i = 0; i < p.servers.size(); ++i) {
    CHECK(back->servers[i].server == p.servers[i].server);
    CHECK(back->servers[i].load == p.servers[i].load);
    CHECK(back->servers[i].target == p.servers[i].target);
    CHECK(back->servers[i].move_probability == p.servers[i].move_probability);
    CHECK(back->servers[i].weight == p.servers[i].weight);
  }
  REQUIRE(back->sessions.size() == p.sessions.size());
  for (size_t i = 0; i < p.sessions.size(); ++i) {
    CHECK(back->sessions[i].session_id == p.sessions[i].session_id);
    CHECK(back->sessions[i].to == p.sessions[i].to);
  }
  CHECK(SerializePlan(back.value()) == text);
}

TEST_CASE("plan JSON: optional parts, numbers for ids, unknown keys", "[plan_json]") {
  auto p = ParsePlan(R"({"type":"zkbalance-plan","format":1,"version":"0x10","extra":true,
    "servers":[{"server":"ZK1:2181","move_probability":0.5,"weight":0},
               {"server":"zk2:2181","move_probability":0,"weight":1}],
    "sessions":[{"session":5,"to":"zk2:2181"}]})");
  REQUIRE(p.ok());
  CHECK(p->version == 16);
  CHECK(p->servers[0].server == Hp("zk1"));
  CHECK(p->sessions[0].session_id == 5);
  CHECK(p->shed.empty());
}

TEST_CASE("malformed plans are rejected with a clear error", "[plan_json]") {
  const std::string head = R"({"type":"zkbalance-plan","format":1,"version":1,)";
  const std::string ok_servers = R"("servers":[{"server":"a:1","move_probability":0.1,"weight":0},)"
                                 R"({"server":"b:1","move_probability":0,"weight":2}])";
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"{", "not valid JSON"},
      {"[]", "not a JSON object"},
      {R"({"type":"other"})", "plan.type"},
      {R"({"type":"zkbalance-plan","format":2,"version":1,"servers":[]})", "format 2"},
      {R"({"type":"zkbalance-plan","format":1,"servers":[]})", "plan.version: missing"},
      {head + R"("servers":{}})", "plan.servers: not an array"},
      {head + R"("servers":[]})", "no servers"},
      {head + R"("servers":[{"server":"a","move_probability":0,"weight":0}]})",
       "plan.servers[0].server"},
      {head + R"("servers":[{"server":"a:99999","move_probability":0,"weight":0}]})",
       "port must be 1..65535"},
      {head + R"("servers":[{"server":"a:1","move_probability":1.5,"weight":0}]})",
       "servers[0].move_probability: 1.5 is not in [0, 1]"},
      {head + R"("servers":[{"server":"a:1","move_probability":"x","weight":0}]})",
       "servers[0].move_probability: not a number"},
      {head + R"("servers":[{"server":"a:1","move_probability":0,"weight":-1}]})",
       "servers[0].weight"},
      {head + R"("servers":[{"server":"a:1","move_probability":0,"weight":0},)"
              R"({"server":"A:1","move_probability":0,"weight":0}]})",
       "listed twice"},
      {head + ok_servers + R"(,"sessions":[{"session":"12","to":"a:1"}]})", "sessions[0].session"},
      {head + ok_servers + R"(,"sessions":[{"session":-3,"to":"a:1"}]})", "negative"},
      {head + ok_servers + R"(,"sessions":[{"session":2,"to":"c:1"}]})",
       "sessions[0].to: c:1 is not a server of the plan"},
      {head + ok_servers + R"(,"sessions":[{"session":2,"to":"a:1"},{"session":1,"to":"a:1"}]})",
       "out of order"},
      {head + ok_servers + R"(,"shed":[{"server":"a:1"}]})", "shed[0].count: missing"},
      {head + R"("servers":[{"server":"[::1:1","move_probability":0,"weight":0}]})", "unclosed"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<RebalancePlan> p = ParsePlan(c.text);
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == Error::kBadArguments);
    CAPTURE(p.status().message());
    CHECK(p.status().message().find(c.error) != std::string::npos);
  }
}

TEST_CASE("server addresses", "[plan_json]") {
  CHECK(ParseServerAddress("Zk1:2181").value() == Hp("zk1"));
  CHECK(ParseServerAddress("[FE80::1]:2181").value() == Hp("fe80::1"));
  CHECK_FALSE(ParseServerAddress("fe80::1:2181").ok());
  CHECK_FALSE(ParseServerAddress(":2181").ok());
  CHECK_FALSE(ParseServerAddress("a:0").ok());
  CHECK_FALSE(ParseServerAddress("a:21x").ok());
  CHECK_FALSE(ParseServerAddress("a,b:1").ok());
}

}  // namespace
}  // namespace zk
