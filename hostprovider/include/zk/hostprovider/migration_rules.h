// The migration rules of Shraer, Reed, Malkhi, Junqueira, "Dynamic
// Reconfiguration of Primary/Backup Clusters", USENIX ATC 2012, §4 (also
// ZOOKEEPER-1355; Java HostConnectionManager.updateServerList, C update_addrs).
//
// Old list S, new list S'; M = S ∩ S' (kept), O = S \ S' (removed),
// N = S' \ S (added). The rules assume the clients are spread uniformly over
// S and give a uniform *expected* spread over S' while moving the fewest
// clients:
//   growing (|S'| > |S|):
//     client on a kept server:    moves with probability 1 − |S|/|S'|, to N;
//     client on a removed server: moves, to N.
//   shrinking or same size (|S'| <= |S|):
//     client on a kept server:    stays;
//     client on a removed server: moves, to M with probability
//       pM = |M|(|S| − |S'|) / (|S'|·|O|), otherwise to N.
// A moving client tries the servers of its destination group (N or M) first,
// in random order, then those of the other group, then returns to its normal
// order (failover_policy.h). The group is drawn once, when the list changes.
// (The Java and C clients redraw the group before every attempt of the
// migration; the first attempt, which is the one that lands when the servers
// are up, has the same distribution either way. Drawing once keeps a client
// that failed on one server of its group inside the group it was assigned.)
//
// Expected movers from a uniform start: C·max(|O|/|S|, |N|/|S'|), the fewest
// any scheme that ends balanced can move (BalancedStartMinimumMovers).
#ifndef ZK_HOSTPROVIDER_MIGRATION_RULES_H_
#define ZK_HOSTPROVIDER_MIGRATION_RULES_H_

#include <optional>
#include <string_view>

#include "zk/hostprovider/random_source.h"
#include "zk/hostprovider/server_list.h"

namespace zk {

// What a client does with its connection when the server list changes.
enum class MigrationPolicy : uint8_t {
  kNone,           // "none": move only when the current server was removed
  kProbabilistic,  // "probabilistic": the rules above (the default)
  kLoadAware,      // "load-aware": a plan from observed loads (rebalance_plan.h);
                   // without load information, the rules above
};

std::string_view MigrationPolicyName(MigrationPolicy p);
std::optional<MigrationPolicy> ParseMigrationPolicy(std::string_view name);

// The probabilities of the rules for one list change.
struct MigrationProbabilities {
  double move_if_kept = 0.0;          // growing: 1 − |S|/|S'|; otherwise 0
  double new_first_if_kept = 1.0;     // a kept client that moves goes to N
  double new_first_if_removed = 1.0;  // growing: 1; otherwise 1 − pM
};

// REQUIRES: change.new_size > 0.
// If no server was removed (|O| = 0), a client that is on none of the kept
// servers (it named a host outside the old list) is sent to M with
// probability |M|/|S'|, i.e. uniformly over S'; the paper's formula would
// divide by zero there.
MigrationProbabilities PaperProbabilities(const ListChange& change);

struct MigrationDecision {
  bool move = false;
  bool new_group_first = true;  // meaningful when move
};

// The decision of one client: `kept` says whether its (effective) server is
// in the new list. Draws at most two numbers from `random`.
MigrationDecision DecideMigration(const MigrationProbabilities& p, bool kept, RandomSource& random);

// C·max(|O|/|S|, |N|/|S'|): the minimum expected movers of a change from a
// balanced spread of `clients` (0 for an identical set).
double BalancedStartMinimumMovers(const ListChange& change, double clients);

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_MIGRATION_RULES_H_
