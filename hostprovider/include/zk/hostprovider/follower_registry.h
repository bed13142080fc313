// How sessions that follow plans make themselves known, so that an exact
// plan names only sessions that will act on it.
//
// Design (docs/hostprovider.md, "Followers"):
//   - A zkbalance session with plan following on creates, once connected,
//     the ephemeral znode  /zkbalance/followers/<session id as 0x%016x>
//     (data: a small JSON {"client": "zkbalance/<version>"}; ACL: world
//     read, creator all). Being ephemeral it lives exactly as long as the
//     session, across moves between servers, with no cleanup.
//   - Every client (follower or not) is visible per server through `cons` or
//     the admin `connections` command, which list session ids.
//   - The operator tool reads both, joins them (JoinFollowers), computes
//     ComputeExactPlan, and writes the plan JSON to /zkbalance/plan with a
//     new version; followers watch that znode.
//   - Non-followers (other client libraries, zkbalance with tracking off)
//     are only counted. The part of an excess they hold is in the plan's
//     `shed` list.
#ifndef ZK_HOSTPROVIDER_FOLLOWER_REGISTRY_H_
#define ZK_HOSTPROVIDER_FOLLOWER_REGISTRY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zk/hostprovider/exact_plan.h"

namespace zk {

inline constexpr std::string_view kFollowersZnode = "/zkbalance/followers";
inline constexpr std::string_view kPlanZnode = "/zkbalance/plan";

// "0x" and 16 lowercase hex digits.
std::string FollowerZnodeName(uint64_t session_id);
// kFollowersZnode + "/" + FollowerZnodeName(session_id).
std::string FollowerZnodePath(uint64_t session_id);
// The session id of a child of kFollowersZnode; nullopt for any other name.
std::optional<uint64_t> ParseFollowerZnodeName(std::string_view name);

// What one server reports about its connections.
struct ServerConnections {
  HostPort server;
  bool sessions_known = true;      // false when `cons` could not be read there
  uint64_t connections = 0;        // used when !sessions_known
  std::vector<uint64_t> sessions;  // from `cons` (session 0 and duplicates are ignored)
};

// Joins the per-server session lists with the registry's children (names
// that do not parse are ignored). A session listed by two servers (it moved
// while the tool read them) is counted on the first only, so no plan names a
// session twice.
std::vector<ServerSessions> JoinFollowers(const std::vector<ServerConnections>& servers,
                                          const std::vector<std::string>& follower_children);

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_FOLLOWER_REGISTRY_H_
