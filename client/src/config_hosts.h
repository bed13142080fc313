// Where a client connects to each member of a dynamic config: what ensemble
// tracking hands to the host provider.
//
// A server line's client address is where the server listens, not always an
// address a client can reach: the reconfiguration guide's bare-port form
//
//   server.1=125.23.63.23:2780:2783:participant;2791
//
// makes ZooKeeper listen on the wildcard and publish 0.0.0.0:2791 (IPv6:
// [0:0:0:0:0:0:0:0]:2791) in /zookeeper/config. A client then connects to
// that server's (first) quorum host on the client port, as Curator's
// EnsembleTracker and zkcli's `servers` do. No I/O, no DNS.
#ifndef ZK_CLIENT_SRC_CONFIG_HOSTS_H_
#define ZK_CLIENT_SRC_CONFIG_HOSTS_H_

#include <string_view>
#include <vector>

#include "zk/wire/host_port.h"

namespace zk::client_internal {

// The client addresses of `config_text` (the data of /zookeeper/config), one
// per `server.N=` line in text order, each wire::ServerSpec::ConnectAddress
// (a wildcard host replaced by the server's first quorum host; ServerSpec
// keeps them sorted, as ZooKeeper prints them). Each line is parsed on its own (wire::ParseServerLine), so
// one line that does not parse costs only that server. Left out: lines that
// do not parse, servers without a client address (they take theirs from a
// static clientPort nobody else can read), client port 0, and duplicates.
std::vector<HostPort> ConnectAddresses(std::string_view config_text);

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_CONFIG_HOSTS_H_
