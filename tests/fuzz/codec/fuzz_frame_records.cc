// Fuzz target for the binary codec: framing, the handshake records, and
// request/response decoding for every opcode.
//
// Input layout: byte 0 selects the mode, the rest is a byte stream.
//   mode % 4 == 0: the stream is what a server receives: split into frames;
//                  the first frame is a ConnectRequest, later ones
//                  RequestHeader + body (and a 4lw check on the first bytes).
//   mode % 4 == 1: what a client receives: ConnectResponse, then replies;
//                  each reply is decoded as the answer to every opcode.
//   mode % 4 == 2: the stream is one request body, decoded for every opcode.
//   mode % 4 == 3: the stream is one response body, decoded for every opcode.
// Invariants (abort on violation): a decoded value re-encodes, decodes again
// to an equal value and re-encodes to the same bytes; a failure is a
// kMarshallingError or kUnimplemented with a message; frames never exceed
// the splitter's limit; splitting in one go and byte by byte agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "zk/wire/four_letter.h"
#include "zk/wire/frame.h"
#include "zk/wire/messages.h"

namespace zk::wire {
namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckFailure(const Status& s) {
  Check(!s.ok());
  Check(s.code() == Error::kMarshallingError || s.code() == Error::kUnimplemented);
  Check(!s.message().empty());
}

template <typename T, typename DecodeFn>
void CheckStable(const T& value, DecodeFn decode) {
  std::string once;
  Writer w(&once);
  Encode(w, value);
  auto again = decode(once);
  Check(again.ok());
  Check(again.value() == value);
  std::string twice;
  Writer w2(&twice);
  Encode(w2, again.value());
  Check(twice == once);
}

template <typename T>
void FuzzRecord(std::string_view bytes) {
  Result<T> v = DecodeRecord<T>(bytes);
  if (!v.ok()) return CheckFailure(v.status());
  CheckStable(*v, [](const std::string& b) { return DecodeRecord<T>(b); });
}

void FuzzRequest(std::string_view payload) {
  Result<Request> req = DecodeRequest(payload);
  if (!req.ok()) return CheckFailure(req.status());
  Check(IsRequestBodyFor(req->header.type, req->body));
  CheckStable(*req, [](const std::string& b) { return DecodeRequest(b); });
}

void FuzzReply(std::string_view payload, OpCode op) {
  Result<Reply> reply = DecodeReply(payload, op);
  if (!reply.ok()) return CheckFailure(reply.status());
  Check(reply->header.err != Error::kOk || IsResponseBodyFor(op, reply->body));
  CheckStable(*reply, [op](const std::string& b) { return DecodeReply(b, op); });
}

void FuzzRequestBody(std::string_view bytes, OpCode op) {
  Reader r(bytes);
  Result<RequestBody> body = DecodeRequestBody(op, r);
  if (!body.ok()) return CheckFailure(body.status());
  Check(IsRequestBodyFor(op, *body));
  CheckStable(*body, [op](const std::string& b) {
    Reader r2(b);
    Result<RequestBody> v = DecodeRequestBody(op, r2);
    Check(!v.ok() || r2.AtEnd());
    return v;
  });
}

void FuzzResponseBody(std::string_view bytes, OpCode op) {
  Reader r(bytes);
  Result<ResponseBody> body = DecodeResponseBody(op, r);
  if (!body.ok()) return CheckFailure(body.status());
  Check(IsResponseBodyFor(op, *body));
  CheckStable(*body, [op](const std::string& b) {
    Reader r2(b);
    Result<ResponseBody> v = DecodeResponseBody(op, r2);
    Check(!v.ok() || r2.AtEnd());
    return v;
  });
}

// Splits `stream` in one go and byte by byte; both must agree.
std::vector<std::string> Frames(std::string_view stream, int64_t limit) {
  std::vector<std::string> whole;
  FrameSplitter a(limit);
  a.Feed(stream);
  std::string_view p;
  while (a.Next(&p)) {
    Check(static_cast<int64_t>(p.size()) <= limit);
    whole.emplace_back(p);
  }
  std::vector<std::string> bytewise;
  FrameSplitter b(limit);
  for (char c : stream) {
    b.Feed(std::string_view(&c, 1));
    while (b.Next(&p)) bytewise.emplace_back(p);
  }
  Check(whole == bytewise);
  Check(a.ok() == b.ok());
  if (!a.ok()) Check(a.status() == b.status());
  // Re-framing the payloads reproduces the consumed prefix of the stream.
  std::string reframed;
  for (const std::string& f : whole) AppendFrame(&reframed, f);
  Check(stream.substr(0, reframed.size()) == reframed);
  Check(a.consumed() == reframed.size());
  return whole;
}

}  // namespace
}  // namespace zk::wire

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace zk::wire;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto ops = AllOpCodes();
  switch (mode % 4) {
    case 0: {
      (void)DetectFourLetterWord(stream);
      std::vector<std::string> frames = Frames(stream, 4096);
      for (std::size_t i = 0; i < frames.size(); ++i) {
        if (i == 0) {
          FuzzRecord<ConnectRequest>(frames[i]);
        } else {
          FuzzRequest(frames[i]);
        }
      }
      break;
    }
    case 1: {
      std::vector<std::string> frames = Frames(stream, 4096);
      for (std::size_t i = 0; i < frames.size(); ++i) {
        if (i == 0) {
          FuzzRecord<ConnectResponse>(frames[i]);
          continue;
        }
        for (OpCode op : ops) FuzzReply(frames[i], op);
      }
      break;
    }
    case 2:
      for (OpCode op : ops) FuzzRequestBody(stream, op);
      FuzzRequestBody(stream, static_cast<OpCode>(77));
      break;
    default:
      for (OpCode op : ops) FuzzResponseBody(stream, op);
      break;
  }
  return 0;
}
