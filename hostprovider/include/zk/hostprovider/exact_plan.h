// Exact plans: when the operator knows which sessions sit on which server
// (the `cons` four-letter word, the admin `connections` command) and which
// of them follow plans (follower_registry.h), the plan can name the sessions
// that move and their destinations. Independent random choices leave
// binomial noise (a few percent above the mean at 10,000 clients); a named
// plan does not: with enough followers on every overloaded server it moves
// exactly Σ max(0, L_i − T_i) sessions and leaves every server exactly at its
// integer target (within one client of its real share).
//
// Only followers are named. On a server whose excess exceeds its followers,
// the rest of the excess is listed in `shed`: those clients do not follow
// plans, and only shedding their connections (ZOOKEEPER-2748 `shed`,
// ZOOKEEPER-5015 `shed_connections`) moves them; they then land where their
// own failover takes them, so the result there is balanced only in
// expectation at best.
//
// Servers whose sessions are unknown (sessions_known = false, e.g. `cons`
// is not allowed there) get the probabilistic form: a client there moves
// with probability excess/load. Destination weights of the probabilistic
// form are the deficits left after the named moves.
#ifndef ZK_HOSTPROVIDER_EXACT_PLAN_H_
#define ZK_HOSTPROVIDER_EXACT_PLAN_H_

#include <cstdint>
#include <vector>

#include "zk/hostprovider/rebalance_plan.h"

namespace zk {

struct ServerSessions {
  HostPort server;
  uint64_t connections = 0;         // all connections on the server (followers or not)
  bool sessions_known = true;       // false: followers is meaningless
  std::vector<uint64_t> followers;  // following sessions on it; the first ones move first
};

// Errors (kBadArguments): version 0, no servers, a server twice, more
// followers than connections, a session on two servers, bad weights (as
// ComputeLoadAwarePlan).
Result<RebalancePlan> ComputeExactPlan(uint64_t version, const std::vector<ServerSessions>& servers,
                                       const std::vector<double>& weights = {});

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_EXACT_PLAN_H_
