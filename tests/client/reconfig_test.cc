// getConfig / reconfig / ensemble tracking against a real ensemble (test
// `client-reconfig`) or zksim (`client-reconfig-zksim`, ZK_CLIENT_TARGET=zksim).
// This executable has its own ensemble because it changes the membership.
#include <map>

#include "test_util.h"

using namespace zk::test;

namespace {

std::string Spec(const EnsembleServer& s) {
  return fmt::format("server.{}=127.0.0.1:{}:{}:participant;127.0.0.1:{}", s.id, s.quorum_port,
                     s.election_port, s.client_port);
}

int LeaderIndex(const Ensemble& e) {
  for (size_t i = 0; i < e.servers.size(); ++i) {
    if (FourLetter(e.servers[i].client_port, "srvr").find("Mode: leader") != std::string::npos) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void WaitServing(LoopRunner& lr, const Ensemble& e) {
  REQUIRE(lr.RunUntil([&] {
    for (const auto& s : e.servers) {
      if (FourLetter(s.client_port, "srvr").find("Mode: ") == std::string::npos) return false;
    }
    return true;
  }, 30000ms));
}

// Reconfig that tolerates ZCONNECTIONLOSS (removing the leader drops the
// issuer's connection although the change committed) and
// ZRECONFIGINPROGRESS: the outcome is read back from /zookeeper/config and
// the request retried (bounded) until `done(config)` holds.
zk::ConfigResult ReconfigTolerant(LoopRunner& lr, zk::Client& c, zk::ReconfigSpec spec,
                                  const std::function<bool(const zk::ConfigResult&)>& done) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    Wait<zk::ConfigResult> r;
    REQUIRE(c.Reconfig(spec, r.cb()).ok());
    REQUIRE(lr.RunUntil([&] { return r.r.has_value(); }, 20000ms));
    if (r.r->ok() && done(r.r->value())) return r.r->value();
    INFO(r.r->status().ToString());
    auto code = r.r->status().code();
    REQUIRE((code == zk::Error::kConnectionLoss || code == zk::Error::kReconfigInProgress ||
             code == zk::Error::kBadVersion));
    REQUIRE(lr.RunUntil([&] { return c.state() == zk::SessionState::kConnected; }, 20000ms));
    lr.RunFor(500ms);
    auto now = ReadConfig(lr, c);
    if (done(now)) return now;
    spec.from_config = spec.from_config == -1 ? -1 : now.version;
  }
  FAIL("reconfig did not take effect");
  return {};
}

zk::ConfigResult Remove(LoopRunner& lr, zk::Client& c, const EnsembleServer& s) {
  return ReconfigTolerant(lr, c, {{}, {std::to_string(s.id)}, {}, -1}, [&](const zk::ConfigResult& r) {
    for (const auto& h : r.client_addresses) {
      if (h.port == s.client_port) return false;
    }
    return true;
  });
}

zk::ConfigResult Add(LoopRunner& lr, zk::Client& c, const EnsembleServer& s, int64_t from = -1) {
  return ReconfigTolerant(lr, c, {{Spec(s)}, {}, {}, from}, [&](const zk::ConfigResult& r) {
    for (const auto& h : r.client_addresses) {
      if (h.port == s.client_port) return true;
    }
    return false;
  });
}

}  // namespace

TEST_CASE("reconfig errors surface by name", "[reconfig][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto plain = ConnectWith(lr, Options(ens.connect));
  auto su = SuperClient(lr, ens.connect, ens.super_auth);
  auto cfg = ReadConfig(lr, *su);
  REQUIRE(cfg.client_addresses.size() == 3);

  auto expect = [&](zk::Client& c, zk::ReconfigSpec spec, zk::Error want) {
    Wait<zk::ConfigResult> r;
    REQUIRE(c.Reconfig(spec, r.cb()).ok());
    REQUIRE(lr.RunUntil([&] { return r.r.has_value(); }, 15000ms));
    INFO(r.r->status().ToString());
    CHECK(r.r->status().code() == want);
    CHECK(r.r->status().message().find(zk::ErrorName(want)) != std::string::npos);
  };
  // No write permission on /zookeeper/config.
  expect(*plain, {{}, {"3"}, {}, -1}, zk::Error::kNoAuth);
  // Conditional on a version that is not the current one.
  expect(*su, {{}, {"3"}, {}, cfg.version + 12345}, zk::Error::kBadVersion);
  // A joiner without a client address.
  expect(*su, {{"server.9=127.0.0.1:1:2"}, {}, {}, -1}, zk::Error::kBadArguments);
  // A new member set none of which is running.
  expect(*su,
         {{}, {}, {"server.7=127.0.0.1:11:12:participant;127.0.0.1:13",
                   "server.8=127.0.0.1:14:15:participant;127.0.0.1:16",
                   "server.9=127.0.0.1:17:18:participant;127.0.0.1:19"}, -1},
         zk::Error::kNewConfigNoQuorum);
  // Bad local input is refused with no callback.
  CHECK(su->Reconfig({}, [](zk::Result<zk::ConfigResult>) { FAIL("called"); }).code() ==
        zk::Error::kBadArguments);

  // Two reconfigs pipelined on one connection: the second reaches the
  // leader while the first is proposed but not committed.
  EnsembleServer victim = ens.servers[LeaderIndex(ens) == 0 ? 1 : 0];
  Wait<zk::ConfigResult> first, second;
  REQUIRE(su->Reconfig({{}, {std::to_string(victim.id)}, {}, -1}, first.cb()).ok());
  REQUIRE(su->Reconfig({{Spec(victim)}, {}, {}, -1}, second.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return second.r.has_value(); }, 20000ms));
  REQUIRE(first.r.has_value());
  if (first.r->ok()) {
    INFO(second.r->status().ToString());
    // Either in progress, or (if the first committed fast) a clean re-add.
    CHECK((second.r->status().code() == zk::Error::kReconfigInProgress || second.r->ok()));
    if (second.r->status().code() == zk::Error::kReconfigInProgress) {
      auto back = Add(lr, *su, victim);
      CHECK(back.client_addresses.size() == 3);
    }
  }
  auto end = ReadConfig(lr, *su);
  CHECK(end.client_addresses.size() == 3);
  CloseClient(lr, plain);
  CloseClient(lr, su);
  CHECK(lr.Drained());
}

