#include "zk/wire/messages.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace zk::wire {
namespace {

template <typename T, typename Variant>
Result<Variant> DecodeAs(Reader& r) {
  T body{};
  if (!Decode(r, &body)) return r.status();
  return Variant(std::move(body));
}

Status NotARequest(OpCode type) {
  std::string_view name = OpCodeName(type);
  if (name == "unknown") {
    return Status(Error::kUnimplemented,
                  fmt::format("unknown opcode {}", static_cast<int32_t>(type)));
  }
  return Status(Error::kUnimplemented, fmt::format("opcode {} ({}) is not a client request",
                                                   static_cast<int32_t>(type), name));
}

bool MultiKindMatches(OpCode type, const MultiRequest& multi) {
  auto pred = type == OpCode::kMultiRead ? IsMultiReadOp : IsMultiWriteOp;
  return std::all_of(multi.ops.begin(), multi.ops.end(),
                     [pred](const MultiOp& op) { return pred(op.type); });
}

}  // namespace

bool IsRequestBodyFor(OpCode type, const RequestBody& body) {
  switch (type) {
    case OpCode::kPing:
      return std::holds_alternative<PingRequest>(body);
    case OpCode::kCloseSession:
      return std::holds_alternative<CloseSessionRequest>(body);
    case OpCode::kWhoAmI:
      return std::holds_alternative<WhoAmIRequest>(body);
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
      return std::holds_alternative<CreateRequest>(body);
    case OpCode::kCreateTtl:
      return std::holds_alternative<CreateTtlRequest>(body);
    case OpCode::kDelete:
      return std::holds_alternative<DeleteRequest>(body);
    case OpCode::kExists:
      return std::holds_alternative<ExistsRequest>(body);
    case OpCode::kGetData:
      return std::holds_alternative<GetDataRequest>(body);
    case OpCode::kSetData:
      return std::holds_alternative<SetDataRequest>(body);
    case OpCode::kGetAcl:
      return std::holds_alternative<GetAclRequest>(body);
    case OpCode::kSetAcl:
      return std::holds_alternative<SetAclRequest>(body);
    case OpCode::kGetChildren:
      return std::holds_alternative<GetChildrenRequest>(body);
    case OpCode::kGetChildren2:
      return std::holds_alternative<GetChildren2Request>(body);
    case OpCode::kSync:
      return std::holds_alternative<SyncRequest>(body);
    case OpCode::kMulti:
    case OpCode::kMultiRead: {
      const auto* multi = std::get_if<MultiRequest>(&body);
      return multi != nullptr && MultiKindMatches(type, *multi);
    }
    case OpCode::kReconfig:
      return std::holds_alternative<ReconfigRequest>(body);
    case OpCode::kCheckWatches:
      return std::holds_alternative<CheckWatchesRequest>(body);
    case OpCode::kRemoveWatches:
      return std::holds_alternative<RemoveWatchesRequest>(body);
    case OpCode::kAuth:
      return std::holds_alternative<AuthPacket>(body);
    case OpCode::kSetWatches:
      return std::holds_alternative<SetWatches>(body);
    case OpCode::kSetWatches2:
      return std::holds_alternative<SetWatches2>(body);
    case OpCode::kSasl:
      return std::holds_alternative<GetSaslRequest>(body);
    case OpCode::kGetEphemerals:
      return std::holds_alternative<GetEphemeralsRequest>(body);
    case OpCode::kGetAllChildrenNumber:
      return std::holds_alternative<GetAllChildrenNumberRequest>(body);
    case OpCode::kAddWatch:
      return std::holds_alternative<AddWatchRequest>(body);
    default:
      return false;
  }
}

