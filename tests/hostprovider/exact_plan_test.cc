#include "zk/hostprovider/exact_plan.h"

#include <catch2/catch.hpp>
#include <map>

#include "test_util.h"
#include "zk/hostprovider/follower_registry.h"

namespace zk {
namespace {

using testing::Hp;

std::vector<uint64_t> Ids(uint64_t first, uint64_t count) {
  std::vector<uint64_t> out;
  for (uint64_t i = 0; i < count; ++i) out.push_back(first + i);
  return out;
}

TEST_CASE("exact plan for 900/50/50: exactly the minimum, every server on target", "[exact]") {
  std::vector<ServerSessions> s = {{Hp("a"), 900, true, Ids(1, 900)},
                                   {Hp("b"), 50, true, Ids(1001, 50)},
                                   {Hp("c"), 50, true, Ids(2001, 50)}};
  const RebalancePlan p = ComputeExactPlan(1, s).value();
  REQUIRE(p.Validate().ok());
  CHECK(p.sessions.size() == 566);  // 900 - 334
  CHECK(p.shed.empty());
  std::map<std::string, int> in;
  for (const SessionMove& m : p.sessions) {
    CHECK(m.session_id <= 900);  // only sessions of a move
    ++in[m.to.host];
  }
  CHECK(in["b"] == 283);
  CHECK(in["c"] == 283);
  CHECK(in.count("a") == 0);
  for (const PlanServer& ps : p.servers) CHECK(ps.move_probability == 0.0);
}

TEST_CASE("exact plan: what followers cannot move is shed", "[exact]") {
  // Only 100 of a's 900 sessions follow plans.
  std::vector<ServerSessions> s = {
      {Hp("a"), 900, true, Ids(1, 100)}, {Hp("b"), 50, true, {}}, {Hp("c"), 50, true, {}}};
  const RebalancePlan p = ComputeExactPlan(1, s).value();
  CHECK(p.sessions.size() == 100);
  REQUIRE(p.shed.size() == 1);
  CHECK(p.shed[0].server == Hp("a"));
  CHECK(p.shed[0].count == 466);
  // Remaining deficits are the destination weights of probabilistic moves.
  CHECK(p.servers[1].weight + p.servers[2].weight == 466);
}

TEST_CASE("exact plan: servers with unknown sessions get the probabilistic form", "[exact]") {
  std::vector<ServerSessions> s = {
      {Hp("a"), 600, false, {}}, {Hp("b"), 300, true, Ids(1, 300)}, {Hp("c"), 0, true, {}}};
  const RebalancePlan p = ComputeExactPlan(7, s).value();
  CHECK(p.servers[0].move_probability == Approx(300.0 / 600));
  CHECK(p.sessions.empty());
  CHECK(p.servers[2].weight == 300);
}

TEST_CASE("exact plan rejects inconsistent input", "[exact]") {
  std::vector<ServerSessions> s = {{Hp("a"), 1, true, Ids(1, 2)}};
  CHECK(ComputeExactPlan(1, s).status().code() == Error::kBadArguments);
  s = {{Hp("a"), 2, true, {5}}, {Hp("b"), 2, true, {5}}};
  CHECK(ComputeExactPlan(1, s).status().code() == Error::kBadArguments);
  CHECK(ComputeExactPlan(1, {}).status().code() == Error::kBadArguments);
}

TEST_CASE("follower registry: znode names and the join with cons", "[exact]") {
  CHECK(FollowerZnodeName(0x1000000a0b0c0d0ULL) == "0x01000000a0b0c0d0");
  CHECK(FollowerZnodePath(1) == "/zkbalance/followers/0x0000000000000001");
  CHECK(ParseFollowerZnodeName("0x01000000a0b0c0d0") == 0x1000000a0b0c0d0ULL);
  CHECK_FALSE(ParseFollowerZnodeName("0x1").has_value());
  CHECK_FALSE(ParseFollowerZnodeName("0x01000000A0B0C0D0").has_value());
  CHECK_FALSE(ParseFollowerZnodeName("lock-0000000001").has_value());

  std::vector<ServerConnections> cons = {
      {Hp("a"), true, 0, {1, 2, 3, 4}}, {Hp("b"), true, 0, {5, 4}}, {Hp("c"), false, 7, {}}};
  const std::vector<std::string> children = {FollowerZnodeName(2), FollowerZnodeName(4),
                                             FollowerZnodeName(5), "junk"};
  const std::vector<ServerSessions> joined = JoinFollowers(cons, children);
  REQUIRE(joined.size() == 3);
  CHECK(joined[0].connections == 4);
  CHECK(joined[0].followers == std::vector<uint64_t>{2, 4});
  CHECK(joined[1].connections == 1);  // session 4 counted on a only
  CHECK(joined[1].followers == std::vector<uint64_t>{5});
  CHECK_FALSE(joined[2].sessions_known);
  CHECK(joined[2].connections == 7);
  CHECK(ComputeExactPlan(1, joined).ok());
}

}  // namespace
}  // namespace zk