TEST_CASE("reconfig remove and add, including the leader", "[reconfig][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto su = SuperClient(lr, ens.connect, ens.super_auth);
  auto before = ReadConfig(lr, *su);
  int li = LeaderIndex(ens);
  REQUIRE(li >= 0);
  for (int target : {li == 0 ? 1 : 0, li}) {
    const auto& s = ens.servers[static_cast<size_t>(target)];
    auto removed = Remove(lr, *su, s);
    CHECK(removed.version > before.version);
    CHECK(removed.client_addresses.size() == 2);
    for (const auto& h : removed.client_addresses) CHECK(h.port != s.client_port);
    WaitServing(lr, ens);
    auto added = Add(lr, *su, s, removed.version);
    WaitServing(lr, ens);
    CHECK(added.version > removed.version);
    CHECK(added.client_addresses.size() == 3);
    before = added;
  }
  CloseClient(lr, su);
  CHECK(lr.Drained());
}

TEST_CASE("300 sessions follow a reconfig: movers are exactly the removed server's clients",
          "[reconfig][tracking][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  constexpr int kSessions = 300;
  const auto jitter = 1000ms;
  std::vector<std::shared_ptr<zk::Client>> cs;
  for (int i = 0; i < kSessions; ++i) {
    auto o = Options(ens.connect);
    o.track_ensemble = true;
    o.tracking_jitter = jitter;
    o.random_seed = 1000 + static_cast<uint64_t>(i);
    auto c = zk::Client::Create(lr.loop(), o);
    REQUIRE(c.ok());
    cs.push_back(c.value());
  }
  REQUIRE(lr.RunUntil([&] {
    for (auto& c : cs) {
      if (c->state() != zk::SessionState::kConnected || c->tracked_config_version() == 0) return false;
    }
    return true;
  }, 30000ms));
  std::map<uint16_t, int> load;
  std::vector<uint16_t> where;
  std::vector<int64_t> sids;
  for (auto& c : cs) {
    ++load[c->current_server()->port];
    where.push_back(c->current_server()->port);
    sids.push_back(c->session_id());
  }
  // Remove a follower; its clients must move, nobody else.
  int li = LeaderIndex(ens);
  const auto& victim = ens.servers[li == 2 ? 1 : 2];
  int on_victim = load[victim.client_port];
  // Binomial(300, 1/3) within 5 sigma.
  CHECK(on_victim >= 59);
  CHECK(on_victim <= 141);
  auto su = SuperClient(lr, ens.connect, ens.super_auth);
  auto t0 = std::chrono::steady_clock::now();
  auto removed = Remove(lr, *su, victim);
  REQUIRE(removed.client_addresses.size() == 2);
  bool all_moved = lr.RunUntil([&] {
    for (auto& c : cs) {
      if (c->state() != zk::SessionState::kConnected || !c->current_server() ||
          c->current_server()->port == victim.client_port) {
        return false;
      }
    }
    return true;
  }, jitter + 2000ms);
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  CHECK(all_moved);
  int movers = 0;
  for (size_t i = 0; i < cs.size(); ++i) {
    if (cs[i]->current_server() && cs[i]->current_server()->port != where[i]) ++movers;
    CHECK(cs[i]->session_id() == sids[i]);
  }
  WARN(fmt::format("{} sessions, {} on the removed server, {} moved, all moved within {} ms",
                   kSessions, on_victim, movers, took.count()));
  CHECK(movers == on_victim);
  // Restore the membership for the next test.
  auto back = Add(lr, *su, victim);
  CHECK(back.client_addresses.size() == 3);
  lr.RunFor(300ms);
  bool all_closed = false;
  int closed = 0;
  for (auto& c : cs) c->Close([&] { all_closed = ++closed == kSessions; });
  REQUIRE(lr.RunUntil([&] { return all_closed; }, 20000ms));
  cs.clear();
  CloseClient(lr, su);
  CHECK(lr.Drained());
}

TEST_CASE("reconfig on an ensemble with reconfigEnabled=false gives ZRECONFIGDISABLED",
          "[reconfig][interop]") {
  const auto& ens = NoReconfigEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto su = SuperClient(lr, ens.connect, ens.super_auth);
  Wait<zk::ConfigResult> r;
  zk::ReconfigSpec spec;
  spec.leaving = {"3"};
  REQUIRE(su->Reconfig(spec, r.cb()).ok());
  RUN_OK(lr, r);
  REQUIRE_FALSE(r.r->ok());
  CHECK(r.r->status().code() == zk::Error::kReconfigDisabled);
  CHECK(r.r->status().message().find("ZRECONFIGDISABLED") != std::string::npos);
  CloseClient(lr, su);
  CHECK(lr.Drained());
}