Result<RequestBody> DecodeRequestBody(OpCode type, Reader& r) {
  if (!r.ok()) return r.status();
  using V = RequestBody;
  switch (type) {
    case OpCode::kPing:
      return V(PingRequest{});
    case OpCode::kCloseSession:
      return V(CloseSessionRequest{});
    case OpCode::kWhoAmI:
      return V(WhoAmIRequest{});
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
      return DecodeAs<CreateRequest, V>(r);
    case OpCode::kCreateTtl:
      return DecodeAs<CreateTtlRequest, V>(r);
    case OpCode::kDelete:
      return DecodeAs<DeleteRequest, V>(r);
    case OpCode::kExists:
      return DecodeAs<ExistsRequest, V>(r);
    case OpCode::kGetData:
      return DecodeAs<GetDataRequest, V>(r);
    case OpCode::kSetData:
      return DecodeAs<SetDataRequest, V>(r);
    case OpCode::kGetAcl:
      return DecodeAs<GetAclRequest, V>(r);
    case OpCode::kSetAcl:
      return DecodeAs<SetAclRequest, V>(r);
    case OpCode::kGetChildren:
      return DecodeAs<GetChildrenRequest, V>(r);
    case OpCode::kGetChildren2:
      return DecodeAs<GetChildren2Request, V>(r);
    case OpCode::kSync:
      return DecodeAs<SyncRequest, V>(r);
    case OpCode::kMulti:
    case OpCode::kMultiRead: {
      MultiRequest multi;
      if (!DecodeMultiRequest(r, type, &multi)) return r.status();
      return V(std::move(multi));
    }
    case OpCode::kReconfig:
      return DecodeAs<ReconfigRequest, V>(r);
    case OpCode::kCheckWatches:
      return DecodeAs<CheckWatchesRequest, V>(r);
    case OpCode::kRemoveWatches:
      return DecodeAs<RemoveWatchesRequest, V>(r);
    case OpCode::kAuth:
      return DecodeAs<AuthPacket, V>(r);
    case OpCode::kSetWatches:
      return DecodeAs<SetWatches, V>(r);
    case OpCode::kSetWatches2:
      return DecodeAs<SetWatches2, V>(r);
    case OpCode::kSasl:
      return DecodeAs<GetSaslRequest, V>(r);
    case OpCode::kGetEphemerals:
      return DecodeAs<GetEphemeralsRequest, V>(r);
    case OpCode::kGetAllChildrenNumber:
      return DecodeAs<GetAllChildrenNumberRequest, V>(r);
    case OpCode::kAddWatch:
      return DecodeAs<AddWatchRequest, V>(r);
    default:
      return NotARequest(type);
  }
}

Result<Request> DecodeRequest(std::string_view payload, int64_t max_field_length) {
  Reader r(payload, max_field_length);
  RequestHeader header;
  if (!Decode(r, &header)) return r.status();
  Result<RequestBody> body = DecodeRequestBody(header.type, r);
  if (!body.ok()) return body.status();
  return Request{header, std::move(body).value()};
}

void Encode(Writer& w, const RequestBody& v) {
  std::visit([&w](const auto& body) { Encode(w, body); }, v);
}

void Encode(Writer& w, const Request& v) {
  Encode(w, v.header);
  Encode(w, v.body);
}

std::string EncodePingFrame() { return EncodeRecordsFrame(RequestHeader{kPingXid, OpCode::kPing}); }

bool IsResponseBodyFor(OpCode request_type, const ResponseBody& body) {
  switch (request_type) {
    case OpCode::kNotification:
      return std::holds_alternative<WatcherEvent>(body);
    case OpCode::kCreate:
      return std::holds_alternative<CreateResponse>(body);
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
    case OpCode::kCreateTtl:
      return std::holds_alternative<Create2Response>(body);
    case OpCode::kExists:
      return std::holds_alternative<ExistsResponse>(body);
    case OpCode::kGetData:
    case OpCode::kReconfig:
      return std::holds_alternative<GetDataResponse>(body);
    case OpCode::kSetData:
    case OpCode::kCheck:
      return std::holds_alternative<SetDataResponse>(body);
    case OpCode::kGetAcl:
      return std::holds_alternative<GetAclResponse>(body);
    case OpCode::kSetAcl:
      return std::holds_alternative<SetAclResponse>(body);
    case OpCode::kGetChildren:
      return std::holds_alternative<GetChildrenResponse>(body);
    case OpCode::kGetChildren2:
      return std::holds_alternative<GetChildren2Response>(body);
    case OpCode::kSync:
      return std::holds_alternative<SyncResponse>(body);
    case OpCode::kMulti:
    case OpCode::kMultiRead:
      return std::holds_alternative<MultiResponse>(body);
    case OpCode::kSasl:
      return std::holds_alternative<SetSaslResponse>(body);
    case OpCode::kGetEphemerals:
      return std::holds_alternative<GetEphemeralsResponse>(body);
    case OpCode::kGetAllChildrenNumber:
      return std::holds_alternative<GetAllChildrenNumberResponse>(body);
    case OpCode::kWhoAmI:
      return std::holds_alternative<WhoAmIResponse>(body);
    case OpCode::kAddWatch:
      return std::holds_alternative<ErrorResponse>(body);
    case OpCode::kDelete:
    case OpCode::kPing:
    case OpCode::kAuth:
    case OpCode::kSetWatches:
    case OpCode::kSetWatches2:
    case OpCode::kCheckWatches:
    case OpCode::kRemoveWatches:
    case OpCode::kCloseSession:
      return std::holds_alternative<EmptyResponse>(body);
    default:
      return false;
  }
}

