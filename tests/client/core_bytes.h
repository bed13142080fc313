// Server-side bytes for driving a SessionCore in unit tests: a length-framed
// payload, a ConnectResponse and a reply (header + body), as a ZooKeeper
// server writes them. Shared by session_core_test.cc and
// sasl_exchange_test.cc.
#ifndef ZK_TESTS_CLIENT_CORE_BYTES_H_
#define ZK_TESTS_CLIENT_CORE_BYTES_H_

#include <cstdint>
#include <string>

#include "zk/wire/jute.h"

namespace zk::test {

inline std::string Frame(const std::string& payload) {
  std::string out;
  wire::Writer w(&out);
  w.Int(static_cast<int32_t>(payload.size()));
  w.Raw(payload);
  return out;
}

// protocol version 0, the negotiated timeout, the session id, a 16-byte
// password of 'p's, and the readOnly flag.
inline std::string ConnectResponse(int32_t timeout, int64_t sid, bool ro = false) {
  std::string p;
  wire::Writer w(&p);
  w.Int(0);
  w.Int(timeout);
  w.Long(sid);
  w.Buffer(std::string(16, 'p'));
  w.Bool(ro);
  return Frame(p);
}

// A ReplyHeader (xid, zxid, err) followed by an already encoded body.
inline std::string ServerReply(int32_t xid, int64_t zxid, int32_t err,
                               const std::string& body = {}) {
  std::string p;
  wire::Writer w(&p);
  w.Int(xid);
  w.Long(zxid);
  w.Int(err);
  w.Raw(body);
  return Frame(p);
}

}  // namespace zk::test

#endif  // ZK_TESTS_CLIENT_CORE_BYTES_H_
