// zk::Resolver — the name-resolution seam of a Client (ClientOptions::resolver).
//
// A server of the connect string whose host is a name (not an IP literal) is
// resolved again at every connection attempt, never cached across attempts.
// By default that is the system resolver (getaddrinfo on libuv's thread
// pool, every address of both families). A Resolver replaces it: a test
// injects a name → addresses answer, an application its own discovery.
#ifndef ZK_CLIENT_RESOLVER_H_
#define ZK_CLIENT_RESOLVER_H_

#include <functional>
#include <vector>

#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk {

// Given one server of the list ("zk1:2181"; the port is the connect
// string's, 2181 when it names none), returns the addresses to try: each an
// IPv4 or IPv6 literal (no brackets needed) with a port, normally
// server.port. An entry that is not an IP literal is skipped. An error or an
// empty answer fails this attempt like an unknown name (connection loss; the
// client moves on to the next server). The client tries the answer in its
// own shuffled order (docs/client.md). Called on the loop thread, once per
// attempt (the read-only probe's included), from inside the client's own
// processing: it must not block the loop nor call the Client.
using Resolver = std::function<Result<std::vector<HostPort>>(const HostPort& server)>;

}  // namespace zk

#endif  // ZK_CLIENT_RESOLVER_H_
