#include "zk/wire/op_table.h"

#include <array>
#include <cstddef>
#include <type_traits>
#include <variant>

#include "zk/wire/messages.h"
#include "zk/wire/multi.h"

namespace zk::wire {
namespace {

template <typename T>
constexpr int Req = AlternativeIndex<RequestBody, T>();
template <typename T>
constexpr int Resp = AlternativeIndex<ResponseBody, T>();
template <typename T>
constexpr int MReq = AlternativeIndex<MultiOp::Request, T>();
template <typename T>
constexpr int MRes = AlternativeIndex<MultiResult, T>();
constexpr int kNo = kNoRecord;

using A = OpAccess;
using M = MultiUse;

// Rows in OpCode's declaration order. Request.op2String names; the `cons`
// names are ServerCnxn's (four letters, GETACN and NA as ZooKeeper prints them).
constexpr std::array<OpInfo, 33> kOps = {{
    // op, name, cons, access, multi, request, response, in multi, multi result
    {OpCode::kNotification, "notification", "NA", A::kNone, M::kNo, kNo, Resp<WatcherEvent>, kNo,
     kNo},
    {OpCode::kCreate, "create", "CREA", A::kWrite, M::kInMulti, Req<CreateRequest>,
     Resp<CreateResponse>, MReq<CreateRequest>, MRes<CreateResponse>},
    {OpCode::kDelete, "delete", "DELE", A::kWrite, M::kInMulti, Req<DeleteRequest>,
     Resp<EmptyResponse>, MReq<DeleteRequest>, MRes<DeleteResult>},
    {OpCode::kExists, "exists", "EXIS", A::kRead, M::kNo, Req<ExistsRequest>,
     Resp<ExistsResponse>, kNo, kNo},
    {OpCode::kGetData, "getData", "GETD", A::kRead, M::kInMultiRead, Req<GetDataRequest>,
     Resp<GetDataResponse>, MReq<GetDataRequest>, MRes<GetDataResponse>},
    {OpCode::kSetData, "setData", "SETD", A::kWrite, M::kInMulti, Req<SetDataRequest>,
     Resp<SetDataResponse>, MReq<SetDataRequest>, MRes<SetDataResponse>},
    {OpCode::kGetAcl, "getACL", "GETA", A::kRead, M::kNo, Req<GetAclRequest>,
     Resp<GetAclResponse>, kNo, kNo},
    {OpCode::kSetAcl, "setACL", "SETA", A::kWrite, M::kNo, Req<SetAclRequest>,
     Resp<SetAclResponse>, kNo, kNo},
    {OpCode::kGetChildren, "getChildren", "GETC", A::kRead, M::kInMultiRead,
     Req<GetChildrenRequest>, Resp<GetChildrenResponse>, MReq<GetChildrenRequest>,
     MRes<GetChildrenResponse>},
    {OpCode::kSync, "sync", "SYNC", A::kWrite, M::kNo, Req<SyncRequest>, Resp<SyncResponse>, kNo,
     kNo},
    {OpCode::kPing, "ping", "PING", A::kRead, M::kNo, Req<PingRequest>, Resp<EmptyResponse>, kNo,
     kNo},
    {OpCode::kGetChildren2, "getChildren2", "GETC", A::kRead, M::kNo, Req<GetChildren2Request>,
     Resp<GetChildren2Response>, kNo, kNo},
    // check: only inside multi; a top-level check is not a client request.
    {OpCode::kCheck, "check", "CHEC", A::kWrite, M::kInMulti, kNo, Resp<SetDataResponse>,
     MReq<CheckVersionRequest>, MRes<CheckResult>},
    {OpCode::kMulti, "multi", "MULT", A::kWrite, M::kNo, Req<MultiRequest>, Resp<MultiResponse>,
     kNo, kNo},
    {OpCode::kCreate2, "create2", "CREA", A::kWrite, M::kInMulti, Req<CreateRequest>,
     Resp<Create2Response>, MReq<CreateRequest>, MRes<Create2Response>},
    {OpCode::kReconfig, "reconfig", "RECO", A::kWrite, M::kNo, Req<ReconfigRequest>,
     Resp<GetDataResponse>, kNo, kNo},
    {OpCode::kCheckWatches, "checkWatches", "CHKW", A::kRead, M::kNo, Req<CheckWatchesRequest>,
     Resp<EmptyResponse>, kNo, kNo},
    {OpCode::kRemoveWatches, "removeWatches", "REMW", A::kRead, M::kNo,
     Req<RemoveWatchesRequest>, Resp<EmptyResponse>, kNo, kNo},
    // Inside a multi, createContainer and createTTL are answered by a
    // create2 result (header type 15), so they have no result type of their own.
    {OpCode::kCreateContainer, "createContainer", "CREA", A::kWrite, M::kInMulti,
     Req<CreateRequest>, Resp<Create2Response>, MReq<CreateRequest>, kNo},
    {OpCode::kDeleteContainer, "deleteContainer", "NA", A::kWrite, M::kNo, kNo, kNo, kNo, kNo},
    {OpCode::kCreateTtl, "createTTL", "CREA", A::kWrite, M::kInMulti, Req<CreateTtlRequest>,
     Resp<Create2Response>, MReq<CreateTtlRequest>, kNo},
    {OpCode::kMultiRead, "multiRead", "MLTR", A::kRead, M::kNo, Req<MultiRequest>,
     Resp<MultiResponse>, kNo, kNo},
    {OpCode::kAuth, "auth", "NA", A::kRead, M::kNo, Req<AuthPacket>, Resp<EmptyResponse>, kNo,
     kNo},
    {OpCode::kSetWatches, "setWatches", "SETW", A::kRead, M::kNo, Req<SetWatches>,
     Resp<EmptyResponse>, kNo, kNo},
    {OpCode::kSasl, "sasl", "NA", A::kRead, M::kNo, Req<GetSaslRequest>, Resp<SetSaslResponse>,
     kNo, kNo},
    {OpCode::kGetEphemerals, "getEphemerals", "GETE", A::kRead, M::kNo,
     Req<GetEphemeralsRequest>, Resp<GetEphemeralsResponse>, kNo, kNo},
    {OpCode::kGetAllChildrenNumber, "getAllChildrenNumber", "GETACN", A::kRead, M::kNo,
     Req<GetAllChildrenNumberRequest>, Resp<GetAllChildrenNumberResponse>, kNo, kNo},
    {OpCode::kSetWatches2, "setWatches2", "STW2", A::kRead, M::kNo, Req<SetWatches2>,
     Resp<EmptyResponse>, kNo, kNo},
    {OpCode::kAddWatch, "addWatch", "ADDW", A::kRead, M::kNo, Req<AddWatchRequest>,
     Resp<ErrorResponse>, kNo, kNo},
    {OpCode::kWhoAmI, "whoAmI", "HOMI", A::kRead, M::kNo, Req<WhoAmIRequest>,
     Resp<WhoAmIResponse>, kNo, kNo},
    {OpCode::kCreateSession, "createSession", "NA", A::kWrite, M::kNo, kNo, kNo, kNo, kNo},
    {OpCode::kCloseSession, "closeSession", "CLOS", A::kWrite, M::kNo, Req<CloseSessionRequest>,
     Resp<EmptyResponse>, kNo, kNo},
    // error: the MultiHeader type of an error result.
    {OpCode::kError, "error", "NA", A::kNone, M::kNo, kNo, kNo, kNo, MRes<ErrorResult>},
}};

constexpr std::array<OpCode, kOps.size()> MakeAllOps() {
  std::array<OpCode, kOps.size()> all{};
  for (std::size_t i = 0; i < kOps.size(); ++i) all[i] = kOps[i].op;
  return all;
}
constexpr std::array kAllOps = MakeAllOps();

}  // namespace

std::span<const OpInfo> OpTable() { return kOps; }

const OpInfo* FindOp(OpCode op) {
  for (const OpInfo& info : kOps) {
    if (info.op == op) return &info;
  }
  return nullptr;
}

std::string_view OpCodeName(OpCode op) {
  const OpInfo* info = FindOp(op);
  return info != nullptr ? info->name : "unknown";
}

std::span<const OpCode> AllOpCodes() { return kAllOps; }

}  // namespace zk::wire
