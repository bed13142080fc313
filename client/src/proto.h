// The session core's view of the wire format: the handful of frames the core
// itself builds or reads (handshake, headers, notifications, SetWatches,
// auth). Implemented in proto.cc on top of zk/wire (jute codec, records,
// FrameSplitter); the core never sees jute directly, so the codec can change
// without touching the state machine.
#ifndef ZK_CLIENT_SRC_PROTO_H_
#define ZK_CLIENT_SRC_PROTO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/status.h"

namespace zk::client_internal {

// Opcodes and special xids used by the core.
inline constexpr int32_t kXidNotification = -1;
inline constexpr int32_t kXidPing = -2;
inline constexpr int32_t kXidAuth = -4;
inline constexpr int32_t kXidSetWatches = -8;
inline constexpr int32_t kOpPing = 11;
inline constexpr int32_t kOpAuth = 100;
inline constexpr int32_t kOpSetWatches = 101;
inline constexpr int32_t kOpSasl = 102;
inline constexpr int32_t kOpSetWatches2 = 105;
inline constexpr int32_t kOpCloseSession = -11;

// The default frame limit, both ways (SessionConfig::max_frame_bytes):
// jute.maxbuffer's default, 0xfffff, which Java's client also applies to
// replies (ZKClientConfig.CLIENT_MAX_PACKET_LENGTH_DEFAULT).
inline constexpr uint32_t kMaxFrameBytes = 0xfffff;

// The dynamic config znode. Its path is never chroot-prefixed (GetConfig,
// GetData/Sync of this path, and its data watch after a reconnect).
inline constexpr std::string_view kConfigZnode = "/zookeeper/config";

struct ConnectParams {
  int64_t last_zxid = 0;
  int32_t timeout_ms = 0;
  int64_t session_id = 0;
  std::string passwd;  // 16 bytes
  bool read_only = false;
};

struct ConnectReply {
  int32_t timeout_ms = 0;
  int64_t session_id = 0;
  std::string passwd;
  bool read_only = false;
};

struct ReplyHeader {
  int32_t xid = 0;
  int64_t zxid = 0;
  int32_t err = 0;
};

struct RawWatcherEvent {
  int32_t type = 0;
  int32_t state = 0;
  std::string path;
};

// Length-prefixed frames ready for the socket.
std::string FrameConnect(const ConnectParams& p);
std::string FrameRequest(int32_t xid, int32_t op, std::string_view body);

// Payloads (length prefix already removed).
Result<ConnectReply> ParseConnectReply(std::string_view payload);
// On success *body is the rest of the payload after the header.
Result<ReplyHeader> ParseReplyHeader(std::string_view payload, std::string_view* body);
Result<RawWatcherEvent> ParseWatcherEvent(std::string_view body);

// Request bodies built by the core.
std::string EncodeAuth(std::string_view scheme, std::string_view auth);
// sasl (102): GetSASLRequest{token}, answered by SetSASLResponse{token};
// a null token (the server's answer to a refusal) reads as "".
std::string EncodeSaslRequest(std::string_view token);
Result<std::string> ParseSaslResponse(std::string_view body);
struct WatchLists {
  std::vector<std::string> data, exist, child, persistent, recursive;
};
// SetWatches2 when persistent lists are non-empty, else SetWatches; *op gets
// the opcode.
std::string EncodeSetWatches(int64_t relative_zxid, const WatchLists& w, int32_t* op);

// Splits a byte stream into frames. Returns false (and sets *error) on a
// frame length that is negative or above max_bytes: kMarshallingError
// "reply frame length N is out of range (max_frame_bytes M)".
class FrameReader {
 public:
  explicit FrameReader(uint32_t max_bytes = kMaxFrameBytes) : max_(max_bytes) {}
  void Feed(const char* data, size_t len) { buf_.append(data, len); }
  // Next complete payload, or false if none yet / on error.
  bool Next(std::string* payload, Status* error);
  void Reset() {
    buf_.clear();
    pos_ = 0;
  }
  void SetMax(uint32_t max_bytes) { max_ = max_bytes; }

 private:
  std::string buf_;
  size_t pos_ = 0;
  uint32_t max_;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_PROTO_H_
