// Typed messages: which body goes with which opcode, decoding a body given
// its opcode (server: from the RequestHeader; client: from the request a
// reply answers), and building whole frames in one call.
//
// Server side, for each frame after the handshake:
//   Reader r(payload);
//   RequestHeader h;
//   if (!Decode(r, &h)) return Close(r.status());
//   Result<RequestBody> body = DecodeRequestBody(h.type, r);
//   if (!body.ok()) {          // kUnimplemented: unknown opcode (ZooKeeper
//     // replies and closes); kMarshallingError: undecodable body.
//     AppendReplyFrame(&out, ReplyHeader{h.xid, last_zxid, body.status().code()});
//   } else if (auto* get = std::get_if<GetDataRequest>(&*body)) {
//     AppendReplyFrame(&out, ReplyHeader{h.xid, last_zxid, Error::kOk},
//                      GetDataResponse{node.data, node.stat});
//   } ...
//
// Client side:
//   std::string out;
//   AppendRequestFrame(&out, RequestHeader{xid, OpCode::kGetData}, GetDataRequest{"/a", true});
//   ...
//   Result<ReplyHeader> h = DecodeReplyHeader(payload);
//   OpCode op = SpecialXidOpCode(h->xid).value_or(pending.front().op);
//   Result<Reply> reply = DecodeReply(payload, op);
//   // reply->body holds e.g. GetDataResponse, or WatcherEvent for xid -1,
//   // or EmptyResponse when reply->header.err != kOk.
//
// The first frame of a connection has no header: ConnectRequest (client)
// and ConnectResponse (server); use DecodeRecord<ConnectRequest>(payload)
// and AppendRecordsFrame(&out, response).
//
// Bytes after a body are ignored, as ZooKeeper does.
#ifndef ZK_WIRE_MESSAGES_H_
#define ZK_WIRE_MESSAGES_H_

#include <string>
#include <string_view>
#include <variant>

#include "zk/wire/frame.h"
#include "zk/wire/jute.h"
#include "zk/wire/multi.h"
#include "zk/wire/protocol.h"
#include "zk/wire/records.h"
#include "zk/wire/requests.h"
#include "zk/wire/responses.h"
#include "zk/wire/status.h"

