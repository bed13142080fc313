// Failover policies: which server a client tries next when it has no
// connection (first connect, connection lost, attempt failed) and no
// migration is pending.
//
//   fixed-order  The Java client's behaviour (StaticHostProvider /
//                HostConnectionManager): each client shuffles the list once
//                (again on every list update) and goes round-robin from the
//                server it was on. After a rolling restart of A, B, C this
//                herds: every client that moved A→B has B's successor C next,
//                so C ends with 2.5× its share. The baseline.
//   herd-free    Each failover round is a fresh uniformly random order of the
//                servers, the server just lost last: the next server is drawn
//                uniformly among those not yet tried in this round. Worst
//                share after the same restarts: 2.25×. The default.
//   load-aware   Like herd-free, but among the untried servers those whose
//                last known connection count (ServerLoad hints, e.g. from the
//                `srvr` four-letter word) is below the level they would have
//                once the lost server's clients are spread are drawn first,
//                with probability proportional to that deficit, so the
//                expected result is balanced; servers with no deficit or no
//                known load follow in uniform order, the lost server last.
//                Without hints it is herd-free.
//
// Every policy visits every server once per round, so a client that cannot
// connect anywhere tries each server once before the round delay.
#ifndef ZK_HOSTPROVIDER_FAILOVER_POLICY_H_
#define ZK_HOSTPROVIDER_FAILOVER_POLICY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace zk {

enum class FailoverPolicy : uint8_t {
  kFixedOrder,  // "fixed-order"
  kHerdFree,    // "herd-free" (default)
  kLoadAware,   // "load-aware"
};

std::string_view FailoverPolicyName(FailoverPolicy p);
std::optional<FailoverPolicy> ParseFailoverPolicy(std::string_view name);

// fixed-order: the server after `position` in the client's shuffled order
// `order_seed`, wrapping around; the first of the order when position is
// kNoServer. REQUIRES: n > 0.
uint32_t FixedOrderNext(uint64_t order_seed, uint32_t n, uint32_t position);

// herd-free and load-aware: the server after `cursor` in the round
// `round_seed` (kNoServer: the first), or kNoServer when the round is over.
// `last` (or kNoServer) is visited last. `load` is empty or holds one count
// per server, negative when unknown (used by kLoadAware only).
uint32_t RoundNext(FailoverPolicy policy, uint64_t round_seed, uint32_t n, uint32_t cursor,
                   uint32_t last, std::span<const int64_t> load);

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_FAILOVER_POLICY_H_
