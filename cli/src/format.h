// How zkCli.sh (3.8) prints things: Stat blocks, ACLs, watch events and
// KeeperException messages. Pure functions, no I/O.
#ifndef ZK_CLI_FORMAT_H_
#define ZK_CLI_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zk/client/client.h"

namespace zk::cli {

// java.util.Date.toString() in the process's time zone:
// "Sun Nov 22 03:00:23 UTC 2026".
std::string FormatJavaDate(int64_t epoch_ms);

// The 11 lines of StatPrinter, each ending in '\n':
//   cZxid = 0x5 / ctime = … / … / numChildren = 2
std::string FormatStat(const Stat& stat);

// "cdrwa" order (c d r w a), as zkCli's getAcl prints permissions.
std::string FormatPerms(int32_t perms);

// getAcl's output for one entry: "'world,'anyone\n: cdrwa\n".
std::string FormatAcl(const Acl& acl);

// Parses "r", "cdrwa", … Unknown letters are reported in `unknown` (zkCli
// prints "Unknown perm type: x" and ignores them).
int32_t ParsePerms(std::string_view perms, std::string* unknown = nullptr);

// zkCli's AclParser: "scheme:id:perm[,scheme:id:perm]*". An element without
// two ':' is skipped with a message "<elem> does not have the form
// scheme:id:perm" appended to `complaints` (one line each).
std::vector<Acl> ParseAclList(std::string_view text, std::vector<std::string>* complaints);

// "WatchedEvent state:SyncConnected type:NodeDataChanged path:/x" (the path
// is "null" for session events, as Java prints a null path).
std::string FormatEvent(const WatchEvent& event);
// The same for a session state change; nullopt for kConnecting (zkCli
// prints nothing then).
std::optional<std::string> FormatSessionEvent(SessionState state);
// Java's KeeperState name for a session state ("SyncConnected", "Closed", …).
std::string_view KeeperStateText(SessionState state);
// zkCli prompt state: "CONNECTED", "CONNECTING", "CLOSED", "AUTH_FAILED", …
std::string_view PromptStateText(SessionState state);

// KeeperException.getMessage() as zkCli prints it:
// "Node does not exist: /a", "version No is not valid : /a",
// "KeeperErrorCode = ConnectionLoss for /a", "KeeperErrorCode = MarshallingError".
// `path` is nullopt when the exception carries no path (then no " for …").
std::string KeeperMessage(Error e, const std::optional<std::string>& path);

}  // namespace zk::cli

#endif  // ZK_CLI_FORMAT_H_
