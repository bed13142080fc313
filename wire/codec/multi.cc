#include "zk/wire/multi.h"

#include <fmt/format.h>

#include <type_traits>
#include <utility>
#include <variant>

#include "zk/wire/records.h"

namespace zk::wire {
namespace {

// MultiHeader.err of a request op, and of both fields of the terminator.
constexpr int32_t kNoError = -1;

template <typename T>
bool DecodeOp(Reader& r, OpCode type, MultiOp* out) {
  T req{};
  if (!Decode(r, &req)) return false;
  out->type = type;
  out->request = std::move(req);
  return true;
}

template <typename T>
bool DecodeResult(Reader& r, MultiResult* out) {
  T body{};
  if (!Decode(r, &body)) return false;
  *out = std::move(body);
  return true;
}

}  // namespace

bool IsMultiWriteOp(OpCode type) {
  switch (type) {
    case OpCode::kCreate:
    case OpCode::kCreate2:
    case OpCode::kCreateContainer:
    case OpCode::kCreateTtl:
    case OpCode::kDelete:
    case OpCode::kSetData:
    case OpCode::kCheck:
      return true;
    default:
      return false;
  }
}

bool IsMultiReadOp(OpCode type) { return type == OpCode::kGetData || type == OpCode::kGetChildren; }

OpCode MultiResultType(const MultiResult& result) {
  struct Visitor {
    OpCode operator()(const CreateResponse&) const { return OpCode::kCreate; }
    OpCode operator()(const Create2Response&) const { return OpCode::kCreate2; }
    OpCode operator()(const DeleteResult&) const { return OpCode::kDelete; }
    OpCode operator()(const SetDataResponse&) const { return OpCode::kSetData; }
    OpCode operator()(const CheckResult&) const { return OpCode::kCheck; }
    OpCode operator()(const GetDataResponse&) const { return OpCode::kGetData; }
    OpCode operator()(const GetChildrenResponse&) const { return OpCode::kGetChildren; }
    OpCode operator()(const ErrorResult&) const { return OpCode::kError; }
  };
  return std::visit(Visitor{}, result);
}

Error FirstError(const MultiResponse& response) {
  for (const MultiResult& result : response.results) {
    const auto* e = std::get_if<ErrorResult>(&result);
    if (e != nullptr && e->err != Error::kOk) return e->err;
  }
  return Error::kOk;
}

void Encode(Writer& w, const MultiOp& v) {
  Encode(w, MultiHeader{v.type, false, kNoError});
  std::visit([&w](const auto& req) { Encode(w, req); }, v.request);
}

void Encode(Writer& w, const MultiRequest& v) {
  for (const MultiOp& op : v.ops) Encode(w, op);
  Encode(w, MultiHeader{OpCode::kError, true, kNoError});
}

bool Decode(Reader& r, MultiRequest* out) { return DecodeMultiRequest(r, OpCode::kError, out); }

bool DecodeMultiRequest(Reader& r, OpCode multi_type, MultiRequest* out) {
  out->ops.clear();
  MultiHeader h;
  std::size_t at = r.offset();  // of the current header, for error messages
  if (!Decode(r, &h)) return false;
  while (!h.done) {
    if (multi_type == OpCode::kMulti && IsMultiReadOp(h.type)) {
      return r.FailAt(at, fmt::format("multi request holds read op {}", h.type));
    }
    if (multi_type == OpCode::kMultiRead && IsMultiWriteOp(h.type)) {
      return r.FailAt(at, fmt::format("multiRead request holds write op {}", h.type));
    }
    if (!out->ops.empty() && IsMultiReadOp(h.type) != IsMultiReadOp(out->ops.front().type) &&
        (IsMultiReadOp(h.type) || IsMultiWriteOp(h.type))) {
      return r.FailAt(at, "multi request mixes read and write ops");
    }
    MultiOp op;
    bool ok = false;
    switch (h.type) {
      case OpCode::kCreate:
      case OpCode::kCreate2:
      case OpCode::kCreateContainer:
        ok = DecodeOp<CreateRequest>(r, h.type, &op);
        break;
      case OpCode::kCreateTtl:
        ok = DecodeOp<CreateTtlRequest>(r, h.type, &op);
        break;
      case OpCode::kDelete:
        ok = DecodeOp<DeleteRequest>(r, h.type, &op);
        break;
      case OpCode::kSetData:
        ok = DecodeOp<SetDataRequest>(r, h.type, &op);
        break;
      case OpCode::kCheck:
        ok = DecodeOp<CheckVersionRequest>(r, h.type, &op);
        break;
      case OpCode::kGetData:
        ok = DecodeOp<GetDataRequest>(r, h.type, &op);
        break;
      case OpCode::kGetChildren:
        ok = DecodeOp<GetChildrenRequest>(r, h.type, &op);
        break;
      default:
        return r.FailAt(
            at, fmt::format("invalid op type {} in multi request", static_cast<int32_t>(h.type)));
    }
    if (!ok) return false;
    out->ops.push_back(std::move(op));
    at = r.offset();
    if (!Decode(r, &h)) return false;
  }
  return true;
}

void Encode(Writer& w, const MultiResponse& v) {
  for (const MultiResult& result : v.results) {
    const auto* e = std::get_if<ErrorResult>(&result);
    int32_t err = e != nullptr ? ErrorCode(e->err) : 0;
    Encode(w, MultiHeader{MultiResultType(result), false, err});
    std::visit(
        [&w](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, ErrorResult>) {
            Encode(w, ErrorResponse{body.err});
          } else if constexpr (!std::is_same_v<T, DeleteResult> &&
                               !std::is_same_v<T, CheckResult>) {
            Encode(w, body);
          }
        },
        result);
  }
  Encode(w, MultiHeader{OpCode::kError, true, kNoError});
}

bool Decode(Reader& r, MultiResponse* out) {
  out->results.clear();
  MultiHeader h;
  std::size_t at = r.offset();
  if (!Decode(r, &h)) return false;
  while (!h.done) {
    MultiResult result;
    bool ok = true;
    switch (h.type) {
      case OpCode::kCreate:
        ok = DecodeResult<CreateResponse>(r, &result);
        break;
      case OpCode::kCreate2:
        ok = DecodeResult<Create2Response>(r, &result);
        break;
      case OpCode::kDelete:
        result = DeleteResult{};
        break;
      case OpCode::kSetData:
        ok = DecodeResult<SetDataResponse>(r, &result);
        break;
      case OpCode::kCheck:
        result = CheckResult{};
        break;
      case OpCode::kGetData:
        ok = DecodeResult<GetDataResponse>(r, &result);
        break;
      case OpCode::kGetChildren:
        ok = DecodeResult<GetChildrenResponse>(r, &result);
        break;
      case OpCode::kError: {
        ErrorResponse e;
        ok = Decode(r, &e);
        result = ErrorResult{e.err};
        break;
      }
      default:
        return r.FailAt(at, fmt::format("invalid result type {} in multi response",
                                        static_cast<int32_t>(h.type)));
    }
    if (!ok) return false;
    out->results.push_back(std::move(result));
    at = r.offset();
    if (!Decode(r, &h)) return false;
  }
  return true;
}

}  // namespace zk::wire
