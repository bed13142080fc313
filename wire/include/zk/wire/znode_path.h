// ZooKeeper's znode path rules (PathUtils.validatePath), used for the chroot
// suffix of connect strings and by zkcli, and the chroot stripping a client
// applies to the paths a server sends back.
#ifndef ZK_WIRE_ZNODE_PATH_H_
#define ZK_WIRE_ZNODE_PATH_H_

#include <string>
#include <string_view>

#include "zk/wire/status.h"

namespace zk::wire {

// Ok if `path` is a valid absolute znode path: starts with '/', does not end
// with '/' (unless it is "/"), has no empty, "." or ".." component, and no
// NUL, control (U+0001–U+001F, U+007F–U+009F), surrogate, private-use
// (U+D800–U+F8FF) or U+FFF0–U+FFFF character. `path` is UTF-8; invalid UTF-8
// counts as U+FFFD (invalid), as it would once decoded by Java. Otherwise
// kBadArguments with Java's message, e.g.
//   Invalid path string "//b" caused by empty node name specified @1
// (positions count UTF-16 units, as Java's do).
Status ValidateZnodePath(std::string_view path);
// As a client checks the path of a request (PathUtils.validatePath(path,
// isSequential)): for a sequential create the server appends the counter,
// so `path` + "1" is what must be valid ("/a/" is then allowed).
Status ValidateZnodePath(std::string_view path, bool sequential);

// The client's view of a server path under `chroot` (ZooKeeper's
// ClientCnxn.stripChroot): `chroot` itself becomes "/", "<chroot>/x" becomes
// "/x", anything else (a path outside the chroot) is returned unchanged, as
// is every path when `chroot` is empty. `chroot` is as ConnectString holds
// it: "" or a valid path other than "/".
std::string StripChroot(std::string_view chroot, std::string path);

}  // namespace zk::wire

#endif  // ZK_WIRE_ZNODE_PATH_H_
