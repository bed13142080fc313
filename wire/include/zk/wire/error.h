// ZooKeeper error codes (KeeperException.Code in Java, ZOO_ERRORS in C).
//
// The numeric values are the ones that travel in ReplyHeader.err and in
// multi results; they must never change. Names follow the C client
// (ZNONODE, ZBADVERSION, ...), messages follow the Java client's
// "KeeperErrorCode = <text>" texts, so that tools built on zkbalance print
// what operators already know from zkCli.sh.
#ifndef ZK_WIRE_ERROR_H_
#define ZK_WIRE_ERROR_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>

namespace zk {

enum class Error : int32_t {
  kOk = 0,
  kSystemError = -1,
  kRuntimeInconsistency = -2,
  kDataInconsistency = -3,
  kConnectionLoss = -4,
  kMarshallingError = -5,
  kUnimplemented = -6,
  kOperationTimeout = -7,
  kBadArguments = -8,
  kInvalidState = -9,
  kUnknownSession = -12,
  kNewConfigNoQuorum = -13,
  kReconfigInProgress = -14,
  kSslConnectionError = -15,
  kApiError = -100,
  kNoNode = -101,
  kNoAuth = -102,
  kBadVersion = -103,
  kNoChildrenForEphemerals = -108,
  kNodeExists = -110,
  kNotEmpty = -111,
  kSessionExpired = -112,
  kInvalidCallback = -113,
  kInvalidAcl = -114,
  kAuthFailed = -115,
  kClosing = -116,
  kNothing = -117,
  kSessionMoved = -118,
  kNotReadOnly = -119,
  kEphemeralOnLocalSession = -120,
  kNoWatcher = -121,
  kRequestTimeout = -122,
  kReconfigDisabled = -123,
  kSessionClosedRequireSaslAuth = -124,
  kQuotaExceeded = -125,
  kThrottledOp = -127,
};

// The C name, e.g. "ZNONODE". Unknown values give "ZUNKNOWN".
std::string_view ErrorName(Error e);

// The Java message text, e.g. "NoNode", "Directory not empty",
// "Reconfig is disabled". Unknown values give "Unknown error".
std::string_view ErrorMessage(Error e);

// Maps a code read off the wire to an Error; nullopt for a value that no
// ZooKeeper version defines (the Java client rejects those, so a server must
// never send one).
std::optional<Error> ErrorFromCode(int32_t code);

// Every defined error, in declaration order (for tests and tables).
const Error* AllErrors(std::size_t* count);

inline int32_t ErrorCode(Error e) { return static_cast<int32_t>(e); }

}  // namespace zk

template <>
struct fmt::formatter<zk::Error> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(zk::Error e, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(zk::ErrorName(e), ctx);
  }
};

#endif  // ZK_WIRE_ERROR_H_
