// One ensemble member as written in a `server.N=` line:
//
//   server.<id>=<addr>:<quorumPort>:<electionPort>[:<role>][|<addr>:…]…[;[<clientAddr>:]<clientPort>]
//
// the grammar of ZooKeeper 3.5–3.9 (QuorumPeer.QuorumServer). HEAD's second
// ';' (secure client address) is not supported, as in 3.8 and 3.9.
#ifndef ZK_WIRE_SERVER_SPEC_H_
#define ZK_WIRE_SERVER_SPEC_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk::wire {

enum class LearnerType { kParticipant, kObserver };

// "participant" or "observer", as written in server lines.
std::string_view LearnerTypeName(LearnerType t);

// One quorum address pair of a server.
struct QuorumAddress {
  // The host as ZooKeeper prints it: names exactly as given (case kept), IP
  // literals in Java's canonical text (see ParseServerSpec).
  std::string host;
  uint16_t quorum_port = 0;
  uint16_t election_port = 0;

  friend auto operator<=>(const QuorumAddress&, const QuorumAddress&) = default;
  friend bool operator==(const QuorumAddress&, const QuorumAddress&) = default;
};

struct ServerSpec {
  int64_t id = 0;
  // At least one. The parser stores them sorted by (host, ports), which is
  // the order ZooKeeper prints them in.
  std::vector<QuorumAddress> addresses;
  LearnerType type = LearnerType::kParticipant;
  // Absent when the line has no ';' part (the server then takes its client
  // port from the static clientPort/clientPortAddress). A bare port gives
  // host "0.0.0.0", as ZooKeeper writes it. Host as for QuorumAddress.
  std::optional<HostPort> client;

  bool is_participant() const { return type == LearnerType::kParticipant; }

  // Where a client reaches this server: the client address, with a
  // wildcard host (IsWildcardHost: the guide's bare-port form makes
  // ZooKeeper publish 0.0.0.0:port) replaced by the first quorum address's
  // host, as Curator's EnsembleTracker does. nullopt without a client
  // address.
  std::optional<HostPort> ConnectAddress() const;

  // The value as ZooKeeper writes it (QuorumServer.toString()): addresses
  // sorted by host and joined with '|', the role always written, then
  // ";host:port" when there is a client address (IPv6 hosts in brackets):
  //   127.0.0.1:2884:3884:observer;0.0.0.0:2194
  std::string SpecString() const;
  // "server.<id>=" + SpecString().
  std::string ToLine() const;

  friend bool operator==(const ServerSpec&, const ServerSpec&) = default;
};

// True for 0.0.0.0 and the IPv6 unspecified address in the spellings the
// parsers produce ("::", "0:0:0:0:0:0:0:0"): a listening address no client
// can connect to.
bool IsWildcardHost(std::string_view host);

struct ServerSpecOptions {
  // ZooKeeper accepts '|' (several addresses) only when its JVM runs with
  // -Dzookeeper.multiAddress.enabled=true; the default there is false. We
  // accept them unless this is set to false.
  bool multi_address_enabled = true;
};

// Parses the value of a server line for server `id`. Surrounding whitespace
// is trimmed (ZooKeeper would keep trailing blanks and fail on them).
//
// Hosts are normalised as Java's InetSocketAddress reports them, without DNS:
// IPv4 literals (also Java's short forms "127.1", "1111") become dotted
// quads, IPv6 literals eight lowercase hex groups ("[::1]" ->
// "0:0:0:0:0:0:0:1"), IPv4-mapped IPv6 the IPv4 quad, an empty host
// "localhost" (Java resolves "" to the loopback); names are kept verbatim.
//
// Errors, each with its own message naming the offending part (ZooKeeper's
// wording in parentheses where it has one):
//  * kBadArguments (ZooKeeper's ConfigException; reconfig answers
//    BadArguments):
//    - more than one ';' ("does not have the form server_config or
//      server_config;client_config…");
//    - an address without exactly 3 or 4 ':'-separated fields (same);
//    - a client part with more than host:port;
//    - a '[' without ']', "[v6]:" without port, "[v6]x" without ':';
//    - a non-numeric port ("Address unresolved: host:port");
//    - quorum port == election port ("Client and election port must be
//      different!");
//    - an unknown role ("Unrecognised peertype: x"), trimmed and
//      case-insensitive otherwise;
//    - addresses with different explicit roles ("Multiple addresses should
//      have similar roles");
//    - '|' while multi_address_enabled is false ("Multiple address feature
//      is disabled…");
//    - stricter than ZooKeeper (which takes these for unresolvable names
//      or silently merges them): no address at all ("|"); a host with
//      whitespace, control characters, brackets, ',', '/' or '\'; a
//      bracketed host that is not an IPv6 literal ("[1::2::3]"); the same
//      quorum or election address twice in one server.
//  * kMarshallingError (a Java unchecked exception in ZooKeeper; reconfig
//    answers MarshallingError):
//    - a port outside 0..65535 ("port out of range:N");
//    - a value made of ';' only, or a client part made of ':' only.
Result<ServerSpec> ParseServerSpec(int64_t id, std::string_view spec,
                                   const ServerSpecOptions& options = {});

// The id of a "server.<id>" key: Long.parseLong of the text after the first
// '.'. kMarshallingError if it is not a number (as ZooKeeper's
// NumberFormatException).
Result<int64_t> ParseServerKeyId(std::string_view key);

// A whole line "server.<id>=<spec>" or the short "<id>=<spec>" of
// `reconfig -add`, whitespace allowed around '=' ("server.5 = 1.2.3.4:1:2;3").
Result<ServerSpec> ParseServerLine(std::string_view line, const ServerSpecOptions& options = {});

// The joiningServers string of an incremental reconfig, as the leader reads
// it: split on ',' (items trimmed, empty items skipped); each item must split
// on '=' into exactly two non-empty parts ("Wrong format of server string");
// the id is the text after the last '.' of the key, so "server.5" and "5"
// both work; the spec must parse and must have a client address ("each server
// should have 3 ports specified"). The CLI lowercases the whole argument
// before sending it; this function does not.
Result<std::vector<ServerSpec>> ParseJoiningServers(std::string_view joining,
                                                    const ServerSpecOptions& options = {});

// The leavingServers string: comma-separated ids (trimmed, empties skipped).
// kMarshallingError for an id that is not a number, as ZooKeeper answers.
Result<std::vector<int64_t>> ParseLeavingServers(std::string_view leaving);

// The check ZooKeeper makes before adding a joiner in an incremental
// reconfig (QuorumServer.checkAddressDuplicate): nullopt when no quorum,
// election or client address of `joiner` equals one of `member`'s; otherwise
// a message "<addr> of server.<a> conflicts <addr> of server.<b>". Like
// ZooKeeper, wildcard (0.0.0.0, ::) and loopback (127.0.0.0/8, ::1,
// "localhost") addresses are never compared. Names compare
// case-insensitively (ZooKeeper compares resolved IPs; there is no DNS here).
std::optional<std::string> FindAddressConflict(const ServerSpec& joiner, const ServerSpec& member);

}  // namespace zk::wire

#endif  // ZK_WIRE_SERVER_SPEC_H_