namespace zk::wire {

// ---------------------------------------------------------------- requests

// Every request body a client may send. Opcode -> alternative:
//   ping 11 PingRequest, closeSession -11 CloseSessionRequest,
//   whoAmI 107 WhoAmIRequest, create 1 / create2 15 / createContainer 19
//   CreateRequest, createTTL 21 CreateTtlRequest, delete 2, exists 3,
//   getData 4, setData 5, getACL 6, setACL 7, getChildren 8,
//   getChildren2 12, sync 9 (the matching *Request), multi 14 and
//   multiRead 22 MultiRequest, reconfig 16, checkWatches 17,
//   removeWatches 18, auth 100 AuthPacket, setWatches 101 SetWatches,
//   setWatches2 105 SetWatches2, sasl 102 GetSaslRequest, getEphemerals 103,
//   getAllChildrenNumber 104, addWatch 106.
using RequestBody =
    std::variant<PingRequest, CloseSessionRequest, WhoAmIRequest, CreateRequest, CreateTtlRequest,
                 DeleteRequest, ExistsRequest, GetDataRequest, SetDataRequest, GetAclRequest,
                 SetAclRequest, GetChildrenRequest, GetChildren2Request, SyncRequest, MultiRequest,
                 ReconfigRequest, CheckWatchesRequest, RemoveWatchesRequest, AuthPacket, SetWatches,
                 SetWatches2, GetSaslRequest, GetEphemeralsRequest, GetAllChildrenNumberRequest,
                 AddWatchRequest>;

// Whether `body` is the alternative that opcode `type` carries (and, for
// multi/multiRead, whether every op is of the right kind).
bool IsRequestBodyFor(OpCode type, const RequestBody& body);

// Decodes the body that follows a RequestHeader of type `type`.
// Fails with kUnimplemented ("unknown opcode 77", or "opcode 13 (check) is
// not a client request" for check, deleteContainer, createSession,
// notification, error) — ZooKeeper answers those with UNIMPLEMENTED and
// closes — and with kMarshallingError for a body that does not decode,
// including a multi holding read ops or a multiRead holding write ops.
Result<RequestBody> DecodeRequestBody(OpCode type, Reader& r);

struct Request {
  RequestHeader header;
  RequestBody body;
  bool operator==(const Request&) const = default;
};

// Header + body of one frame payload (after the handshake).
Result<Request> DecodeRequest(std::string_view payload,
                              int64_t max_field_length = kDefaultMaxFieldLength);

void Encode(Writer& w, const RequestBody& v);
// REQUIRES: IsRequestBodyFor(v.header.type, v.body).
void Encode(Writer& w, const Request& v);

// Appends header + body as one frame; `body` is any request record or a
// RequestBody. REQUIRES: the body is the one header.type carries.
template <typename Body>
void AppendRequestFrame(std::string* out, const RequestHeader& header, const Body& body) {
  AppendRecordsFrame(out, header, body);
}
template <typename Body>
std::string EncodeRequestFrame(const RequestHeader& header, const Body& body) {
  std::string out;
  AppendRequestFrame(&out, header, body);
  return out;
}
// RequestHeader{-2, ping}, 12 bytes with the length.
std::string EncodePingFrame();

// ---------------------------------------------------------------- responses

// Every reply body. Opcode of the request -> alternative:
//   notification 0 (xid -1) WatcherEvent; create 1 CreateResponse;
//   create2 15, createContainer 19, createTTL 21 Create2Response;
//   exists 3 ExistsResponse; getData 4 and reconfig 16 GetDataResponse;
//   setData 5 (and check 13) SetDataResponse; getACL 6, setACL 7,
//   getChildren 8, getChildren2 12, sync 9: the matching *Response;
//   multi 14, multiRead 22 MultiResponse; sasl 102 SetSaslResponse;
//   getEphemerals 103, getAllChildrenNumber 104, whoAmI 107: *Response;
//   addWatch 106 ErrorResponse; everything else (delete, ping, auth,
//   setWatches, setWatches2, checkWatches, removeWatches, closeSession)
//   EmptyResponse. Every error reply: EmptyResponse.
using ResponseBody =
    std::variant<EmptyResponse, WatcherEvent, CreateResponse, Create2Response, ExistsResponse,
                 GetDataResponse, SetDataResponse, GetAclResponse, SetAclResponse,
                 GetChildrenResponse, GetChildren2Response, SyncResponse, MultiResponse,
                 SetSaslResponse, GetEphemeralsResponse, GetAllChildrenNumberResponse,
                 ErrorResponse, WhoAmIResponse>;

// Whether `body` is the alternative a successful reply to `request_type`
// carries (EmptyResponse for ops without body).
bool IsResponseBodyFor(OpCode request_type, const ResponseBody& body);

// Decodes the body of a successful (err == kOk) reply to a request of type
// `request_type` (kNotification for xid -1). Fails with kUnimplemented for
// opcodes that have no reply (deleteContainer, createSession, error,
// unknown values) and kMarshallingError for a body that does not decode.
Result<ResponseBody> DecodeResponseBody(OpCode request_type, Reader& r);

struct Reply {
  ReplyHeader header;
  ResponseBody body;  // EmptyResponse when header.err != kOk
  bool operator==(const Reply&) const = default;
};

// The 16-byte header of a server frame payload, to find out (by xid) which
// request it answers.
Result<ReplyHeader> DecodeReplyHeader(std::string_view payload);
// Header + body; the body is decoded only when header.err == kOk.
// `request_type`: the opcode of the request with this xid, or for special
// xids SpecialXidOpCode(xid) (kNotification for -1, kPing for -2, ...).
Result<Reply> DecodeReply(std::string_view payload, OpCode request_type,
                          int64_t max_field_length = kDefaultMaxFieldLength);

void Encode(Writer& w, const ResponseBody& v);
// Writes the header, and the body only if header.err == kOk.
void Encode(Writer& w, const Reply& v);

// Appends a reply frame. When header.err != kOk only the 16-byte header is
// written, whatever `body` is, because that is all an error reply holds.
template <typename Body = EmptyResponse>
void AppendReplyFrame(std::string* out, const ReplyHeader& header, const Body& body = Body{}) {
  if (header.err != Error::kOk) {
    AppendRecordsFrame(out, header);
  } else {
    AppendRecordsFrame(out, header, body);
  }
}
template <typename Body = EmptyResponse>
std::string EncodeReplyFrame(const ReplyHeader& header, const Body& body = Body{}) {
  std::string out;
  AppendReplyFrame(&out, header, body);
  return out;
}
// ReplyHeader{-1, zxid, 0} + event. ZooKeeper <= 3.8 sends zxid -1; 3.9+
// the triggering transaction's zxid (still -1 for SetWatches catch-up).
void AppendNotificationFrame(std::string* out, const WatcherEvent& event, int64_t zxid = -1);
std::string EncodeNotificationFrame(const WatcherEvent& event, int64_t zxid = -1);

}  // namespace zk::wire

#endif  // ZK_WIRE_MESSAGES_H_
