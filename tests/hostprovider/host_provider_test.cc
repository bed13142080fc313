// The HostProvider contract: Next / OnConnected / UpdateServerList /
// ApplyPlan, the edge cases of the reference clients, delays.
#include "zk/hostprovider/host_provider.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "test_util.h"

namespace zk {
namespace {

using testing::Contains;
using testing::Hp;
using testing::Range;

ProviderOptions Options(FailoverPolicy f = FailoverPolicy::kHerdFree,
                        MigrationPolicy m = MigrationPolicy::kProbabilistic) {
  ProviderOptions o;
  o.failover = f;
  o.migration = m;
  return o;
}

HostProvider Connected(const std::vector<HostPort>& servers, uint64_t seed,
                       ProviderOptions o = Options()) {
  HostProvider hp = HostProvider::Create(servers, o, seed).value();
  hp.Next();
  hp.OnConnected();
  return hp;
}

TEST_CASE("Create rejects bad input", "[host_provider]") {
  CHECK(HostProvider::Create({}, {}, 1).status().code() == Error::kBadArguments);
  CHECK(HostProvider::Create({Hp("a", 0)}, {}, 1).status().code() == Error::kBadArguments);
  CHECK(HostProvider::Create({Hp("a")}, {}, std::unique_ptr<RandomSource>()).status().code() ==
        Error::kBadArguments);
}

TEST_CASE("the initial order is the list shuffled with the seed", "[host_provider]") {
  for (FailoverPolicy f : {FailoverPolicy::kFixedOrder, FailoverPolicy::kHerdFree}) {
    CAPTURE(FailoverPolicyName(f));
    std::map<std::string, int> first;
    for (uint64_t seed = 1; seed <= 9000; ++seed) {
      auto hp = HostProvider::Create(Range(1, 3), Options(f), seed).value();
      const NextHost n = hp.Next();
      CHECK(n.delay.count() == 0);
      ++first[n.host.host];
    }
    for (const auto& [host, count] : first) {
      INFO(host << " first for " << count << " of 9000 seeds");
      CHECK(count > 2700);
      CHECK(count < 3300);
    }
    // Same seed, same order.
    auto a = HostProvider::Create(Range(1, 5), Options(f), 42).value();
    auto b = HostProvider::Create(Range(1, 5), Options(f), 42).value();
    for (int i = 0; i < 12; ++i) CHECK(a.Next().host == b.Next().host);
  }
}

TEST_CASE("herd-free: one round visits every server once, the lost one last", "[host_provider]") {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    CAPTURE(seed);
    HostProvider hp = Connected(Range(1, 5), seed);
    const HostPort lost = *hp.connected_host();
    std::set<std::string> seen;
    for (int i = 0; i < 5; ++i) {
      const NextHost n = hp.Next();
      CHECK(n.delay.count() == 0);
      seen.insert(n.host.host);
      if (i < 4) CHECK(n.host != lost);
      if (i == 4) CHECK(n.host == lost);
    }
    CHECK(seen.size() == 5);
    // A full pass failed: the next attempt waits the round delay.
    CHECK(hp.Next().delay == std::chrono::milliseconds(1000));
  }
}

TEST_CASE("fixed-order: Java's round robin over a per-client shuffled list", "[host_provider]") {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    CAPTURE(seed);
    auto hp = HostProvider::Create(Range(1, 4), Options(FailoverPolicy::kFixedOrder), seed).value();
    std::vector<HostPort> cycle;
    for (int i = 0; i < 4; ++i) cycle.push_back(hp.Next().host);
    for (int i = 0; i < 8; ++i) CHECK(hp.Next().host == cycle[i % 4]);
    // Connected to cycle[2]: after a loss it goes on with cycle[3].
    auto hp2 =
        HostProvider::Create(Range(1, 4), Options(FailoverPolicy::kFixedOrder), seed).value();
    for (int i = 0; i < 3; ++i) hp2.Next();
    hp2.OnConnected();
    CHECK(*hp2.connected_host() == cycle[2]);
    CHECK(hp2.Next().host == cycle[3]);
    CHECK(hp2.Next().host == cycle[0]);
  }
}

