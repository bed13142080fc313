// Plan following against the real ensemble (docs/hostprovider.md): sessions
// that all sit on one server follow an operator's load-aware plan znode;
// each plan version is applied once; followers register under
// /zkbalance/followers.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "test_util.h"
#include "zk/hostprovider/follower_registry.h"
#include "zk/hostprovider/plan_json.h"
#include "zk/hostprovider/rebalance_plan.h"
#include "zk/wire/connect_string.h"

using namespace zk::test;

namespace {

constexpr int kSessions = 60;

std::map<zk::HostPort, uint64_t> Counts(const std::vector<std::shared_ptr<zk::Client>>& cs,
                                        const std::vector<zk::HostPort>& servers) {
  std::map<zk::HostPort, uint64_t> m;
  for (const auto& s : servers) m[s] = 0;
  for (const auto& c : cs) {
    auto cur = c->current_server();
    if (cur) ++m[*cur];
  }
  return m;
}

bool AllConnected(const std::vector<std::shared_ptr<zk::Client>>& cs) {
  return std::all_of(cs.begin(), cs.end(), [](const auto& c) {
    return c->state() == zk::SessionState::kConnected && c->current_server().has_value();
  });
}

zk::RebalancePlan PlanFor(uint64_t version, const std::map<zk::HostPort, uint64_t>& counts) {
  std::vector<zk::ServerLoad> loads;
  for (const auto& [hp, n] : counts) loads.push_back(zk::ServerLoad{hp, n});
  auto plan = zk::ComputeLoadAwarePlan(version, loads);
  REQUIRE(plan.ok());
  return plan.value();
}

}  // namespace

