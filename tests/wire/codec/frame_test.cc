#include "zk/wire/frame.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "codec_test_util.h"
#include "zk/wire/messages.h"

namespace zk::wire {
namespace {

using testing::FromHex;

// Every captured payload (both directions), as one stream of frames.
std::vector<std::string> CapturedPayloads() {
  std::vector<std::string> payloads;
  for (const std::string& path : testing::CaptureFiles()) {
    for (auto& f : testing::ParseCapture(path).frames) payloads.push_back(std::move(f.payload));
  }
  payloads.push_back("");  // a zero-length frame is a frame too
  return payloads;
}

std::string Stream(const std::vector<std::string>& payloads) {
  std::string stream;
  for (const std::string& p : payloads) AppendFrame(&stream, p);
  return stream;
}

// Feeds `stream` cut at `cuts` (sorted offsets) and collects the payloads.
std::vector<std::string> Split(const std::string& stream, const std::vector<std::size_t>& cuts,
                               FrameSplitter* splitter) {
  std::vector<std::string> out;
  std::size_t prev = 0;
  auto drain = [&] {
    std::string_view payload;
    while (splitter->Next(&payload)) out.emplace_back(payload);
  };
  for (std::size_t cut : cuts) {
    splitter->Feed(std::string_view(stream).substr(prev, cut - prev));
    drain();
    prev = cut;
  }
  splitter->Feed(std::string_view(stream).substr(prev));
  drain();
  return out;
}

uint32_t TestSeed() {
  const char* env = std::getenv("ZK_TEST_SEED");
  uint32_t seed = env != nullptr ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10))
                                 : std::random_device{}();
  std::fprintf(stderr, "codec frame tests: seed %u (set ZK_TEST_SEED to replay)\n", seed);
  return seed;
}

}  // namespace

TEST_CASE("frame splitter: one byte at a time, whole, and every single cut", "[codec][frame]") {
  const std::vector<std::string> payloads = CapturedPayloads();
  const std::string stream = Stream(payloads);

  FrameSplitter whole;
  CHECK(Split(stream, {}, &whole) == payloads);
  CHECK(whole.ok());
  CHECK(whole.buffered().empty());
  CHECK(whole.consumed() == stream.size());

  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < stream.size(); ++i) every_byte.push_back(i);
  FrameSplitter bytewise;
  CHECK(Split(stream, every_byte, &bytewise) == payloads);
  CHECK(bytewise.ok());

  // Every single cut point of the first few frames.
  const std::string head = Stream({payloads[0], payloads[1], payloads[2]});
  for (std::size_t cut = 0; cut <= head.size(); ++cut) {
    FrameSplitter s;
    INFO("cut " << cut);
    CHECK(Split(head, {cut}, &s) ==
          std::vector<std::string>{payloads[0], payloads[1], payloads[2]});
  }
}

TEST_CASE("frame splitter: random chunkings", "[codec][frame]") {
  const std::vector<std::string> payloads = CapturedPayloads();
  const std::string stream = Stream(payloads);
  const uint32_t seed = TestSeed();
  INFO("seed " << seed << " (ZK_TEST_SEED to replay)");
  std::mt19937 rng(seed);
  for (int round = 0; round < 200; ++round) {
    std::uniform_int_distribution<std::size_t> count(0, 64);
    std::uniform_int_distribution<std::size_t> pos(0, stream.size());
    std::vector<std::size_t> cuts(count(rng));
    for (auto& c : cuts) c = pos(rng);
    std::sort(cuts.begin(), cuts.end());
    FrameSplitter s;
    INFO("round " << round);
    REQUIRE(Split(stream, cuts, &s) == payloads);
  }
}

TEST_CASE("frame splitter: views stay valid until the next Feed", "[codec][frame]") {
  std::string stream = EncodeFrame("one") + EncodeFrame("two") + EncodeFrame("thr");
  FrameSplitter s;
  s.Feed(stream.substr(0, 16));
  std::string_view a, b, c;
  REQUIRE(s.Next(&a));
  REQUIRE(s.Next(&b));
  CHECK_FALSE(s.Next(&c));
  // Both views are still intact after the second Next().
  CHECK(a == "one");
  CHECK(b == "two");
  CHECK(s.buffered() == std::string_view(stream).substr(14, 2));
  s.Feed(stream.substr(16));
  REQUIRE(s.Next(&c));
  CHECK(c == "thr");
  CHECK(s.buffered().empty());
  CHECK(s.consumed() == stream.size());
}

TEST_CASE("frame splitter: buffered() exposes the first bytes for 4lw detection",
          "[codec][frame]") {
  FrameSplitter s;
  s.Feed("ru");
  std::string_view p;
  CHECK_FALSE(s.Next(&p));
  CHECK(s.ok());
  s.Feed("ok");
  CHECK(s.buffered() == "ruok");
  // Read as a length, "ruok" is far over the limit.
  CHECK_FALSE(s.Next(&p));
  CHECK_FALSE(s.ok());
  CHECK(s.status().message() == "frame length 1920298859 exceeds limit 1048575 at stream offset 0");
}

TEST_CASE("frame splitter: bad lengths fail for good", "[codec][frame]") {
  SECTION("negative") {
    FrameSplitter s;
    s.Feed(EncodeFrame("ok") + FromHex("ffffffff 00"));
    std::string_view p;
    REQUIRE(s.Next(&p));
    CHECK(p == "ok");
    CHECK_FALSE(s.Next(&p));
    CHECK(s.status().code() == Error::kMarshallingError);
    CHECK(s.status().message() == "negative frame length -1 at stream offset 6");
    s.Feed(EncodeFrame("more"));
    CHECK_FALSE(s.Next(&p));
    CHECK_FALSE(s.ok());
  }
  SECTION("over the default limit (jute.maxbuffer), as the server's 'Len error'") {
    FrameSplitter s;
    s.Feed(FromHex("00100000"));
    std::string_view p;
    CHECK_FALSE(s.Next(&p));
    CHECK(s.status().message() == "frame length 1048576 exceeds limit 1048575 at stream offset 0");
  }
  SECTION("exactly the limit is fine; a custom limit") {
    FrameSplitter s;
    std::string big(kDefaultMaxFrameLength, 'x');
    s.Feed(EncodeFrame(big));
    std::string_view p;
    REQUIRE(s.Next(&p));
    CHECK(p.size() == big.size());
    FrameSplitter small(16);
    small.Feed(EncodeFrame(std::string(17, 'y')));
    CHECK_FALSE(small.Next(&p));
    CHECK(small.status().message() == "frame length 17 exceeds limit 16 at stream offset 0");
  }
}

TEST_CASE("frame: AppendRecordsFrame back-patches the length", "[codec][frame]") {
  std::string out = "prefix";
  AppendRecordsFrame(&out, RequestHeader{1, OpCode::kSync}, SyncRequest{"/a"});
  CHECK(out.substr(0, 6) == "prefix");
  CHECK(testing::ToHex(out.substr(6)) ==
        "0000000e"
        "0000000100000009"
        "000000022f61");
  CHECK(EncodeFrame("") == std::string(4, '\0'));
}

}  // namespace zk::wire