TEST_CASE("failover jitter is uniform in [0, jitter], never on the first connect",
          "[host_provider]") {
  ProviderOptions o = Options();
  o.failover_jitter = std::chrono::milliseconds(50);
  o.round_delay = std::chrono::milliseconds(0);
  auto hp = HostProvider::Create(Range(1, 3), o, 7).value();
  CHECK(hp.Next().delay.count() == 0);
  hp.OnConnected();
  int64_t max = 0;
  int64_t sum = 0;
  for (int i = 0; i < 3000; ++i) {
    const int64_t d = hp.Next().delay.count();
    CHECK(d >= 0);
    CHECK(d <= 50);
    max = std::max(max, d);
    sum += d;
  }
  CHECK(max == 50);
  CHECK(sum / 3000.0 == Approx(25).margin(2));
}

TEST_CASE("UpdateServerList: an identical set is a no-op", "[host_provider]") {
  HostProvider hp = Connected(Range(1, 3), 5);
  const ProviderState before = hp.TEST_state();
  auto r = hp.UpdateServerList({Hp("S3"), Hp("s1"), Hp("s2"), Hp("s1")}, hp.connected_host());
  REQUIRE(r.ok());
  CHECK_FALSE(r.value());
  CHECK(hp.TEST_state().order_seed == before.order_seed);
  CHECK(hp.TEST_state().current == before.current);

  // Also while a migration is pending: it stays pending, untouched.
  auto grow = hp.UpdateServerList(Range(4, 6), hp.connected_host());  // full replacement
  REQUIRE(grow.value());
  const ProviderState pending = hp.TEST_state();
  CHECK(hp.UpdateServerList(Range(4, 6), hp.connected_host()).value() == false);
  CHECK(hp.move_pending());
  CHECK(hp.TEST_state().phase_seed == pending.phase_seed);
}

TEST_CASE("UpdateServerList errors leave the provider unchanged", "[host_provider]") {
  HostProvider hp = Connected(Range(1, 3), 5);
  CHECK(hp.UpdateServerList({}, hp.connected_host()).status().code() == Error::kBadArguments);
  CHECK(hp.UpdateServerList({Hp("x", 0)}, hp.connected_host()).status().code() ==
        Error::kBadArguments);
  CHECK(hp.size() == 3);
}

TEST_CASE("migration order: new servers, then kept ones, then the normal order",
          "[host_provider]") {
  // TestReconfig.cc testMigrationCycle: 4 servers -> 10, the client's server
  // removed. It must try all 8 new servers, then the 2 kept ones, then go
  // back to its normal order (each of the 10 once per round).
  const std::vector<HostPort> new_list = Range(3, 12);
  const std::vector<HostPort> coming = Range(5, 12);
  const std::vector<HostPort> staying = Range(3, 4);
  for (FailoverPolicy f : {FailoverPolicy::kHerdFree, FailoverPolicy::kFixedOrder}) {
    for (uint64_t seed = 1; seed <= 100; ++seed) {
      CAPTURE(FailoverPolicyName(f), seed);
      auto hp = HostProvider::Create(Range(1, 4), Options(f), seed).value();
      NextHost n = hp.Next();
      while (n.host != Hp("s1")) n = hp.Next();
      hp.OnConnected();
      REQUIRE(hp.UpdateServerList(new_list, Hp("s1")).value());
      std::set<std::string> seen;
      for (int i = 0; i < 8; ++i) {
        n = hp.Next();
        CHECK(Contains(coming, n.host));
        CHECK(seen.insert(n.host.host).second);
      }
      for (int i = 0; i < 2; ++i) {
        n = hp.Next();
        CHECK(Contains(staying, n.host));
        CHECK(seen.insert(n.host.host).second);
      }
      CHECK_FALSE(hp.move_pending());
      std::set<std::string> round;
      for (int i = 0; i < 10; ++i) {
        n = hp.Next();
        if (i == 0) CHECK(n.delay == std::chrono::milliseconds(1000));  // a full pass failed
        round.insert(n.host.host);
      }
      CHECK(round.size() == 10);
    }
  }
}

