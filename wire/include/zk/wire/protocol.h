// Protocol constants of ZooKeeper's client protocol:
// opcodes, special xids, create modes, watch and session enums, ACL perms
// and well-known ids, and the ephemeralOwner encodings of containers and TTL
// nodes. Names follow the Java client so that logs read like ZooKeeper's.
//
// All enums have a fixed int32 underlying type and may hold values that are
// not enumerated (a value read off the wire is kept as is); the name
// functions return "unknown" for those.
#ifndef ZK_WIRE_PROTOCOL_H_
#define ZK_WIRE_PROTOCOL_H_

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace zk::wire {

// ConnectRequest/ConnectResponse.protocolVersion, always 0.
inline constexpr int32_t kProtocolVersion = 0;
// Session passwords are 16 bytes; the C client cannot read any other length.
inline constexpr std::size_t kSessionPasswordLength = 16;

// ---------------------------------------------------------------- opcodes
// RequestHeader.type.
enum class OpCode : int32_t {
  kNotification = 0,  // type of xid -1 events only
  kCreate = 1,
  kDelete = 2,
  kExists = 3,
  kGetData = 4,
  kSetData = 5,
  kGetAcl = 6,
  kSetAcl = 7,
  kGetChildren = 8,
  kSync = 9,
  kPing = 11,
  kGetChildren2 = 12,
  kCheck = 13,  // only inside multi
  kMulti = 14,
  kCreate2 = 15,
  kReconfig = 16,
  kCheckWatches = 17,
  kRemoveWatches = 18,
  kCreateContainer = 19,
  kDeleteContainer = 20,  // server-internal (container reaper)
  kCreateTtl = 21,
  kMultiRead = 22,
  kAuth = 100,
  kSetWatches = 101,
  kSasl = 102,
  kGetEphemerals = 103,
  kGetAllChildrenNumber = 104,
  kSetWatches2 = 105,
  kAddWatch = 106,
  kWhoAmI = 107,
  kCreateSession = -10,  // server-internal (triggered by ConnectRequest)
  kCloseSession = -11,
  kError = -1,  // MultiHeader type of an error result
};

// Java's Request.op2String names: "create", "getData", "getACL", "createTTL",
// "multiRead", "whoAmI", ... "unknown" for anything else. Both read the
// opcode table (op_table.h), which says the rest about each opcode.
std::string_view OpCodeName(OpCode op);
// Every enumerated opcode, in declaration order.
std::span<const OpCode> AllOpCodes();

// ---------------------------------------------------------------- xids
inline constexpr int32_t kNotificationXid = -1;  // server -> client watch events
inline constexpr int32_t kPingXid = -2;
inline constexpr int32_t kAuthXid = -4;
inline constexpr int32_t kSetWatchesXid = -8;  // the C client's SetWatches
// The opcode a reply with a special xid answers (-1 kNotification, -2 kPing,
// -4 kAuth, -8 kSetWatches); nullopt for ordinary xids.
std::optional<OpCode> SpecialXidOpCode(int32_t xid);

// version / aversion / curConfigId meaning "any".
inline constexpr int32_t kAnyVersion = -1;
inline constexpr int64_t kAnyConfigId = -1;

// ---------------------------------------------------------------- create
// CreateRequest.flags.
enum class CreateMode : int32_t {
  kPersistent = 0,
  kEphemeral = 1,
  kPersistentSequential = 2,
  kEphemeralSequential = 3,
  kContainer = 4,
  kPersistentWithTtl = 5,
  kPersistentSequentialWithTtl = 6,
};
// Java names: "PERSISTENT", "EPHEMERAL_SEQUENTIAL", "PERSISTENT_WITH_TTL", ...
std::string_view CreateModeName(CreateMode mode);
bool IsValidCreateMode(CreateMode mode);  // 0..6
bool IsEphemeral(CreateMode mode);
bool IsSequential(CreateMode mode);
bool IsContainer(CreateMode mode);
bool IsTtl(CreateMode mode);
// The C client's (deprecated) sequence flag, equal to kPersistentSequential.
inline constexpr int32_t kSequenceFlag = 2;

// ---------------------------------------------------------------- ephemeralOwner
// Stat.ephemeralOwner of a container node.
inline constexpr int64_t kContainerEphemeralOwner = INT64_MIN;  // 0x8000000000000000
// Stat.ephemeralOwner of a TTL node is kTtlEphemeralOwnerBits | ttl_ms.
inline constexpr int64_t kTtlEphemeralOwnerBits = static_cast<int64_t>(0xff00000000000000ULL);
// The largest TTL ZooKeeper accepts (EphemeralType.TTL.maxValue(), ~34 years).
inline constexpr int64_t kMaxTtlMs = 0x000000ffffffffffLL;
// REQUIRES: 0 < ttl_ms <= kMaxTtlMs.
constexpr int64_t TtlEphemeralOwner(int64_t ttl_ms) { return kTtlEphemeralOwnerBits | ttl_ms; }
constexpr bool IsTtlEphemeralOwner(int64_t owner) {
  return (owner & kTtlEphemeralOwnerBits) == kTtlEphemeralOwnerBits;
}
constexpr int64_t TtlFromEphemeralOwner(int64_t owner) { return owner & kMaxTtlMs; }

// ---------------------------------------------------------------- watches
// WatcherEvent.type.
enum class EventType : int32_t {
  kNone = -1,
  kNodeCreated = 1,
  kNodeDeleted = 2,
  kNodeDataChanged = 3,
  kNodeChildrenChanged = 4,
  kDataWatchRemoved = 5,
  kChildWatchRemoved = 6,
  kPersistentWatchRemoved = 7,
};
// Java Watcher.Event.EventType names: "None", "NodeDataChanged", ...
std::string_view EventTypeName(EventType type);

// WatcherEvent.state (Java Watcher.Event.KeeperState). The server only ever
// sends kSyncConnected; the others are produced by client libraries.
enum class KeeperState : int32_t {
  kUnknown = -1,
  kDisconnected = 0,
  kNoSyncConnected = 1,
  kSyncConnected = 3,
  kAuthFailed = 4,
  kConnectedReadOnly = 5,
  kSaslAuthenticated = 6,
  kClosed = 7,
  kExpired = -112,
};
// Java names: "SyncConnected", "Expired", "ConnectedReadOnly", ...
std::string_view KeeperStateName(KeeperState state);

// The type field of checkWatches/removeWatches (Java Watcher.WatcherType).
enum class WatcherType : int32_t {
  kChildren = 1,
  kData = 2,
  kAny = 3,
  kPersistent = 4,
  kPersistentRecursive = 5,
};
std::string_view WatcherTypeName(WatcherType type);  // "Children", "Data", ...

// AddWatchRequest.mode.
enum class AddWatchMode : int32_t {
  kPersistent = 0,
  kPersistentRecursive = 1,
};
std::string_view AddWatchModeName(AddWatchMode mode);  // "PERSISTENT", ...

// ---------------------------------------------------------------- ACLs
inline constexpr int32_t kPermRead = 1 << 0;
inline constexpr int32_t kPermWrite = 1 << 1;
inline constexpr int32_t kPermCreate = 1 << 2;
inline constexpr int32_t kPermDelete = 1 << 3;
inline constexpr int32_t kPermAdmin = 1 << 4;
inline constexpr int32_t kPermAll = 31;

inline constexpr std::string_view kSchemeWorld = "world";
inline constexpr std::string_view kIdAnyone = "anyone";
// Only valid in create/setACL: stands for all of the caller's auth ids.
inline constexpr std::string_view kSchemeAuth = "auth";
inline constexpr std::string_view kSchemeDigest = "digest";
inline constexpr std::string_view kSchemeIp = "ip";
inline constexpr std::string_view kSchemeSuper = "super";
// The well-known ACL lists (OPEN_ACL_UNSAFE, ...) are in records.h.

}  // namespace zk::wire

// fmt support: the name, or "unknown(<value>)".
template <>
struct fmt::formatter<zk::wire::OpCode> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(zk::wire::OpCode v, FormatContext& ctx) const {
    std::string_view name = zk::wire::OpCodeName(v);
    if (name != "unknown") return fmt::formatter<std::string_view>::format(name, ctx);
    return fmt::format_to(ctx.out(), "unknown({})", static_cast<int32_t>(v));
  }
};
template <>
struct fmt::formatter<zk::wire::EventType> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(zk::wire::EventType v, FormatContext& ctx) const {
    std::string_view name = zk::wire::EventTypeName(v);
    if (name != "unknown") return fmt::formatter<std::string_view>::format(name, ctx);
    return fmt::format_to(ctx.out(), "unknown({})", static_cast<int32_t>(v));
  }
};
template <>
struct fmt::formatter<zk::wire::KeeperState> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(zk::wire::KeeperState v, FormatContext& ctx) const {
    std::string_view name = zk::wire::KeeperStateName(v);
    if (name != "unknown") return fmt::formatter<std::string_view>::format(name, ctx);
    return fmt::format_to(ctx.out(), "unknown({})", static_cast<int32_t>(v));
  }
};

#endif  // ZK_WIRE_PROTOCOL_H_
