#include "zk/wire/error.h"

#include <array>

namespace zk {
namespace {

struct ErrorInfo {
  Error error;
  std::string_view name;
  std::string_view message;
};

// Messages are the Java client's texts (KeeperException.getCodeMessage);
// codes that only the C client defines get their C wording.
constexpr std::array kErrors = {
    ErrorInfo{Error::kOk, "ZOK", "ok"},
    ErrorInfo{Error::kSystemError, "ZSYSTEMERROR", "SystemError"},
    ErrorInfo{Error::kRuntimeInconsistency, "ZRUNTIMEINCONSISTENCY", "RuntimeInconsistency"},
    ErrorInfo{Error::kDataInconsistency, "ZDATAINCONSISTENCY", "DataInconsistency"},
    ErrorInfo{Error::kConnectionLoss, "ZCONNECTIONLOSS", "ConnectionLoss"},
    ErrorInfo{Error::kMarshallingError, "ZMARSHALLINGERROR", "MarshallingError"},
    ErrorInfo{Error::kUnimplemented, "ZUNIMPLEMENTED", "Unimplemented"},
    ErrorInfo{Error::kOperationTimeout, "ZOPERATIONTIMEOUT", "OperationTimeout"},
    ErrorInfo{Error::kBadArguments, "ZBADARGUMENTS", "BadArguments"},
    ErrorInfo{Error::kInvalidState, "ZINVALIDSTATE", "Invalid zhandle state"},
    ErrorInfo{Error::kUnknownSession, "ZUNKNOWNSESSION", "Unknown session"},
    ErrorInfo{Error::kNewConfigNoQuorum, "ZNEWCONFIGNOQUORUM", "NewConfigNoQuorum"},
    ErrorInfo{Error::kReconfigInProgress, "ZRECONFIGINPROGRESS", "ReconfigInProgress"},
    ErrorInfo{Error::kSslConnectionError, "ZSSLCONNECTIONERROR", "SSL connection error"},
    ErrorInfo{Error::kApiError, "ZAPIERROR", "APIError"},
    ErrorInfo{Error::kNoNode, "ZNONODE", "NoNode"},
    ErrorInfo{Error::kNoAuth, "ZNOAUTH", "NoAuth"},
    ErrorInfo{Error::kBadVersion, "ZBADVERSION", "BadVersion"},
    ErrorInfo{Error::kNoChildrenForEphemerals, "ZNOCHILDRENFOREPHEMERALS",
              "NoChildrenForEphemerals"},
    ErrorInfo{Error::kNodeExists, "ZNODEEXISTS", "NodeExists"},
    ErrorInfo{Error::kNotEmpty, "ZNOTEMPTY", "Directory not empty"},
    ErrorInfo{Error::kSessionExpired, "ZSESSIONEXPIRED", "Session expired"},
    ErrorInfo{Error::kInvalidCallback, "ZINVALIDCALLBACK", "Invalid callback"},
    ErrorInfo{Error::kInvalidAcl, "ZINVALIDACL", "InvalidACL"},
    ErrorInfo{Error::kAuthFailed, "ZAUTHFAILED", "AuthFailed"},
    ErrorInfo{Error::kClosing, "ZCLOSING", "ZooKeeper is closing"},
    ErrorInfo{Error::kNothing, "ZNOTHING", "(not error) no server responses to process"},
    ErrorInfo{Error::kSessionMoved, "ZSESSIONMOVED", "Session moved"},
    ErrorInfo{Error::kNotReadOnly, "ZNOTREADONLY", "Not a read-only call"},
    ErrorInfo{Error::kEphemeralOnLocalSession, "ZEPHEMERALONLOCALSESSION",
              "Ephemeral node on local session"},
    ErrorInfo{Error::kNoWatcher, "ZNOWATCHER", "No such watcher"},
    ErrorInfo{Error::kRequestTimeout, "ZREQUESTTIMEOUT", "Request timeout"},
    ErrorInfo{Error::kReconfigDisabled, "ZRECONFIGDISABLED", "Reconfig is disabled"},
    ErrorInfo{Error::kSessionClosedRequireSaslAuth, "ZSESSIONCLOSEDREQUIRESASLAUTH",
              "Session closed because client failed to authenticate"},
    ErrorInfo{Error::kQuotaExceeded, "ZQUOTAEXCEEDED", "Quota has exceeded"},
    ErrorInfo{Error::kThrottledOp, "ZTHROTTLEDOP", "Op throttled due to high load"},
};

constexpr std::array<Error, kErrors.size()> MakeAll() {
  std::array<Error, kErrors.size()> all{};
  for (std::size_t i = 0; i < kErrors.size(); ++i) all[i] = kErrors[i].error;
  return all;
}
constexpr std::array kAll = MakeAll();

const ErrorInfo* Find(Error e) {
  for (const auto& info : kErrors) {
    if (info.error == e) return &info;
  }
  return nullptr;
}

}  // namespace

std::string_view ErrorName(Error e) {
  const ErrorInfo* info = Find(e);
  return info != nullptr ? info->name : "ZUNKNOWN";
}

std::string_view ErrorMessage(Error e) {
  const ErrorInfo* info = Find(e);
  return info != nullptr ? info->message : "Unknown error";
}

std::optional<Error> ErrorFromCode(int32_t code) {
  const ErrorInfo* info = Find(static_cast<Error>(code));
  if (info == nullptr) return std::nullopt;
  return info->error;
}

const Error* AllErrors(std::size_t* count) {
  *count = kAll.size();
  return kAll.data();
}

}  // namespace zk