TEST_CASE("migration decisions follow the paper's cases", "[host_provider]") {
  // TestReconfig.cc testMigrateOrNot, on a client connected to s3.
  auto decide = [](std::vector<HostPort> old_list, std::vector<HostPort> new_list, uint64_t seed) {
    auto hp = HostProvider::Create(old_list, Options(), seed).value();
    NextHost n = hp.Next();
    while (n.host != Hp("s3")) n = hp.Next();
    hp.OnConnected();
    return hp.UpdateServerList(new_list, Hp("s3")).value();
  };
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    CAPTURE(seed);
    CHECK_FALSE(decide(Range(1, 4), Range(1, 3), seed));               // shrinking, kept: stays
    CHECK(decide(Range(1, 4), Range(1, 2), seed));                     // shrinking, removed: moves
    CHECK(decide(Range(1, 3), {Hp("s1"), Hp("s2"), Hp("s9")}, seed));  // same size, removed
    CHECK(decide(Range(1, 4), Range(4, 10), seed));                    // growing, removed: moves
  }
  // Growing, kept: moves with probability 1 - 9/10 (testMigrateProbability).
  int moved = 0;
  for (uint64_t seed = 1; seed <= 10000; ++seed) moved += decide(Range(1, 9), Range(1, 10), seed);
  INFO("moved " << moved << " of 10000, expected 1000");
  CHECK(moved > 900);
  CHECK(moved < 1100);
}

TEST_CASE("a client that is not connected uses its next, last or first server", "[host_provider]") {
  // Two providers with one seed make the same draws; the twin reveals which
  // server the first one would use.
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    CAPTURE(seed);
    // Never connected, no attempt: the first of its shuffled order (fixed
    // order: the server its first Next() returns).
    auto hp = HostProvider::Create(Range(1, 4), Options(FailoverPolicy::kFixedOrder), seed).value();
    auto twin =
        HostProvider::Create(Range(1, 4), Options(FailoverPolicy::kFixedOrder), seed).value();
    const HostPort first = twin.Next().host;
    std::vector<HostPort> without_first;
    for (const HostPort& h : Range(1, 4)) {
      if (h != first) without_first.push_back(h);
    }
    CHECK(hp.UpdateServerList(without_first, std::nullopt).value());  // its server removed

    // Connected once, now disconnected: the last server it was connected to.
    auto hp2 = Connected(Range(1, 4), seed);
    const HostPort last = *hp2.connected_host();
    std::vector<HostPort> keep_last = {last};
    CHECK_FALSE(hp2.UpdateServerList(keep_last, std::nullopt).value());
    auto hp3 = Connected(Range(1, 4), seed);
    std::vector<HostPort> drop_last;
    for (const HostPort& h : Range(1, 4)) {
      if (h != last) drop_last.push_back(h);
    }
    CHECK(hp3.UpdateServerList(drop_last, std::nullopt).value());

    // An attempt in progress: that server.
    auto hp4 = Connected(Range(1, 4), seed);
    const HostPort trying = hp4.Next().host;
    std::vector<HostPort> keep_trying = {trying};
    CHECK_FALSE(hp4.UpdateServerList(keep_trying, std::nullopt).value());
  }
}

