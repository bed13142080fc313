// multi (14) and multiRead (22) bodies.
//
// Request: for each op MultiHeader{op type, done=false, err=-1} + the op's
// request record, then the terminator MultiHeader{-1, true, -1}.
// Response: for each result MultiHeader{type, false, err} + its body, then
// the same terminator. A failed multi still has ReplyHeader.err == 0: every
// result is then an ErrorResult (kOk before the failing op, its code for
// it, kRuntimeInconsistency after it).
#ifndef ZK_WIRE_MULTI_H_
#define ZK_WIRE_MULTI_H_

#include <string>
#include <variant>
#include <vector>

#include "zk/wire/error.h"
#include "zk/wire/jute.h"
#include "zk/wire/protocol.h"
#include "zk/wire/requests.h"
#include "zk/wire/responses.h"

namespace zk::wire {

// One op of a multi request. `type` says which opcode the op uses and must
// match the request alternative:
//   kCreate, kCreate2, kCreateContainer -> CreateRequest
//   kCreateTtl -> CreateTtlRequest,  kDelete -> DeleteRequest,
//   kSetData -> SetDataRequest,      kCheck -> CheckVersionRequest  (multi)
//   kGetData -> GetDataRequest,      kGetChildren -> GetChildrenRequest (multiRead)
// The factories below always produce a matching pair, and so does Decode.
struct MultiOp {
  using Request = std::variant<CreateRequest, CreateTtlRequest, DeleteRequest, SetDataRequest,
                               CheckVersionRequest, GetDataRequest, GetChildrenRequest>;
  OpCode type = OpCode::kCheck;
  Request request;

  // REQUIRES: type is kCreate, kCreate2 or kCreateContainer.
  static MultiOp Create(CreateRequest r, OpCode type = OpCode::kCreate) {
    return {type, std::move(r)};
  }
  static MultiOp CreateTtl(CreateTtlRequest r) { return {OpCode::kCreateTtl, std::move(r)}; }
  static MultiOp Delete(DeleteRequest r) { return {OpCode::kDelete, std::move(r)}; }
  static MultiOp SetData(SetDataRequest r) { return {OpCode::kSetData, std::move(r)}; }
  static MultiOp Check(CheckVersionRequest r) { return {OpCode::kCheck, std::move(r)}; }
  // multiRead ops; the server ignores the watch flag (Java sends false).
  static MultiOp GetData(GetDataRequest r) { return {OpCode::kGetData, std::move(r)}; }
  static MultiOp GetChildren(GetChildrenRequest r) { return {OpCode::kGetChildren, std::move(r)}; }

  bool operator==(const MultiOp&) const = default;
};

// Ops allowed in multi (1, 15, 19, 21, 2, 5, 13) and in multiRead (4, 8).
bool IsMultiWriteOp(OpCode type);
bool IsMultiReadOp(OpCode type);

// The body of multi and multiRead requests. An empty op list is valid.
struct MultiRequest {
  std::vector<MultiOp> ops;
  bool operator==(const MultiRequest&) const = default;
};

// Result bodies without content.
struct DeleteResult {
  bool operator==(const DeleteResult&) const = default;
};
struct CheckResult {
  bool operator==(const CheckResult&) const = default;
};
// A result of type -1: the MultiHeader err and the ErrorResponse body both
// carry `err` (decoding takes the body's, as Java does).
struct ErrorResult {
  Error err = Error::kOk;
  bool operator==(const ErrorResult&) const = default;
};

// One result; the alternative determines the MultiHeader type:
// CreateResponse 1 (answers create), Create2Response 15 (answers create2,
// createContainer and createTTL), DeleteResult 2, SetDataResponse 5,
// CheckResult 13, GetDataResponse 4, GetChildrenResponse 8, ErrorResult -1.
using MultiResult = std::variant<CreateResponse, Create2Response, DeleteResult, SetDataResponse,
                                 CheckResult, GetDataResponse, GetChildrenResponse, ErrorResult>;
OpCode MultiResultType(const MultiResult& result);

// The body of multi and multiRead replies.
struct MultiResponse {
  std::vector<MultiResult> results;
  bool operator==(const MultiResponse&) const = default;
};

// The first non-ok ErrorResult, which is what a failed multi reports
// (Java throws the matching exception); kOk when there is none.
Error FirstError(const MultiResponse& response);

// Encode writes MultiHeader{op.type, false, -1} + the request for each op.
// REQUIRES: each op's type matches its request alternative (see MultiOp).
void Encode(Writer& w, const MultiOp& v);
void Encode(Writer& w, const MultiRequest& v);
// Accepts what ZooKeeper's MultiOperationRecord accepts: ops of the types
// above until a header with done == true, never read and write ops mixed.
bool Decode(Reader& r, MultiRequest* out);
// As Decode, and also fails when an op does not suit `multi_type`: kMulti
// admits only write ops, kMultiRead only read ops. (DecodeRequestBody in
// messages.h uses this.)
bool DecodeMultiRequest(Reader& r, OpCode multi_type, MultiRequest* out);
void Encode(Writer& w, const MultiResponse& v);
// Fails on a result type other than those of MultiResult.
bool Decode(Reader& r, MultiResponse* out);

}  // namespace zk::wire

#endif  // ZK_WIRE_MULTI_H_
