// Hostile input: truncation at every prefix, bad lengths, huge counts,
// garbage and mutated frames. Decoding must fail cleanly with a reason, or
// succeed with a value that re-encodes stably; never crash or over-allocate.
// (The suite is also run under -Db_sanitize=address,undefined.)
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "codec_test_util.h"
#include "zk/wire/messages.h"

namespace zk::wire {
namespace {

using testing::ClassifiedFrame;
using testing::FrameKind;
using testing::FromHex;

// A decode failure must be a codec error with a located reason.
void CheckCleanFailure(const Status& s) {
  INFO(s.ToString());
  CHECK((s.code() == Error::kMarshallingError || s.code() == Error::kUnimplemented));
  CHECK_FALSE(s.message().empty());
  if (s.code() == Error::kMarshallingError) {
    CHECK(s.message().find(" at offset ") != std::string::npos);
  }
}

// Decodes `bytes` as `kind`; returns the status. When it succeeds, checks
// that encode -> decode gives the same value and encode is idempotent.
Status DecodeStable(FrameKind kind, OpCode reply_to, const std::string& bytes) {
  auto stable = [](const auto& value, auto decode) {
    std::string once;
    Writer w(&once);
    Encode(w, value);
    auto again = decode(once);
    REQUIRE(again.ok());
    CHECK(again.value() == value);
    std::string twice;
    Writer w2(&twice);
    Encode(w2, again.value());
    CHECK(twice == once);
  };
  switch (kind) {
    case FrameKind::kConnectRequest: {
      auto v = DecodeRecord<ConnectRequest>(bytes);
      if (v.ok()) stable(*v, [](const std::string& b) { return DecodeRecord<ConnectRequest>(b); });
      return v.status();
    }
    case FrameKind::kConnectResponse: {
      auto v = DecodeRecord<ConnectResponse>(bytes);
      if (v.ok()) stable(*v, [](const std::string& b) { return DecodeRecord<ConnectResponse>(b); });
      return v.status();
    }
    case FrameKind::kRequest: {
      auto v = DecodeRequest(bytes);
      if (v.ok()) stable(*v, [](const std::string& b) { return DecodeRequest(b); });
      return v.status();
    }
    case FrameKind::kReply: {
      auto v = DecodeReply(bytes, reply_to);
      if (v.ok()) {
        stable(*v, [reply_to](const std::string& b) { return DecodeReply(b, reply_to); });
      }
      return v.status();
    }
  }
  return Status();
}

uint32_t TestSeed() {
  const char* env = std::getenv("ZK_TEST_SEED");
  uint32_t seed = env != nullptr ? static_cast<uint32_t>(std::strtoul(env, nullptr, 10))
                                 : std::random_device{}();
  std::fprintf(stderr, "codec robustness tests: seed %u (set ZK_TEST_SEED to replay)\n", seed);
  return seed;
}

}  // namespace

TEST_CASE("robustness: every prefix of every captured frame fails cleanly", "[codec][robustness]") {
  int prefixes = 0;
  for (const ClassifiedFrame& c : testing::ClassifiedCaptureFrames()) {
    const std::string& payload = c.frame.payload;
    INFO(c.frame.file << ":" << c.frame.line);
    REQUIRE(DecodeStable(c.kind, c.reply_to, payload).ok());
    for (std::size_t n = 0; n < payload.size(); ++n) {
      INFO("prefix " << n << " of " << payload.size());
      Status s = DecodeStable(c.kind, c.reply_to, payload.substr(0, n));
      ++prefixes;
      const bool handshake =
          c.kind == FrameKind::kConnectRequest || c.kind == FrameKind::kConnectResponse;
      if (handshake && n + 1 == payload.size()) {
        CHECK(s.ok());  // the 3.3-era form without the readOnly byte
      } else {
        REQUIRE_FALSE(s.ok());
        CheckCleanFailure(s);
      }
    }
  }
  CHECK(prefixes > 5000);
}

TEST_CASE("robustness: bad lengths and counts inside records", "[codec][robustness]") {
  struct Case {
    OpCode op;
    const char* hex;
    const char* message;
  };
  const Case cases[] = {
      {OpCode::kGetData, "fffffffe 00", "negative buffer length -2 at offset 0"},
      {OpCode::kGetData, "80000000 00", "negative buffer length -2147483648 at offset 0"},
      {OpCode::kGetData, "7fffffff 00",
       "buffer length 2147483647 exceeds limit 2097150 at offset 0"},
      {OpCode::kSetWatches, "0000000000000000 40000000 00000001 61",
       "vector count 1073741824 exceeds the 5 bytes left at offset 8"},
      {OpCode::kSetAcl, "00000002 2f61 00000002 0000001f 00000005 776f726c64",
       "vector count 2 exceeds the 13 bytes left at offset 6"},
      {OpCode::kCreate, "00000002 2f61 ffffffff fffffff0",
       "negative vector count -16 at offset 10"},
      {OpCode::kAuth, "00000000 00000006 646967657374 00000010 41",
       "truncated buffer: length 16, 1 bytes left at offset 14"},
  };
  for (const Case& c : cases) {
    INFO(c.hex);
    std::string bytes = FromHex(c.hex);
    Reader r(bytes);
    Result<RequestBody> body = DecodeRequestBody(c.op, r);
    REQUIRE_FALSE(body.ok());
    CHECK(body.status().code() == Error::kMarshallingError);
    CHECK(body.status().message() == c.message);
  }
  // Responses: a huge children count, a huge whoAmI count, a huge multi.
  std::string children = FromHex("7ffffff0 00000000");
  Reader r1(children);
  CHECK(DecodeResponseBody(OpCode::kGetChildren, r1).status().message() ==
        "vector count 2147483632 exceeds the 4 bytes left at offset 0");
  std::string who = FromHex("00100000") + std::string(64, '\0');
  Reader r2(who);
  CHECK(DecodeResponseBody(OpCode::kWhoAmI, r2).status().message() ==
        "vector count 1048576 exceeds the 64 bytes left at offset 0");
  // A configured (smaller) limit applies to every buffer and string.
  std::string getdata = FromHex("00000000 0000000000000001 00000000 00000400") +
                        std::string(1024, 'x') + std::string(68, '\0');
  CHECK(DecodeReply(getdata, OpCode::kGetData).ok());
  Result<Reply> limited = DecodeReply(getdata, OpCode::kGetData, 1000);
  CHECK(limited.status().message() == "buffer length 1024 exceeds limit 1000 at offset 16");
}

TEST_CASE("robustness: garbage and mutated frames never crash and decode stably",
          "[codec][robustness]") {
  const uint32_t seed = TestSeed();
  INFO("seed " << seed << " (ZK_TEST_SEED to replay)");
  std::mt19937 rng(seed);
  const std::vector<ClassifiedFrame> frames = testing::ClassifiedCaptureFrames();
  const int32_t interesting[] = {-1, -2, 0, 1, 0x7fffffff, INT32_MIN, 0xfffff, 0x100000, 16, 68};

  int decoded = 0, rejected = 0;
  for (int round = 0; round < 20000; ++round) {
    const ClassifiedFrame& c = frames[rng() % frames.size()];
    std::string bytes = c.frame.payload;
    switch (rng() % 4) {
      case 0:  // flip a few bytes
        for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n && !bytes.empty(); ++k) {
          bytes[rng() % bytes.size()] ^= static_cast<char>(1 + rng() % 255);
        }
        break;
      case 1:  // an interesting int at a random offset
        if (bytes.size() >= 4) {
          std::size_t at = rng() % (bytes.size() - 3);
          auto v = static_cast<uint32_t>(interesting[rng() % std::size(interesting)]);
          for (int k = 0; k < 4; ++k) bytes[at + k] = static_cast<char>(v >> (24 - 8 * k));
        }
        break;
      case 2:  // cut or extend
        if (rng() % 2 == 0 && !bytes.empty()) {
          bytes.resize(rng() % bytes.size());
        } else {
          for (int k = 0, n = static_cast<int>(rng() % 16); k < n; ++k) {
            bytes.push_back(static_cast<char>(rng()));
          }
        }
        break;
      default:  // pure garbage
        bytes.resize(rng() % 96);
        for (char& ch : bytes) ch = static_cast<char>(rng());
        break;
    }
    // Decode as what it was, and as a reply to a random opcode.
    Status s = DecodeStable(c.kind, c.reply_to, bytes);
    if (s.ok()) {
      ++decoded;
    } else {
      ++rejected;
      CheckCleanFailure(s);
    }
    OpCode any = AllOpCodes()[rng() % AllOpCodes().size()];
    Status s2 = DecodeStable(FrameKind::kReply, any, bytes);
    if (!s2.ok()) CheckCleanFailure(s2);
    Status s3 = DecodeStable(FrameKind::kRequest, any, bytes);
    if (!s3.ok()) CheckCleanFailure(s3);
  }
  CHECK(decoded > 0);
  CHECK(rejected > 0);
}

TEST_CASE("robustness: the frame splitter survives garbage streams", "[codec][robustness]") {
  const uint32_t seed = TestSeed();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  for (int round = 0; round < 2000; ++round) {
    FrameSplitter s(1 + rng() % 4096);
    std::string_view payload;
    for (int chunk = 0; chunk < 8; ++chunk) {
      std::string bytes(rng() % 64, '\0');
      for (char& ch : bytes) ch = static_cast<char>(rng() % 4 == 0 ? rng() : 0);
      s.Feed(bytes);
      while (s.Next(&payload)) CHECK(static_cast<int64_t>(payload.size()) <= s.max_frame_length());
    }
    if (!s.ok()) {
      CHECK(s.status().code() == Error::kMarshallingError);
      CHECK(s.status().message().find("frame length") != std::string::npos);
    }
  }
}

}  // namespace zk::wire
