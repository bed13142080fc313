#include "format.h"

#include <time.h>

#include <fmt/format.h>

namespace zk::cli {

std::string FormatJavaDate(int64_t epoch_ms) {
  time_t secs = static_cast<time_t>(epoch_ms / 1000);
  if (epoch_ms < 0 && epoch_ms % 1000 != 0) --secs;
  struct tm tm {};
  localtime_r(&secs, &tm);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Z %Y", &tm);
  return std::string(buf, n);
}

std::string FormatStat(const Stat& s) {
  return fmt::format(
      "cZxid = 0x{:x}\nctime = {}\nmZxid = 0x{:x}\nmtime = {}\npZxid = 0x{:x}\ncversion = {}\n"
      "dataVersion = {}\naclVersion = {}\nephemeralOwner = 0x{:x}\ndataLength = {}\n"
      "numChildren = {}\n",
      static_cast<uint64_t>(s.czxid), FormatJavaDate(s.ctime), static_cast<uint64_t>(s.mzxid),
      FormatJavaDate(s.mtime), static_cast<uint64_t>(s.pzxid), s.cversion, s.version, s.aversion,
      static_cast<uint64_t>(s.ephemeral_owner), s.data_length, s.num_children);
}

std::string FormatPerms(int32_t perms) {
  std::string out;
  if (perms & wire::kPermCreate) out += 'c';
  if (perms & wire::kPermDelete) out += 'd';
  if (perms & wire::kPermRead) out += 'r';
  if (perms & wire::kPermWrite) out += 'w';
  if (perms & wire::kPermAdmin) out += 'a';
  return out;
}

std::string FormatAcl(const Acl& acl) {
  return fmt::format("'{},'{}\n: {}\n", acl.id.scheme, acl.id.id, FormatPerms(acl.perms));
}

int32_t ParsePerms(std::string_view perms, std::string* unknown) {
  int32_t p = 0;
  for (char c : perms) {
    switch (c) {
      case 'r': p |= wire::kPermRead; break;
      case 'w': p |= wire::kPermWrite; break;
      case 'c': p |= wire::kPermCreate; break;
      case 'd': p |= wire::kPermDelete; break;
      case 'a': p |= wire::kPermAdmin; break;
      default:
        if (unknown != nullptr) *unknown += c;
    }
  }
  return p;
}

std::vector<Acl> ParseAclList(std::string_view text, std::vector<std::string>* complaints) {
  std::vector<Acl> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view a = text.substr(start, end - start);
    start = end + 1;
    size_t first = a.find(':');
    size_t last = a.rfind(':');
    if (first == std::string_view::npos || first == last) {
      complaints->push_back(fmt::format("{} does not have the form scheme:id:perm", a));
      continue;
    }
    Acl acl;
    acl.id.scheme = std::string(a.substr(0, first));
    acl.id.id = std::string(a.substr(first + 1, last - first - 1));
    std::string unknown;
    acl.perms = ParsePerms(a.substr(last + 1), &unknown);
    for (char c : unknown) complaints->push_back(fmt::format("Unknown perm type: {}", c));
    out.push_back(std::move(acl));
  }
  return out;
}

std::string_view KeeperStateText(SessionState state) {
  switch (state) {
    case SessionState::kConnecting: return "Disconnected";
    case SessionState::kConnected: return "SyncConnected";
    case SessionState::kConnectedReadOnly: return "ConnectedReadOnly";
    case SessionState::kDisconnected: return "Disconnected";
    case SessionState::kExpired: return "Expired";
    case SessionState::kAuthFailed: return "AuthFailed";
    case SessionState::kClosed: return "Closed";
  }
  return "Unknown";
}

std::string_view PromptStateText(SessionState state) {
  switch (state) {
    case SessionState::kConnecting: return "CONNECTING";
    case SessionState::kConnected: return "CONNECTED";
    case SessionState::kConnectedReadOnly: return "CONNECTEDREADONLY";
    case SessionState::kDisconnected: return "CONNECTING";
    case SessionState::kExpired: return "CLOSED";
    case SessionState::kAuthFailed: return "AUTH_FAILED";
    case SessionState::kClosed: return "CLOSED";
  }
  return "NOT_CONNECTED";
}

std::string FormatEvent(const WatchEvent& event) {
  return fmt::format("WatchedEvent state:{} type:{} path:{}", KeeperStateText(event.state),
                     wire::EventTypeName(event.type), event.path.empty() ? "null" : event.path);
}

std::optional<std::string> FormatSessionEvent(SessionState state) {
  if (state == SessionState::kConnecting) return std::nullopt;
  return fmt::format("WatchedEvent state:{} type:None path:null", KeeperStateText(state));
}

std::string KeeperMessage(Error e, const std::optional<std::string>& path) {
  const std::string p = path.value_or("null");
  switch (e) {
    case Error::kNoNode: return "Node does not exist: " + p;
    case Error::kNodeExists: return "Node already exists: " + p;
    case Error::kNotEmpty: return "Node not empty: " + p;
    case Error::kNoChildrenForEphemerals: return "Ephemerals cannot have children: " + p;
    case Error::kNotReadOnly: return "Not a read-only call: " + p;
    case Error::kInvalidAcl: return "Acl is not valid : " + p;
    case Error::kNoAuth: return "Insufficient permission : " + p;
    case Error::kBadArguments: return "Arguments are not valid : " + p;
    case Error::kBadVersion: return "version No is not valid : " + p;
    case Error::kQuotaExceeded: return "Quota has exceeded : " + p;
    case Error::kReconfigInProgress:
      return "Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)";
    case Error::kNewConfigNoQuorum:
      return "No quorum of new config is connected and up-to-date with the leader of last committed "
             "config - try invoking reconfiguration after new servers are connected and synced";
    default: break;
  }
  std::string msg = fmt::format("KeeperErrorCode = {}", ErrorMessage(e));
  if (path && !path->empty()) msg += " for " + *path;
  return msg;
}

}  // namespace zk::cli
