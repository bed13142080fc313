// The host provider: which ZooKeeper server a client connects to, and
// whether it moves when the server list changes or a rebalancing plan
// arrives. Shaped like ZooKeeper's HostProvider (next / onConnected /
// updateServerList) but non-blocking and pure: it never sleeps, never
// touches a socket, never reads a clock, and draws every random choice from
// the RandomSource it is given.
//
//   auto hp = zk::HostProvider::Create(servers, zk::ProviderOptions{}, seed);
//   zk::NextHost n = hp->Next();          // wait n.delay, then connect to n.host
//   hp->OnConnected();                    // the connection to n.host is up
//   // ... connection lost, or an attempt failed: call Next() again.
//   // New configuration (after sync + getConfig, and a small random wait):
//   if (hp->UpdateServerList(new_servers, current).value()) { /* drop the
//     connection (keep the session) and reconnect via Next() */ }
//   // A rebalancing plan (plan_json.h) from /zkbalance/plan:
//   if (hp->ApplyPlan(plan, current, session_id).value()) { /* same */ }
//
// Policies (provider_core.h, failover_policy.h, migration_rules.h): failover
// fixed-order (Java), herd-free (default), load-aware; migration none,
// probabilistic (Shraer et al. ATC'12 §4, default), load-aware.
//
// Servers are compared by the identity rule of server_list.h (lowercased
// host string + port, no DNS). Lists are deduplicated, first occurrence
// kept.
//
// Thread-safety: none; use from one thread (the client's loop).
#ifndef ZK_HOSTPROVIDER_HOST_PROVIDER_H_
#define ZK_HOSTPROVIDER_HOST_PROVIDER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "zk/hostprovider/provider_core.h"
#include "zk/hostprovider/random_source.h"
#include "zk/hostprovider/rebalance_plan.h"
#include "zk/hostprovider/server_list.h"
#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk {

struct NextHost {
  HostPort host;
  std::chrono::milliseconds delay{0};  // wait this long before connecting
};

class HostProvider {
 public:
  // The initial order is the list shuffled with `random`. Errors
  // (kBadArguments): an empty list, an entry with an empty host or port 0,
  // a null random source.
  static Result<HostProvider> Create(std::vector<HostPort> servers, ProviderOptions options,
                                     std::unique_ptr<RandomSource> random);
  // Same, with a SplitMix64 seeded with `seed`.
  static Result<HostProvider> Create(std::vector<HostPort> servers, ProviderOptions options,
                                     uint64_t seed);

  HostProvider(HostProvider&&) = default;
  HostProvider& operator=(HostProvider&&) = default;

  // The server to try now and the delay to wait first. A call while
  // connected means the connection was lost. After a list change or plan
  // that said "move", it returns the migration's servers first.
  NextHost Next();

  // The attempt at the server last returned by Next() succeeded.
  void OnConnected();

  // A new server list. `current_host`: the server the client is connected
  // to, nullopt if none. Returns true iff the client should move now (drop
  // the connection, keep the session, call Next()). An identical set of
  // servers (any order, duplicates, case) is a no-op returning false, even
  // while a migration is pending. A second change while a migration is
  // pending is decided from the server that migration would try next; the
  // latest answer wins (false: stay where you are, or carry on connecting).
  // Errors (kBadArguments) as Create; the provider is then unchanged.
  Result<bool> UpdateServerList(std::vector<HostPort> servers,
                                const std::optional<HostPort>& current_host);

  // A rebalancing plan. Followed once per version: a version not above the
  // last one followed is ignored (false). Named form first: if `session_id`
  // is listed the client moves to its destination (unless already there);
  // otherwise it moves with the probability the plan gives its server.
  // Returns true iff it should move now. Servers of the plan that are not
  // in the list are ignored. Errors: a plan that fails Validate().
  Result<bool> ApplyPlan(const RebalancePlan& plan, const std::optional<HostPort>& current_host,
                         uint64_t session_id);

  // Connection counts observed on the servers (e.g. from `srvr`), used by
  // the load-aware policies. Servers not listed become unknown; servers not
  // in the list are ignored. Replaces the previous hint.
  void SetServerLoads(const std::vector<ServerLoad>& loads);

  const std::vector<HostPort>& servers() const { return list_.hosts(); }
  uint32_t size() const { return list_.size(); }
  const ProviderOptions& options() const { return ctx_.options; }
  // The server of the current connection, if any.
  std::optional<HostPort> connected_host() const;
  // True while a list change or plan move has servers left to try.
  bool move_pending() const { return core::MovePending(state_, ctx_); }
  // The last plan version followed (0: none).
  uint64_t plan_version() const { return state_.plan_version; }

  const ProviderState& TEST_state() const { return state_; }
  const ProviderContext& TEST_context() const { return ctx_; }

 private:
  HostProvider(ServerList list, ProviderOptions options, std::unique_ptr<RandomSource> random);

  // The load hint as per-server counts of `list`, -1 where unknown.
  std::vector<int64_t> LoadsFor(const ServerList& list) const;

  ServerList list_;
  ProviderContext ctx_;
  ProviderState state_;
  std::unique_ptr<RandomSource> random_;
  std::vector<ServerLoad> loads_;  // the hint, normalised
};

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_HOST_PROVIDER_H_