TEST_CASE("a second change while a migration is pending", "[host_provider]") {
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    CAPTURE(seed);
    auto hp = Connected(Range(1, 3), seed);
    auto twin = Connected(Range(1, 3), seed);
    const HostPort cur = *hp.connected_host();
    // Replace the client's server: it must move (to s9, the only new one).
    std::vector<HostPort> second;
    for (const HostPort& h : Range(1, 3)) {
      if (h != cur) second.push_back(h);
    }
    second.push_back(Hp("s9"));
    REQUIRE(hp.UpdateServerList(second, cur).value());
    REQUIRE(twin.UpdateServerList(second, cur).value());
    const HostPort target = twin.Next().host;
    CHECK(target == Hp("s9"));
    // Before it reconnects, s9 is removed again: decided from s9, removed,
    // so it moves again (and not back to its old server, which is gone).
    std::vector<HostPort> third;
    for (const HostPort& h : second) {
      if (h != target) third.push_back(h);
    }
    auto r = hp.UpdateServerList(third, cur);
    REQUIRE(r.ok());
    CHECK(r.value());
    const HostPort next = hp.Next().host;
    CHECK(Contains(third, next));
    // If instead another server is removed, it is decided from s9, which is
    // kept in a shrinking list: it stays (the migration is over; it goes on
    // with its normal order).
    auto hp5 = Connected(Range(1, 3), seed);
    REQUIRE(hp5.UpdateServerList(second, cur).value());
    std::vector<HostPort> fourth = {Hp("s9")};
    for (const HostPort& h : second) {
      if (h != Hp("s9")) {
        fourth.push_back(h);
        break;
      }
    }
    CHECK_FALSE(hp5.UpdateServerList(fourth, std::nullopt).value());
  }
}

TEST_CASE("ApplyPlan: versions, named form, probabilistic form, errors", "[host_provider]") {
  auto hp = Connected(Range(1, 3), 11);
  const HostPort cur = *hp.connected_host();
  RebalancePlan plan;
  plan.version = 3;
  for (const HostPort& h : Range(1, 3)) {
    PlanServer s;
    s.server = h;
    s.move_probability = h == cur ? 1.0 : 0.0;
    s.weight = h == cur ? 0.0 : 1.0;
    plan.servers.push_back(s);
  }
  auto r = hp.ApplyPlan(plan, cur, 77);
  REQUIRE(r.ok());
  CHECK(r.value());  // p = 1 on its server
  CHECK(hp.plan_version() == 3);
  const HostPort dest = hp.Next().host;
  CHECK(dest != cur);
  hp.OnConnected();
  // Same version again: ignored.
  CHECK_FALSE(hp.ApplyPlan(plan, dest, 77).value());

  // Named form: session 77 goes to `cur`; others with p = 0 stay.
  plan.version = 4;
  for (PlanServer& s : plan.servers) s.move_probability = 1.0;
  plan.sessions = {SessionMove{77, cur}};
  CHECK(hp.ApplyPlan(plan, dest, 77).value());
  CHECK(hp.Next().host == cur);
  hp.OnConnected();
  // Named to where it already is: stays, even with p = 1 for its server.
  plan.version = 5;
  CHECK_FALSE(hp.ApplyPlan(plan, cur, 77).value());

  RebalancePlan bad = plan;
  bad.version = 9;
  bad.servers[0].move_probability = 1.5;
  CHECK(hp.ApplyPlan(bad, cur, 77).status().code() == Error::kBadArguments);
  CHECK(hp.plan_version() == 5);
}

TEST_CASE("load-aware migration from a uniform load hint is the paper's rule", "[host_provider]") {
  // 3 -> 4 with equal counts: a kept client moves with probability 1/4.
  int moved = 0;
  int to_new = 0;
  for (uint64_t seed = 1; seed <= 8000; ++seed) {
    auto hp = Connected(Range(1, 3), seed,
                        Options(FailoverPolicy::kHerdFree, MigrationPolicy::kLoadAware));
    hp.SetServerLoads({{Hp("s1"), 100}, {Hp("s2"), 100}, {Hp("s3"), 100}});
    if (hp.UpdateServerList(Range(1, 4), hp.connected_host()).value()) {
      ++moved;
      to_new += hp.Next().host == Hp("s4");
    }
  }
  INFO("moved " << moved << " of 8000, expected 2000");
  CHECK(moved > 1850);
  CHECK(moved < 2150);
  CHECK(to_new == moved);
}

}  // namespace
}  // namespace zk