TEST_CASE("plan following: a skewed start is rebalanced, each version once, followers registered",
          "[plan][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto all = zk::wire::ParseConnectString(ens.connect);
  REQUIRE(all.ok());
  const std::vector<zk::HostPort> servers = all->hosts;
  REQUIRE(servers.size() == 3);
  const std::string plan_path = UniquePath("plan");

  // Skewed start: everyone connects to the first server, then learns the
  // whole list without migrating (migration none, tracking off).
  std::vector<std::shared_ptr<zk::Client>> cs;
  for (int i = 0; i < kSessions; ++i) {
    auto o = Options(servers[0].ToString());
    o.plan_path = plan_path;
    o.tracking_jitter = 300ms;
    o.random_seed = 1000 + static_cast<uint64_t>(i);
    o.host_provider.migration = zk::MigrationPolicy::kNone;
    auto c = zk::Client::Create(lr.loop(), o);
    REQUIRE(c.ok());
    cs.push_back(c.value());
  }
  REQUIRE(lr.RunUntil([&] { return AllConnected(cs); }));
  for (auto& c : cs) REQUIRE(c->UpdateServerList(ens.connect).ok());
  lr.RunFor(500ms);
  REQUIRE(lr.RunUntil([&] { return AllConnected(cs); }));
  auto before = Counts(cs, servers);
  REQUIRE(before[servers[0]] == kSessions);

  // Every session registered itself as a follower (ephemeral, world-read).
  auto admin = ConnectWith(lr, Options(ens.connect));
  std::set<std::string> expected;
  for (auto& c : cs) expected.insert(zk::FollowerZnodeName(static_cast<uint64_t>(c->session_id())));
  bool registered = lr.RunUntil([&] {
    Wait<zk::ChildrenResult> ch;
    if (!admin->GetChildren(std::string(zk::kFollowersZnode), {}, ch.cb()).ok()) return false;
    if (!lr.RunUntil([&] { return ch.r.has_value(); }) || !ch.r->ok()) return false;
    std::set<std::string> got(ch.r->value().children.begin(), ch.r->value().children.end());
    return std::includes(got.begin(), got.end(), expected.begin(), expected.end());
  });
  CHECK(registered);
  {
    Wait<zk::DataResult> d;
    REQUIRE(admin
                ->GetData(zk::FollowerZnodePath(static_cast<uint64_t>(cs[0]->session_id())), {},
                          d.cb())
                .ok());
    RUN_OK(lr, d);
    REQUIRE(d.r->ok());
    CHECK(d.r->value().data.value_or("").find(R"("client":"zkbalance/)") != std::string::npos);
    CHECK(d.r->value().stat.ephemeral_owner == cs[0]->session_id());
  }

  std::vector<uint64_t> connects;
  for (auto& c : cs) connects.push_back(c->connect_count());

  // Version 1 from the live counts: 60/0/0 -> targets 20/20/20; each client
  // moves with p = 2/3. Movers ~ Bin(60, 2/3): mean 40, sd 3.65; each new
  // server's count ~ Bin(60, 1/3): mean 20, sd 3.65. Bounds at 4 sd.
  auto plan1 = PlanFor(1, before);
  Wait<zk::CreateResult> cr;
  REQUIRE(admin->CreateNode(plan_path, zk::SerializePlan(plan1), {}, zk::CreateMode::kPersistent,
                            cr.cb())
              .ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  // Jitter 300 ms + reconnect; then everything must have settled.
  lr.RunFor(2000ms);
  REQUIRE(lr.RunUntil([&] { return AllConnected(cs); }));
  auto after1 = Counts(cs, servers);
  int movers1 = 0;
  for (size_t i = 0; i < cs.size(); ++i) {
    uint64_t extra = cs[i]->connect_count() - connects[i];
    bool moved = *cs[i]->current_server() != servers[0];
    INFO("session " << i);
    CHECK(extra == (moved ? 1u : 0u));  // applied once: at most one move
    movers1 += moved ? 1 : 0;
  }
  INFO("after v1: " << after1[servers[0]] << "/" << after1[servers[1]] << "/"
                    << after1[servers[2]] << " movers " << movers1);
  CHECK(movers1 >= 40 - 15);
  CHECK(movers1 <= 40 + 15);
  for (const auto& s : servers) {
    CHECK(after1[s] >= 20 - 15);
    CHECK(after1[s] <= 20 + 15);
  }

  // The same version written again: nobody moves.
  for (size_t i = 0; i < cs.size(); ++i) connects[i] = cs[i]->connect_count();
  Wait<zk::Stat> st;
  REQUIRE(admin->SetData(plan_path, zk::SerializePlan(plan1), -1, st.cb()).ok());
  RUN_OK(lr, st);
  REQUIRE(st.r->ok());
  lr.RunFor(1500ms);
  for (size_t i = 0; i < cs.size(); ++i) CHECK(cs[i]->connect_count() == connects[i]);
  CHECK(Counts(cs, servers) == after1);

  // Version 2 from the new counts evens out what binomial noise left: the
  // expected movers are the minimum, sum of max(0, L - 20).
  double expected2 = 0;
  for (const auto& [hp, n] : after1) expected2 += n > 20 ? static_cast<double>(n - 20) : 0.0;
  auto plan2 = PlanFor(2, after1);
  Wait<zk::Stat> st2;
  REQUIRE(admin->SetData(plan_path, zk::SerializePlan(plan2), -1, st2.cb()).ok());
  RUN_OK(lr, st2);
  REQUIRE(st2.r->ok());
  lr.RunFor(2000ms);
  REQUIRE(lr.RunUntil([&] { return AllConnected(cs); }));
  auto after2 = Counts(cs, servers);
  int movers2 = 0;
  for (size_t i = 0; i < cs.size(); ++i) {
    uint64_t extra = cs[i]->connect_count() - connects[i];
    CHECK(extra <= 1u);
    movers2 += static_cast<int>(extra);
  }
  INFO("after v2: " << after2[servers[0]] << "/" << after2[servers[1]] << "/"
                    << after2[servers[2]] << " movers " << movers2 << " expected "
                    << expected2);
  CHECK(movers2 <= expected2 + 4 * std::sqrt(expected2) + 2);
  uint64_t max2 = 0;
  for (const auto& [hp, n] : after2) max2 = std::max(max2, n);
  uint64_t max1 = 0;
  for (const auto& [hp, n] : after1) max1 = std::max(max1, n);
  // Never worse than before version 2, and close to the target 20.
  CHECK(max2 <= std::max<uint64_t>(max1, 20 + 12));

  for (auto& c : cs) CloseClient(lr, c);
  CloseClient(lr, admin);
  CHECK(lr.Drained());
}
