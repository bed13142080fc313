// Load-aware rebalancing plans (beyond the paper; no existing client has it).
//
// From observed connection counts L_i and targets T_i (equal shares of the
// total, or proportional to weights), a client on server i moves with
// probability p_i = max(0, L_i − T_i) / L_i, to a server j drawn with weight
// w_j = max(0, T_j − L_j). Expected result: exactly T. Expected movers:
// Σ max(0, L_i − T_i), the minimum for any scheme that reaches T. With L
// uniform over S and the servers of S' \ S at 0 this is the paper's rule:
// p = 1 − |S|/|S'| on kept servers when growing, and when shrinking the
// removed servers (T = 0, p = 1) send |M|(|S| − |S'|)/(|S'|·|O|) of their
// clients to M (rebalance_plan_test.cc checks it).
//
// A plan is a versioned value. An operator tool computes it from live counts
// (`cons`, `srvr`, `mntr`, or the admin `connections` command), publishes it
// as JSON (plan_json.h) in a znode, and every following client applies each
// version once: HostProvider::ApplyPlan. A plan has two forms:
//   - probabilistic: per server, move_probability and weight (above);
//   - named ("exact", exact_plan.h): session ids that move and where to.
// A client applies the named form when its session is listed, the
// probabilistic form otherwise. Moves the plan cannot make (clients that do
// not follow plans) are listed in `shed`, for the operator to shed.
#ifndef ZK_HOSTPROVIDER_REBALANCE_PLAN_H_
#define ZK_HOSTPROVIDER_REBALANCE_PLAN_H_

#include <cstdint>
#include <vector>

#include "zk/hostprovider/server_list.h"
#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk {

// An observed connection count.
struct ServerLoad {
  HostPort server;
  uint64_t connections = 0;
};

struct PlanServer {
  HostPort server;
  double load = 0;              // L_i, the count the plan was computed from
  double target = 0;            // T_i
  double move_probability = 0;  // p_i, for clients on it the named form does not list
  double weight = 0;            // w_i, as a destination of probabilistic moves
};

struct SessionMove {
  uint64_t session_id = 0;
  HostPort to;
};

struct ShedRequest {
  HostPort server;
  uint64_t count = 0;  // connections to shed on it (clients that do not follow)
};

struct RebalancePlan {
  uint64_t version = 0;  // > 0; a client follows each version once
  std::vector<PlanServer> servers;
  std::vector<SessionMove> sessions;  // named form: sorted by session_id, unique
  std::vector<ShedRequest> shed;

  // Ok, or kBadArguments naming the first problem: version 0; no server;
  // a server listed twice (identity rule) or with port 0; a probability
  // outside [0, 1]; a negative or non-finite load, target or weight;
  // sessions not sorted or listed twice; a destination or shed server that
  // is not among the servers.
  Status Validate() const;

  // The named move of a session, or nullptr. REQUIRES: sessions sorted.
  const SessionMove* FindSession(uint64_t session_id) const;

  // Σ load·move_probability + named moves.
  double ExpectedMovers() const;
};

// The probabilistic plan for `loads` (which defines the servers; list every
// server, with 0 for new ones). `weights`: empty for equal shares, else one
// non-negative weight per load (0 drains a server), not all 0. Errors:
// kBadArguments (no servers, weights of the wrong size, all weights 0,
// negative or non-finite weights, a server twice).
Result<RebalancePlan> ComputeLoadAwarePlan(uint64_t version, const std::vector<ServerLoad>& loads,
                                           const std::vector<double>& weights = {});

// The real-valued targets: the total of `loads` shared in proportion to
// `weights` (empty: equally). REQUIRES: sizes match; weights valid.
std::vector<double> ShareTargets(const std::vector<uint64_t>& loads,
                                 const std::vector<double>& weights);

// Integer targets summing to the total load, each the floor or the ceiling
// of its real share, with the ceilings given first to the servers whose load
// exceeds their floor the most (which minimises the movers).
// REQUIRES: as ShareTargets.
std::vector<uint64_t> IntegerTargets(const std::vector<uint64_t>& loads,
                                     const std::vector<double>& weights);

// Σ max(0, L_i − T_i).
uint64_t MinimumMovers(const std::vector<uint64_t>& loads, const std::vector<uint64_t>& targets);

// The plan's per-server probabilities and weights laid over `list` (servers
// of the plan that are not in the list are ignored; servers of the list not
// in the plan get 0 and 0).
void ProjectPlan(const RebalancePlan& plan, const ServerList& list, std::vector<double>* move,
                 std::vector<double>* weight);

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_REBALANCE_PLAN_H_
