#include "zk/wire/messages.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

#include "zk/wire/op_table.h"

namespace zk::wire {
namespace {

// Decoders for each alternative of a variant, indexed as the variant is, so
// that the opcode table's record indices pick the decoder.
template <typename V, std::size_t I>
Result<V> DecodeAlternative(Reader& r) {
  std::variant_alternative_t<I, V> body{};
  if (!Decode(r, &body)) return r.status();
  return V(std::in_place_index<I>, std::move(body));
}

template <typename V, std::size_t... I>
constexpr auto MakeDecoders(std::index_sequence<I...>) {
  return std::array<Result<V> (*)(Reader&), sizeof...(I)>{&DecodeAlternative<V, I>...};
}

template <typename V>
constexpr auto kDecoders = MakeDecoders<V>(std::make_index_sequence<std::variant_size_v<V>>{});

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
  const OpInfo* info = FindOp(type);
  if (info == nullptr || info->request == kNoRecord ||
      static_cast<int>(body.index()) != info->request) {
    return false;
  }
  const auto* multi = std::get_if<MultiRequest>(&body);
  return multi == nullptr || MultiKindMatches(type, *multi);
}

Result<RequestBody> DecodeRequestBody(OpCode type, Reader& r) {
  if (!r.ok()) return r.status();
  const OpInfo* info = FindOp(type);
  if (info == nullptr || info->request == kNoRecord) return NotARequest(type);
  if (info->request == AlternativeIndex<RequestBody, MultiRequest>()) {
    // multi and multiRead: which ops are allowed depends on the opcode.
    MultiRequest multi;
    if (!DecodeMultiRequest(r, type, &multi)) return r.status();
    return RequestBody(std::move(multi));
  }
  return kDecoders<RequestBody>[static_cast<std::size_t>(info->request)](r);
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
  const OpInfo* info = FindOp(request_type);
  return info != nullptr && info->response != kNoRecord &&
         static_cast<int>(body.index()) == info->response;
}

Result<ResponseBody> DecodeResponseBody(OpCode request_type, Reader& r) {
  if (!r.ok()) return r.status();
  const OpInfo* info = FindOp(request_type);
  if (info == nullptr || info->response == kNoRecord) {
    std::string_view name = OpCodeName(request_type);
    return Status(Error::kUnimplemented,
                  fmt::format("no reply format for opcode {}{}", static_cast<int32_t>(request_type),
                              name == "unknown" ? "" : fmt::format(" ({})", name)));
  }
  return kDecoders<ResponseBody>[static_cast<std::size_t>(info->response)](r);
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
