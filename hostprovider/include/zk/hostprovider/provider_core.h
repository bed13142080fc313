// The decision engine of the host provider, on server indices.
//
// HostProvider (host_provider.h) is this engine plus the mapping between
// HostPorts and indices; the model simulator (model_simulator.h) runs one
// ProviderState per client against one shared ProviderContext and calls the
// very same functions, so what the simulator measures is what the SDK does.
//
// A ProviderState is a small trivially copyable value (no heap): the random
// orders the client follows (its shuffled list, a failover round, a
// migration) are represented by seeds and a cursor (see src/seeded_order.h),
// not by stored permutations.
//
// Life of a client:
//   Init                    once, draws the client's shuffled order
//   Next                    whenever it needs a server: first connect, after
//                           a failed attempt, after a lost connection, after
//                           a "move" answer. Returns a server and a delay.
//   OnConnected             when the attempt at the server Next returned
//                           succeeded
//   UpdateServerList        the list changed: true means "move now"
//   FollowPlan              a rebalancing plan arrived: true means "move now"
// Not thread-safe; one state per client, one thread at a time.
#ifndef ZK_HOSTPROVIDER_PROVIDER_CORE_H_
#define ZK_HOSTPROVIDER_PROVIDER_CORE_H_

#include <chrono>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "zk/hostprovider/failover_policy.h"
#include "zk/hostprovider/migration_rules.h"
#include "zk/hostprovider/random_source.h"
#include "zk/hostprovider/server_list.h"

namespace zk {

struct ProviderOptions {
  FailoverPolicy failover = FailoverPolicy::kHerdFree;
  MigrationPolicy migration = MigrationPolicy::kProbabilistic;
  // Waited before the next attempt after every complete pass over the list
  // without a connection (n attempts since the last connection, 2n, ...).
  // Java's spinDelay is 1000 ms. Default 1000 ms.
  std::chrono::milliseconds round_delay{1000};
  // If positive, each failover attempt (any attempt in the normal order
  // except a client's very first connect) first waits a uniform random delay
  // in [0, failover_jitter], so that the clients of a lost server do not all
  // reconnect in the same instant. Default 0 (off).
  std::chrono::milliseconds failover_jitter{0};
};

// What the clients of one list share: the list size, the options, what the
// last list change was, and the current load information and plan. Built by
// HostProvider for itself, and once per step by the simulator for all its
// clients.
struct ProviderContext {
  ProviderOptions options;
  uint32_t size = 0;  // servers in the list; > 0
  // The last list change: its probabilities and, per server, whether it was
  // added by it (empty before the first change).
  MigrationProbabilities rules;
  std::vector<uint8_t> is_added;
  // Load hint: per server, its last known connection count, or -1 if
  // unknown. Empty: no hint. Used by the load-aware policies.
  std::vector<int64_t> load;
  // The plan in force (a load-aware plan, or a load-aware migration), per
  // server: the probability that a client there moves, and its weight as a
  // destination. Both empty when there is none.
  std::vector<double> plan_move;
  std::vector<double> plan_weight;
};

enum class ProviderPhase : uint8_t {
  kNormal,     // failover order of the policy
  kMigration,  // after a list change: destination group, other group
  kPlan,       // after a plan: named target, then weighted destinations
};

struct ProviderState {
  uint64_t order_seed = 0;              // the client's shuffled list
  uint64_t phase_seed = 0;              // the current failover round or migration order
  uint64_t plan_version = 0;            // the last plan version followed (0: none)
  uint32_t current = kNoServer;         // connected server
  uint32_t last_connected = kNoServer;  // the server of the last connection
  uint32_t attempting = kNoServer;      // returned by Next(), not yet connected
  uint32_t cursor = kNoServer;          // last server visited in the current order
  uint32_t forced_last = kNoServer;     // tried last in the current round
  uint32_t named_target = kNoServer;    // kPlan: the destination the plan names
  uint32_t attempts = 0;                // Next() calls since the last connection
  ProviderPhase phase = ProviderPhase::kNormal;
  bool new_group_first = true;  // kMigration: N before M
  bool round_active = false;    // a failover round is in progress
  bool ever_connected = false;
};
static_assert(std::is_trivially_copyable_v<ProviderState>);

struct NextChoice {
  uint32_t server = kNoServer;
  std::chrono::milliseconds delay{0};
};

namespace core {

// Draws the client's shuffled order. REQUIRES: s is default-constructed.
void Init(ProviderState& s, RandomSource& random);

// The server to try now, and how long to wait first. Calling Next() while
// connected means the connection was lost. REQUIRES: ctx.size > 0.
NextChoice Next(ProviderState& s, const ProviderContext& ctx, RandomSource& random);

// The attempt at the server the last Next() returned succeeded. Ends any
// migration; the next failover starts a new round. No-op without an attempt.
void OnConnected(ProviderState& s);

// True iff a list change or plan said "move" and some server of that move
// has not been tried yet (the next Next() returns one of them).
bool MovePending(const ProviderState& s, const ProviderContext& ctx);

// The server that stands for this client in the migration rules:
//   a pending migration or plan move: the server it would try next (Java's
//     next(0) in reconfigMode), whether or not it is still connected;
//   connected (current != kNoServer): current;
//   otherwise the server of the attempt in progress, else the last server it
//     was connected to, else the first of its shuffled order.
// Never draws randomness. kNoServer only if ctx.size == 0.
uint32_t EffectiveServer(const ProviderState& s, const ProviderContext& ctx, uint32_t current);

// A new list. `change` relates old_ctx's list to new_ctx's; `current_old` and
// `current_new` give the server the caller is connected to in the old and
// new lists (kNoServer: not connected, or not in that list). Decides by
// new_ctx.options.migration:
//   kNone:          move iff the effective server was removed;
//   kProbabilistic: DecideMigration(new_ctx.rules, ...);
//   kLoadAware:     if new_ctx.plan_move is set, move with the probability it
//                   gives the effective server (1 if removed) towards
//                   new_ctx.plan_weight; otherwise as kProbabilistic.
// Remaps the state to the new list and redraws the shuffled order (Java
// reshuffles on every update). Returns true iff the client should move now.
// REQUIRES: !change.SameSet() (an identical set is a no-op for the caller).
bool UpdateServerList(ProviderState& s, const ProviderContext& old_ctx, const ListChange& change,
                      const ProviderContext& new_ctx, uint32_t current_old, uint32_t current_new,
                      RandomSource& random);

// A plan reached the client: new_ctx.plan_move / new_ctx.plan_weight hold
// it; old_ctx is the context before it (it locates a move still pending
// from an earlier plan; pass the same context twice when there is none). If
// `named_target` is a server, the plan names this session: it moves there
// unless it is already on it. Otherwise it moves with the probability the
// plan gives its effective server. A moving client tries the named target,
// then the servers of positive weight (drawn in proportion to the weights),
// then its normal order. Returns true iff it should move now. The caller
// records the plan version (followed once per version).
bool FollowPlan(ProviderState& s, const ProviderContext& old_ctx, const ProviderContext& new_ctx,
                uint32_t current, uint32_t named_target, RandomSource& random);

}  // namespace core
}  // namespace zk

#endif  // ZK_HOSTPROVIDER_PROVIDER_CORE_H_
