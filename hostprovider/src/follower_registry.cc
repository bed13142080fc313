#include "zk/hostprovider/follower_registry.h"

#include <fmt/format.h>

#include <charconv>
#include <unordered_set>

namespace zk {

std::string FollowerZnodeName(uint64_t session_id) { return fmt::format("0x{:016x}", session_id); }

std::string FollowerZnodePath(uint64_t session_id) {
  return fmt::format("{}/{}", kFollowersZnode, FollowerZnodeName(session_id));
}

std::optional<uint64_t> ParseFollowerZnodeName(std::string_view name) {
  if (name.size() != 18 || name.substr(0, 2) != "0x") return std::nullopt;
  uint64_t id = 0;
  const char* first = name.data() + 2;
  const char* last = name.data() + name.size();
  for (const char* p = first; p != last; ++p) {
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return std::nullopt;
  }
  auto [ptr, ec] = std::from_chars(first, last, id, 16);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return id;
}

std::vector<ServerSessions> JoinFollowers(const std::vector<ServerConnections>& servers,
                                          const std::vector<std::string>& follower_children) {
  std::unordered_set<uint64_t> followers;
  for (const std::string& child : follower_children) {
    if (auto id = ParseFollowerZnodeName(child)) followers.insert(*id);
  }
  std::unordered_set<uint64_t> placed;
  std::vector<ServerSessions> out;
  out.reserve(servers.size());
  for (const ServerConnections& sc : servers) {
    ServerSessions ss;
    ss.server = sc.server;
    ss.sessions_known = sc.sessions_known;
    if (!sc.sessions_known) {
      ss.connections = sc.connections;
      out.push_back(std::move(ss));
      continue;
    }
    for (uint64_t id : sc.sessions) {
      if (id == 0 || !placed.insert(id).second) continue;
      ++ss.connections;
      if (followers.count(id) != 0) ss.followers.push_back(id);
    }
    out.push_back(std::move(ss));
  }
  return out;
}

}  // namespace zk
