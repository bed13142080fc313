// A growing ensemble seen by real sessions: N sessions on two servers learn a
// third one through UpdateServerList (ensemble.md's 2 -> 3). The paper's
// rule (hostprovider, probabilistic migration): a client of a kept server
// moves with p = 1 - 2/3, and only to the new server.
//
// Bounds as in tests/hostprovider/reconfig_statistics_test.cc: per round,
// max(stated, 4.5 sigma): movers within 5% of N/3, the new server within 10%
// of N/3; averaged over the rounds with z = 4. Movers ~ Bin(N, 1/3).
#include <algorithm>
#include <cmath>

#include "test_util.h"
#include "zk/wire/connect_string.h"

using namespace zk::test;

TEST_CASE("growing 2 -> 3 servers: movers within the host provider's bounds", "[grow][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  auto all = zk::wire::ParseConnectString(ens.connect);
  REQUIRE(all.ok());
  const auto& servers = all->hosts;
  REQUIRE(servers.size() == 3);
  const std::string two = servers[0].ToString() + "," + servers[1].ToString();

  constexpr int kSessions = 90;
  constexpr int kRounds = 3;
  const double p = 1.0 / 3;
  const double mean = kSessions * p;
  const double sd = std::sqrt(kSessions * p * (1 - p));
  double total_movers = 0;
  for (int round = 0; round < kRounds; ++round) {
    LoopRunner lr;
    std::vector<std::shared_ptr<zk::Client>> cs;
    for (int i = 0; i < kSessions; ++i) {
      auto o = Options(two);
      o.random_seed = 7000 + static_cast<uint64_t>(round * kSessions + i);
      auto c = zk::Client::Create(lr.loop(), o);
      REQUIRE(c.ok());
      cs.push_back(c.value());
    }
    auto connected = [&] {
      return std::all_of(cs.begin(), cs.end(), [](const auto& c) {
        return c->state() == zk::SessionState::kConnected && c->current_server().has_value();
      });
    };
    REQUIRE(lr.RunUntil(connected));
    std::vector<uint64_t> connects;
    for (auto& c : cs) {
      CHECK(*c->current_server() != servers[2]);
      connects.push_back(c->connect_count());
    }
    for (auto& c : cs) REQUIRE(c->UpdateServerList(ens.connect).ok());
    lr.RunFor(300ms);
    REQUIRE(lr.RunUntil(connected));
    int movers = 0;
    int on_new = 0;
    for (size_t i = 0; i < cs.size(); ++i) {
      bool moved = cs[i]->connect_count() != connects[i];
      CHECK(cs[i]->connect_count() - connects[i] <= 1u);
      if (moved) {
        ++movers;
        CHECK(*cs[i]->current_server() == servers[2]);  // only to the new server
      }
      if (*cs[i]->current_server() == servers[2]) ++on_new;
    }
    INFO("round " << round << ": movers " << movers << ", expected " << mean << " +- " << sd);
    const double mover_bound = std::max(0.05 * mean, 4.5 * sd);
    const double load_bound = std::max(0.10 * mean, 4.5 * sd);
    CHECK(std::abs(movers - mean) <= mover_bound);
    CHECK(std::abs(on_new - mean) <= load_bound);
    total_movers += movers;
    for (auto& c : cs) CloseClient(lr, c);
    CHECK(lr.Drained());
  }
  const double avg = total_movers / kRounds;
  INFO("average movers " << avg);
  CHECK(std::abs(avg - mean) <= std::max(0.01 * mean, 4 * sd / std::sqrt(kRounds)));
}

// Client::SetServerLoads: under migration load-aware the next list change
// plans from the hint. Sessions on all three servers lose s0 (list -> s1,
// s2); the hint gives one of s1, s2 a surplus, so the plan sends every
// session of s0 to the other one. Without the hint (probabilistic
// fallback) each goes either way with p = 1/2; an empty hint clears it.
TEST_CASE("a load hint steers a removed server's sessions to the one under target",
          "[grow][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  auto all = zk::wire::ParseConnectString(ens.connect);
  REQUIRE(all.ok());
  const auto& s = all->hosts;
  REQUIRE(s.size() == 3);
  const std::string rest = s[1].ToString() + "," + s[2].ToString();
  constexpr int kSessions = 36;
  struct Round {
    std::vector<zk::ServerLoad> hint;
    bool clear;
    const char* name;
  };
  const std::vector<Round> rounds = {
      {{{s[0], 12}, {s[1], 0}, {s[2], 100}}, false, "s2 busy: all to s1"},
      {{{s[0], 12}, {s[1], 100}, {s[2], 0}}, false, "s1 busy: all to s2"},
      {{{s[0], 12}, {s[1], 100}, {s[2], 0}}, true, "hint cleared: both"},
  };
  for (size_t r = 0; r < rounds.size(); ++r) {
    INFO(rounds[r].name);
    LoopRunner lr;
    std::vector<std::shared_ptr<zk::Client>> cs;
    for (int i = 0; i < kSessions; ++i) {
      auto o = Options(ens.connect);
      o.random_seed = 9100 + r * kSessions + static_cast<uint64_t>(i);
      o.host_provider.migration = zk::MigrationPolicy::kLoadAware;
      cs.push_back(ConnectWith(lr, o));
    }
    auto connected = [&] {
      return std::all_of(cs.begin(), cs.end(), [](const auto& c) {
        return c->state() == zk::SessionState::kConnected && c->current_server().has_value();
      });
    };
    REQUIRE(lr.RunUntil(connected));
    std::vector<size_t> from_s0;
    for (size_t i = 0; i < cs.size(); ++i) {
      if (*cs[i]->current_server() == s[0]) from_s0.push_back(i);
      cs[i]->SetServerLoads(rounds[r].hint);
      if (rounds[r].clear) cs[i]->SetServerLoads({});
      REQUIRE(cs[i]->UpdateServerList(rest).ok());
    }
    REQUIRE(from_s0.size() >= 4);  // seeded: Bin(36, 1/3) sessions start there
    REQUIRE(lr.RunUntil([&] {
      return connected() && std::none_of(cs.begin(), cs.end(), [&](const auto& c) {
               return *c->current_server() == s[0];
             });
    }));
    size_t on1 = 0, on2 = 0;
    for (size_t i : from_s0) {
      on1 += *cs[i]->current_server() == s[1];
      on2 += *cs[i]->current_server() == s[2];
    }
    INFO("of s0's " << from_s0.size() << ": on s1 " << on1 << ", on s2 " << on2);
    CHECK(on1 + on2 == from_s0.size());
    if (r == 0) CHECK(on1 == from_s0.size());
    if (r == 1) CHECK(on2 == from_s0.size());
    // Seeded; all on one side by chance with p = 2^(1 - n).
    if (r == 2) CHECK((on1 > 0 && on2 > 0));
    for (auto& c : cs) CloseClient(lr, c);
    CHECK(lr.Drained());
  }
}
