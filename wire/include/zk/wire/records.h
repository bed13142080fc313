// The records shared by every exchange: data types (Id, Acl, Stat,
// ClientInfo), the handshake (ConnectRequest/ConnectResponse), headers
// (RequestHeader, ReplyHeader, MultiHeader), WatcherEvent and ErrorResponse.
// Per-operation bodies are in requests.h and responses.h, multi in multi.h,
// typed dispatch by opcode in messages.h.
//
// Field order is exactly the serialized order. Each
// record has Encode/Decode overloads (see jute.h) and operator==. A Decode
// that fails leaves *out valid but unspecified; the reason is r.status().
// Decoders check syntax only: a bad path or an unknown enum value is the
// caller's business, and enum values are kept as read.
//
// Null handling: a buffer or string that the protocol really sends as null
// (length -1) is a std::optional, so that null and empty stay distinct and
// re-encode byte for byte. Elsewhere a null string, buffer or vector decodes
// as empty (ZooKeeper never sends one there) and encodes as empty.
#ifndef ZK_WIRE_RECORDS_H_
#define ZK_WIRE_RECORDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "zk/wire/error.h"
#include "zk/wire/jute.h"
#include "zk/wire/protocol.h"

namespace zk::wire {

// ---------------------------------------------------------------- data

struct Id {
  std::string scheme;  // "world", "digest", "ip", "auth", "super", ...
  std::string id;      // "anyone", "user:base64(sha1)", "127.0.0.1", ...
  bool operator==(const Id&) const = default;
};

struct Acl {
  int32_t perms = 0;  // kPerm* bits
  Id id;
  bool operator==(const Acl&) const = default;
};

// OPEN_ACL_UNSAFE [31, world:anyone], READ_ACL_UNSAFE [1, world:anyone],
// CREATOR_ALL_ACL [31, auth:""].
std::vector<Acl> OpenAclUnsafe();
std::vector<Acl> ReadAclUnsafe();
std::vector<Acl> CreatorAllAcl();

// A znode's metadata, 68 bytes on the wire.
struct Stat {
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t ctime = 0;  // epoch milliseconds
  int64_t mtime = 0;
  int32_t version = 0;
  int32_t cversion = 0;
  int32_t aversion = 0;
  int64_t ephemeral_owner = 0;  // session id, 0, kContainerEphemeralOwner or TTL bits
  int32_t data_length = 0;
  int32_t num_children = 0;
  int64_t pzxid = 0;
  bool operator==(const Stat&) const = default;
};
inline constexpr std::size_t kStatSize = 68;

// One entry of a whoAmI reply.
struct ClientInfo {
  std::string auth_scheme;
  std::string user;
  bool operator==(const ClientInfo&) const = default;
};

// ---------------------------------------------------------------- handshake

// The first client -> server frame (no header). 45 bytes with a 16-byte
// password; 44 in the 3.3-era form without the readOnly byte.
struct ConnectRequest {
  int32_t protocol_version = kProtocolVersion;
  int64_t last_zxid_seen = 0;
  int32_t timeout_ms = 0;  // requested session timeout
  int64_t session_id = 0;  // 0: new session
  std::string passwd = std::string(kSessionPasswordLength, '\0');
  bool read_only = false;  // the client accepts a read-only server
  // True for the old form without the trailing readOnly byte. Decode sets it
  // when the input ends right after passwd; Encode then omits the byte.
  bool legacy_form = false;
  bool operator==(const ConnectRequest&) const = default;
};

// The first server -> client frame (no header). 37 bytes with a 16-byte
// password, 36 in the legacy form. An invalid reattach (expired session, bad
// password) is answered with timeout 0, session id 0 and 16 zero bytes.
struct ConnectResponse {
  int32_t protocol_version = kProtocolVersion;
  int32_t timeout_ms = 0;  // negotiated; <= 0 means the session is expired
  int64_t session_id = 0;
  std::string passwd = std::string(kSessionPasswordLength, '\0');
  bool read_only = false;    // the server is a read-only server
  bool legacy_form = false;  // as in ConnectRequest
  bool operator==(const ConnectResponse&) const = default;
};

// ---------------------------------------------------------------- headers

// Precedes every client -> server frame after the handshake. 8 bytes.
struct RequestHeader {
  int32_t xid = 0;
  OpCode type = OpCode::kNotification;
  bool operator==(const RequestHeader&) const = default;
};
inline constexpr std::size_t kRequestHeaderSize = 8;

// Precedes every server -> client frame after the handshake. 16 bytes.
// A body follows only when err == kOk (and the op has one).
struct ReplyHeader {
  int32_t xid = 0;
  int64_t zxid = 0;
  Error err = Error::kOk;  // any int32 read off the wire is kept
  bool operator==(const ReplyHeader&) const = default;
};
inline constexpr std::size_t kReplyHeaderSize = 16;

// Precedes each op and each result inside multi/multiRead (see multi.h).
struct MultiHeader {
  OpCode type = OpCode::kError;
  bool done = false;
  int32_t err = -1;
  bool operator==(const MultiHeader&) const = default;
};

// ---------------------------------------------------------------- events

// The body of an xid -1 notification.
struct WatcherEvent {
  EventType type = EventType::kNone;
  KeeperState state = KeeperState::kSyncConnected;
  std::string path;
  bool operator==(const WatcherEvent&) const = default;
};

// zkCli's rendering (Java WatchedEvent.toString in 3.8):
// "WatchedEvent state:SyncConnected type:NodeDataChanged path:/x".
std::string FormatWatchedEvent(const WatcherEvent& event);

// The addWatch success body, and the body of a multi error result.
struct ErrorResponse {
  Error err = Error::kOk;
  bool operator==(const ErrorResponse&) const = default;
};

// ---------------------------------------------------------------- codecs

void Encode(Writer& w, const Id& v);
bool Decode(Reader& r, Id* out);
void Encode(Writer& w, const Acl& v);
bool Decode(Reader& r, Acl* out);
void Encode(Writer& w, const Stat& v);
bool Decode(Reader& r, Stat* out);
void Encode(Writer& w, const ClientInfo& v);
bool Decode(Reader& r, ClientInfo* out);
void Encode(Writer& w, const ConnectRequest& v);
bool Decode(Reader& r, ConnectRequest* out);
void Encode(Writer& w, const ConnectResponse& v);
bool Decode(Reader& r, ConnectResponse* out);
void Encode(Writer& w, const RequestHeader& v);
bool Decode(Reader& r, RequestHeader* out);
void Encode(Writer& w, const ReplyHeader& v);
bool Decode(Reader& r, ReplyHeader* out);
void Encode(Writer& w, const MultiHeader& v);
bool Decode(Reader& r, MultiHeader* out);
void Encode(Writer& w, const WatcherEvent& v);
bool Decode(Reader& r, WatcherEvent* out);
void Encode(Writer& w, const ErrorResponse& v);
bool Decode(Reader& r, ErrorResponse* out);

// vector<ACL>, shared by several records (min 12 bytes per element).
void EncodeAcls(Writer& w, const std::vector<Acl>& v);
bool DecodeAcls(Reader& r, std::vector<Acl>* out);

}  // namespace zk::wire

#endif  // ZK_WIRE_RECORDS_H_