Result<ResponseBody> DecodeResponseBody(OpCode request_type, Reader& r) {
  if (!r.ok()) return r.status();
  using V = ResponseBody;
  switch (request_type) {
    case OpCode::kNotification:
      return DecodeAs<WatcherEvent, V>(r);
    case OpCode::kCreate:
      return DecodeAs<CreateResponse, V>(r);
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
    case OpCode::kCreateTtl:
      return DecodeAs<Create2Response, V>(r);
    case OpCode::kExists:
      return DecodeAs<ExistsResponse, V>(r);
    case OpCode::kGetData:
    case OpCode::kReconfig:
      return DecodeAs<GetDataResponse, V>(r);
    case OpCode::kSetData:
    case OpCode::kCheck:
      return DecodeAs<SetDataResponse, V>(r);
    case OpCode::kGetAcl:
      return DecodeAs<GetAclResponse, V>(r);
    case OpCode::kSetAcl:
      return DecodeAs<SetAclResponse, V>(r);
    case OpCode::kGetChildren:
      return DecodeAs<GetChildrenResponse, V>(r);
    case OpCode::kGetChildren2:
      return DecodeAs<GetChildren2Response, V>(r);
    case OpCode::kSync:
      return DecodeAs<SyncResponse, V>(r);
    case OpCode::kMulti:
    case OpCode::kMultiRead:
      return DecodeAs<MultiResponse, V>(r);
    case OpCode::kSasl:
      return DecodeAs<SetSaslResponse, V>(r);
    case OpCode::kGetEphemerals:
      return DecodeAs<GetEphemeralsResponse, V>(r);
    case OpCode::kGetAllChildrenNumber:
      return DecodeAs<GetAllChildrenNumberResponse, V>(r);
    case OpCode::kWhoAmI:
      return DecodeAs<WhoAmIResponse, V>(r);
    case OpCode::kAddWatch:
      return DecodeAs<ErrorResponse, V>(r);
    case OpCode::kDelete:
    case OpCode::kPing:
    case OpCode::kAuth:
    case OpCode::kSetWatches:
    case OpCode::kSetWatches2:
    case OpCode::kCheckWatches:
    case OpCode::kRemoveWatches:
    case OpCode::kCloseSession:
      return V(EmptyResponse{});
    default: {
      std::string_view name = OpCodeName(request_type);
      return Status(
          Error::kUnimplemented,
          fmt::format("no reply format for opcode {}{}", static_cast<int32_t>(request_type),
                      name == "unknown" ? "" : fmt::format(" ({})", name)));
    }
  }
}

Result<ReplyHeader> DecodeReplyHeader(std::string_view payload) {
  Reader r(payload);
  ReplyHeader header;
  if (!Decode(r, &header)) return r.status();
  return header;
}

Result<Reply> DecodeReply(std::string_view payload, OpCode request_type, int64_t max_field_length) {
  Reader r(payload, max_field_length);
  Reply reply;
  if (!Decode(r, &reply.header)) return r.status();
  if (reply.header.err != Error::kOk) return reply;
  Result<ResponseBody> body = DecodeResponseBody(request_type, r);
  if (!body.ok()) return body.status();
  reply.body = std::move(body).value();
  return reply;
}

void Encode(Writer& w, const ResponseBody& v) {
  std::visit([&w](const auto& body) { Encode(w, body); }, v);
}

void Encode(Writer& w, const Reply& v) {
  Encode(w, v.header);
  if (v.header.err == Error::kOk) Encode(w, v.body);
}

void AppendNotificationFrame(std::string* out, const WatcherEvent& event, int64_t zxid) {
  AppendRecordsFrame(out, ReplyHeader{kNotificationXid, zxid, Error::kOk}, event);
}

std::string EncodeNotificationFrame(const WatcherEvent& event, int64_t zxid) {
  std::string out;
  AppendNotificationFrame(&out, event, zxid);
  return out;
}

}  // namespace zk::wire
