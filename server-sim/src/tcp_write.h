// Writing to an accepted libuv TCP connection without SIGPIPE.
//
// zksim's servers run inside SDK programs and tests (zksim run, the
// embedded ensembles of the test suites), whose SIGPIPE is at its default:
// a write to a client that closed or reset its connection must be an error
// value, never a signal that ends the process. libuv's uv_write uses
// write(2), which raises SIGPIPE, so what the socket takes at once is sent
// with send(MSG_NOSIGNAL) first; only a rest that does not fit (a client
// that stopped reading) goes through uv_write. The `zksim` program also
// ignores SIGPIPE for itself, as servers do.
#ifndef ZK_SIM_TCP_WRITE_H_
#define ZK_SIM_TCP_WRITE_H_

#include <uv.h>

#include <string>

namespace zk::sim {

// Writes `data` (in order after anything still queued on the handle).
// Returns false when the peer is gone (EPIPE, ECONNRESET, ...); then nothing
// was queued and the caller should close the connection.
bool WriteNoSignal(uv_tcp_t* tcp, std::string data);

}  // namespace zk::sim

#endif  // ZK_SIM_TCP_WRITE_H_
