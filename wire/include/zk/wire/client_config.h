// The client's view of the dynamic config: the line `config -c` prints
// (ConfigUtils.getClientConfigStr) and what a client makes of it.
//
//   100000000 127.0.0.1:2192,127.0.0.1:2191,127.0.0.1:2193
//
// Elements follow the iteration order of java.util.Properties over the keys
// of the config text, not id order.
#ifndef ZK_WIRE_CLIENT_CONFIG_H_
#define ZK_WIRE_CLIENT_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/host_port.h"
#include "zk/wire/server_spec.h"
#include "zk/wire/status.h"

namespace zk::wire {

// What zkCli's `config -c` prints for `config_data` (the data of
// /zookeeper/config): "<version> <elements>", where <version> is the value of
// the version key verbatim ("" if there is none, so the line then starts with
// a space) and there is one element per server.* key, in Properties order:
//  * "host:port" of the client address, the host as Java prints it
//    (0.0.0.0 stays 0.0.0.0; IPv6 without brackets: "0:0:0:0:0:0:0:1:2181");
//  * "" for a server without a client address (so "a:1,,b:2" can appear);
//  * nothing at all (not even a comma) for a server line that does not parse.
// Never fails, like ZooKeeper's. zkCli runs without
// -Dzookeeper.multiAddress.enabled, so to print exactly what it prints pass
// {.multi_address_enabled = false}: servers with '|' then count as lines that
// do not parse.
std::string ClientConfigString(std::string_view config_data, const ServerSpecOptions& options = {});

// A `config -c` line as a client reads it back (the Java client feeds the
// part after the space to updateServerList).
struct ClientConfig {
  int64_t version = 0;
  // Hosts normalised as connect-string hosts (lowercased, canonical IP
  // literals, see connect_string.h), so they compare equal to the hosts of
  // a connect string naming the same servers. Empty elements are skipped.
  std::vector<HostPort> hosts;

  // "<hex version> host:port,…" in the form `config -c` uses (IPv6 without
  // brackets). ParseClientConfig(ToString()) gives back an equal value.
  std::string ToString() const;

  friend bool operator==(const ClientConfig&, const ClientConfig&) = default;
};

// Parses "<hex version> <host:port>[,<host:port>]*". Errors (kBadArguments):
// no space, a version that is not hex (Java's Long.parseLong(v, 16), so a
// line starting with a space fails), an element that is not a valid
// connect-string element, no host at all (a client must not switch to an
// empty server list).
Result<ClientConfig> ParseClientConfig(std::string_view line);

}  // namespace zk::wire

#endif  // ZK_WIRE_CLIENT_CONFIG_H_
