// Per-connection limits of a simulated server, as ZooKeeper 3.8 applies
// them (docs/zksim.md, "Limits"):
//  - jute.maxbuffer: a frame whose length prefix is negative or above it
//    closes that one connection (NIOServerCnxn.readLength), with the
//    reason ZooKeeper logs;
//  - globalOutstandingLimit: past this many requests read and not yet
//    answered, the server stops reading from the connection (ZooKeeper's
//    disableRecv) until it is below again;
//  - unsent reply bytes: a client that sends and never reads would make
//    the server buffer its replies without end; past this many bytes queued
//    for its socket, reading stops as well, until the client has taken half.
// Pure decisions, no I/O; sim_server.cc applies them to its sockets.
#ifndef ZK_SIM_CONNECTION_LIMITS_H_
#define ZK_SIM_CONNECTION_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "zk/wire/jute.h"

namespace zk::sim {

struct ConnectionLimits {
  int64_t jute_max_buffer = wire::kDefaultJuteMaxBuffer;  // 0xfffff
  size_t max_outstanding = 1000;                          // globalOutstandingLimit
  size_t max_unsent_bytes = 4u << 20;
};

// What one connection has taken in and not yet given back.
struct ConnectionLoad {
  size_t outstanding = 0;   // requests read, not yet answered
  size_t unsent_bytes = 0;  // reply bytes the client's socket has not taken
};

// True when reading from the connection must stop.
bool ShouldPauseReading(const ConnectionLimits& limits, const ConnectionLoad& load);
// True when a paused connection may be read again: below half of both
// bounds (hysteresis, so that reading does not flap at the bound).
bool ShouldResumeReading(const ConnectionLimits& limits, const ConnectionLoad& load);

// ZooKeeper 3.8's log line for a refused frame length:
// "Len error. A message from /127.0.0.1:4711 with advertised length of
// 1048576 is either a malformed message or too large to process (length is
// greater than jute.maxbuffer=1048575)".
std::string FrameLengthError(const std::string& remote_ip, int remote_port, int64_t length,
                             int64_t jute_max_buffer);

// The length prefix at the start of `buffered` (big-endian int32), if four
// bytes are there.
bool PeekFrameLength(std::string_view buffered, int64_t* length);

}  // namespace zk::sim

#endif  // ZK_SIM_CONNECTION_LIMITS_H_
