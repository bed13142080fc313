// A server address as it appears in connect strings and server lists.
#ifndef ZK_WIRE_HOST_PORT_H_
#define ZK_WIRE_HOST_PORT_H_

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "zk/wire/status.h"

namespace zk {

// Identity rule (used by the host provider, see docs/hostprovider.md): two
// HostPorts are the same server iff host strings are equal after lowercasing
// (the parsers lowercase names and strip IPv6 brackets) and the ports are
// equal. No DNS resolution is involved, so "localhost:2181" and
// "127.0.0.1:2181" are different entries, and "h:2181" and "h:2182" are
// always different servers.
struct HostPort {
  std::string host;  // name, IPv4 literal, or IPv6 literal without brackets
  uint16_t port = 0;

  // "host:port", with brackets around an IPv6 literal: "[::1]:2181".
  std::string ToString() const;
  bool IsIpv6Literal() const { return host.find(':') != std::string::npos; }

  friend auto operator<=>(const HostPort&, const HostPort&) = default;
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// One server address: "host:port" or "[v6]:port", port 1..65535 required,
// host lowercased and without brackets. For single addresses in JSON (plans,
// simulator configs, experiment scenarios); connect strings (lists, a
// default port, a chroot) go through ParseConnectString/ParseHostPortElement
// (connect_string.h). Errors: kBadArguments, `"x" is not host:port (why)`.
Result<HostPort> ParseServerAddress(std::string_view text);

}  // namespace zk

template <>
struct std::hash<zk::HostPort> {
  std::size_t operator()(const zk::HostPort& h) const noexcept {
    return std::hash<std::string>()(h.host) * 31u + h.port;
  }
};

template <>
struct fmt::formatter<zk::HostPort> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const zk::HostPort& h, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(h.ToString(), ctx);
  }
};

#endif  // ZK_WIRE_HOST_PORT_H_
