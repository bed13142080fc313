// Private: host strings as Java's InetSocketAddress reports them. ZooKeeper
// builds every address with `new InetSocketAddress(host, port)` and prints
// getHostString(), so a literal IP comes back in Java's canonical text and a
// name comes back exactly as given. No DNS is involved here.
#ifndef ZK_WIRE_FORMATS_HOST_LITERAL_H_
#define ZK_WIRE_FORMATS_HOST_LITERAL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace zk::wire::internal {

// IPAddressUtil.textToNumericFormatV4: "a.b.c.d" and the BSD short forms
// "a.b.c" (last part 16 bits), "a.b" (24 bits), "a" (32 bits), decimal
// digits only (leading zeros allowed, read as decimal), at most 15 chars.
std::optional<uint32_t> ParseJavaIpv4(std::string_view s);

// IPAddressUtil.textToNumericFormatV6 without the zone: 8 groups of up to 4
// hex digits, one optional "::", an optional trailing dotted quad.
std::optional<std::array<uint8_t, 16>> ParseIpv6(std::string_view s);

// What InetSocketAddress(host, port).getHostString() returns, without DNS:
//  * IPv4 literals (any form above) -> dotted quad "a.b.c.d";
//  * IPv6 literals -> eight lowercase hex groups without compression
//    ("0:0:0:0:0:0:0:1"), a "%zone" suffix kept; an IPv4-mapped address
//    (::ffff:a.b.c.d) becomes the IPv4 dotted quad;
//  * the empty string -> "localhost" (Java resolves "" to the loopback);
//  * anything else (names, invalid literals) -> unchanged.
std::string JavaHostString(std::string_view host);

// True when `host` can travel through every format here: no whitespace or
// control characters, none of "[]" (brackets are syntax), ',' (separates
// servers in `config -c` and reconfig lists), '/' (starts a chroot when a
// client reads the hosts back), '\\' (a Properties escape), and a ':' only
// inside a valid IPv6 literal (optionally with a %zone). Java accepts most of
// these as unresolvable names; nothing could connect to them.
bool IsPlausibleHost(std::string_view host);

}  // namespace zk::wire::internal

#endif  // ZK_WIRE_FORMATS_HOST_LITERAL_H_
