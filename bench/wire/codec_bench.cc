// Encoding and decoding a getData reply carrying 1 KiB of data, frame
// included: the hot path of a read-heavy client and of a simulated server.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "zk/wire/frame.h"
#include "zk/wire/messages.h"

namespace zk::wire {
namespace {

constexpr std::size_t kDataSize = 1024;

ReplyHeader Header() { return ReplyHeader{42, 0x100000123, Error::kOk}; }

GetDataResponse Body() {
  return GetDataResponse{std::string(kDataSize, 'd'),
                         Stat{0x100000005, 0x100000120, 1700000000000, 1700000001000, 7, 2, 0, 0,
                              static_cast<int32_t>(kDataSize), 2, 0x100000007}};
}

// Server side: header + body + length prefix into a reused output buffer.
void BM_EncodeGetDataReplyFrame(benchmark::State& state) {
  const ReplyHeader header = Header();
  const GetDataResponse body = Body();
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendReplyFrame(&out, header, body);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(out.size()));
}
BENCHMARK(BM_EncodeGetDataReplyFrame);

// Client side: bytes in -> FrameSplitter -> ReplyHeader + GetDataResponse.
void BM_DecodeGetDataReplyFrame(benchmark::State& state) {
  const std::string frame = EncodeReplyFrame(Header(), Body());
  FrameSplitter splitter;
  for (auto _ : state) {
    splitter.Feed(frame);
    std::string_view payload;
    if (!splitter.Next(&payload)) state.SkipWithError("no frame");
    Result<Reply> reply = DecodeReply(payload, OpCode::kGetData);
    if (!reply.ok()) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(reply);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(frame.size()));
}
BENCHMARK(BM_DecodeGetDataReplyFrame);

// The same decode without the splitter's copy, from a Reader over the
// payload, into a reused record (what a zero-alloc caller can do).
void BM_DecodeGetDataReplyPayloadInPlace(benchmark::State& state) {
  const std::string frame = EncodeReplyFrame(Header(), Body());
  const std::string_view payload = std::string_view(frame).substr(kFrameLengthSize);
  ReplyHeader header;
  GetDataResponse body;
  for (auto _ : state) {
    Reader r(payload);
    bool ok = Decode(r, &header) && Decode(r, &body);
    if (!ok) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(body);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(payload.size()));
}
BENCHMARK(BM_DecodeGetDataReplyPayloadInPlace);

// The request that asks for it, for scale.
void BM_EncodeGetDataRequestFrame(benchmark::State& state) {
  const GetDataRequest req{"/app/config/node-0001", true};
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendRequestFrame(&out, RequestHeader{42, OpCode::kGetData}, req);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeGetDataRequestFrame);

}  // namespace
}  // namespace zk::wire
