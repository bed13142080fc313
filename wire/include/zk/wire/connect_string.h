// Client connect strings: "host:port,host:port/chroot", as given to
// zookeeper_init / new ZooKeeper(...) and to updateServerList.
#ifndef ZK_WIRE_CONNECT_STRING_H_
#define ZK_WIRE_CONNECT_STRING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk::wire {

inline constexpr uint16_t kDefaultClientPort = 2181;

struct ConnectString {
  std::vector<HostPort> hosts;  // in the order given; duplicates kept
  std::string chroot;           // "" for none; otherwise a valid znode path != "/"

  // "h1:2181,[0:0:0:0:0:0:0:1]:2182/app": every port written out, IPv6 in
  // brackets. Parsing the result gives back an equal ConnectString.
  std::string ToString() const;

  friend bool operator==(const ConnectString&, const ConnectString&) = default;
};

// Parses a connect string the way Java's ConnectStringParser splits it:
//  * the chroot is everything from the first '/'; it must be a valid znode
//    path (ValidateZnodePath); "/" alone means no chroot;
//  * the rest is split on ','; elements are trimmed and empty ones skipped;
//  * an element is "[ipv6]", "[ipv6]:port", "host" or "host:port" (split at
//    the last ':', so an unbracketed full IPv6 address with a port, as
//    `config -c` prints it, works); a trailing ':' means the default port.
// Normalisation (see HostPort's identity rule): host names are lowercased,
// IP literals are canonicalised as Java prints them (IPv4 dotted quad, IPv6
// as eight hex groups "0:0:0:0:0:0:0:1", IPv4-mapped IPv6 as IPv4), brackets
// are dropped.
// Stricter than Java, which accepts these and fails later when connecting:
// an empty host (":2181", "[]"), a host with whitespace or control
// characters, an unbracketed host containing ':' that is not an IPv6
// literal ("::1" is rejected, write "[::1]"), port 0, and no hosts at all.
// Errors are kBadArguments naming the element (1-based) and the problem.
Result<ConnectString> ParseConnectString(std::string_view text);

// One "host[:port]" element as above, with the default port when none is
// given. Used for connect strings and for the hosts of `config -c`.
Result<HostPort> ParseHostPortElement(std::string_view element,
                                      uint16_t default_port = kDefaultClientPort);

}  // namespace zk::wire

#endif  // ZK_WIRE_CONNECT_STRING_H_
