#include "zk/wire/multi.h"

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <variant>

#include "zk/wire/op_table.h"
#include "zk/wire/records.h"

namespace zk::wire {
namespace {

// MultiHeader.err of a request op, and of both fields of the terminator.
constexpr int32_t kNoError = -1;

// Decoders of MultiOp::Request and MultiResult alternatives, indexed as the
// variants are, so that the opcode table's record indices pick them.
template <std::size_t I>
bool DecodeOpAlternative(Reader& r, MultiOp::Request* out) {
  std::variant_alternative_t<I, MultiOp::Request> req{};
  if (!Decode(r, &req)) return false;
  out->emplace<I>(std::move(req));
  return true;
}

template <typename T>
bool DecodeResultBody(Reader& r, T* out) {
  if constexpr (std::is_same_v<T, DeleteResult> || std::is_same_v<T, CheckResult>) {
    return r.ok();  // no body
  } else if constexpr (std::is_same_v<T, ErrorResult>) {
    ErrorResponse e;
    if (!Decode(r, &e)) return false;
    out->err = e.err;
    return true;
  } else {
    return Decode(r, out);
  }
}

template <std::size_t I>
bool DecodeResultAlternative(Reader& r, MultiResult* out) {
  std::variant_alternative_t<I, MultiResult> body{};
  if (!DecodeResultBody(r, &body)) return false;
  out->emplace<I>(std::move(body));
  return true;
}

template <std::size_t... I>
constexpr auto MakeOpDecoders(std::index_sequence<I...>) {
  return std::array<bool (*)(Reader&, MultiOp::Request*), sizeof...(I)>{
      &DecodeOpAlternative<I>...};
}
template <std::size_t... I>
constexpr auto MakeResultDecoders(std::index_sequence<I...>) {
  return std::array<bool (*)(Reader&, MultiResult*), sizeof...(I)>{
      &DecodeResultAlternative<I>...};
}
constexpr auto kOpDecoders =
    MakeOpDecoders(std::make_index_sequence<std::variant_size_v<MultiOp::Request>>{});
constexpr auto kResultDecoders =
    MakeResultDecoders(std::make_index_sequence<std::variant_size_v<MultiResult>>{});

MultiUse MultiUseOf(OpCode type) {
  const OpInfo* info = FindOp(type);
  return info != nullptr ? info->multi : MultiUse::kNo;
}

}  // namespace

bool IsMultiWriteOp(OpCode type) { return MultiUseOf(type) == MultiUse::kInMulti; }

bool IsMultiReadOp(OpCode type) { return MultiUseOf(type) == MultiUse::kInMultiRead; }

OpCode MultiResultType(const MultiResult& result) {
  const int index = static_cast<int>(result.index());
  for (const OpInfo& info : OpTable()) {
    if (info.multi_result == index) return info.op;
  }
  return OpCode::kError;  // unreachable: every MultiResult alternative has a row
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
    const OpInfo* info = FindOp(h.type);
    if (info == nullptr || info->multi_request == kNoRecord) {
      return r.FailAt(
          at, fmt::format("invalid op type {} in multi request", static_cast<int32_t>(h.type)));
    }
    MultiOp op;
    op.type = h.type;
    const bool ok = kOpDecoders[static_cast<std::size_t>(info->multi_request)](r, &op.request);
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
    const OpInfo* info = FindOp(h.type);
    if (info == nullptr || info->multi_result == kNoRecord) {
      return r.FailAt(at, fmt::format("invalid result type {} in multi response",
                                      static_cast<int32_t>(h.type)));
    }
    MultiResult result;
    const bool ok = kResultDecoders[static_cast<std::size_t>(info->multi_result)](r, &result);
    if (!ok) return false;
    out->results.push_back(std::move(result));
    at = r.offset();
    if (!Decode(r, &h)) return false;
  }
  return true;
}

}  // namespace zk::wire
