// Dispatch by opcode, frame builders, and the errors both sides rely on.
#include "zk/wire/messages.h"

#include <catch2/catch.hpp>

#include "codec_test_util.h"

namespace zk::wire {
namespace {

using testing::FromHex;
using testing::ToHex;

Result<RequestBody> DecodeBody(OpCode op, const std::string& bytes) {
  Reader r(bytes);
  return DecodeRequestBody(op, r);
}

}  // namespace

TEST_CASE("messages: unknown and non-client opcodes are UNIMPLEMENTED with the opcode",
          "[codec][messages]") {
  Result<RequestBody> unknown = DecodeBody(static_cast<OpCode>(77), "");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == Error::kUnimplemented);
  CHECK(unknown.status().message() == "unknown opcode 77");

  Result<RequestBody> check = DecodeBody(OpCode::kCheck, FromHex("00000002 2f61 ffffffff"));
  REQUIRE_FALSE(check.ok());
  CHECK(check.status().code() == Error::kUnimplemented);
  CHECK(check.status().message() == "opcode 13 (check) is not a client request");

  for (OpCode op :
       {OpCode::kNotification, OpCode::kDeleteContainer, OpCode::kCreateSession, OpCode::kError}) {
    CHECK(DecodeBody(op, "").status().code() == Error::kUnimplemented);
  }

  // The server learns the xid before the body fails: the reply it sends.
  std::string payload = FromHex("00000007 0000004d");
  Reader r(payload);
  RequestHeader h;
  REQUIRE(Decode(r, &h));
  Result<RequestBody> body = DecodeRequestBody(h.type, r);
  REQUIRE_FALSE(body.ok());
  std::string reply = EncodeReplyFrame(ReplyHeader{h.xid, -1, body.status().code()});
  // raw_standalone.txt "unknownop": 00000010 00000007 ffffffffffffffff fffffffa
  CHECK(ToHex(reply) == "0000001000000007fffffffffffffffffffffffa");
}

TEST_CASE("messages: undecodable bodies are MARSHALLINGERROR", "[codec][messages]") {
  Result<RequestBody> truncated = DecodeBody(OpCode::kGetData, FromHex("00000002 2f61"));
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.status().code() == Error::kMarshallingError);
  CHECK(truncated.status().message() == "truncated boolean: need 1 bytes, 0 left at offset 6");

  // multi holding a read op, multiRead holding a write op, ops mixed, bad op types.
  std::string get_a = "00000004 00 ffffffff 00000002 2f61 00";
  std::string del_a = "00000002 00 ffffffff 00000002 2f61 ffffffff";
  std::string end = "ffffffff 01 ffffffff";
  auto multi_read_in_multi = DecodeBody(OpCode::kMulti, FromHex(get_a + end));
  CHECK(multi_read_in_multi.status().message() ==
        "multi request holds read op getData at offset 0");
  auto write_in_multi_read = DecodeBody(OpCode::kMultiRead, FromHex(del_a + end));
  CHECK(write_in_multi_read.status().message() ==
        "multiRead request holds write op delete at offset 0");
  auto mixed = DecodeBody(OpCode::kMulti, FromHex(del_a + get_a + end));
  CHECK(mixed.status().code() == Error::kMarshallingError);
  CHECK(mixed.status().message() == "multi request holds read op getData at offset 19");
  // Without an opcode to check against, mixing is still rejected (as Java).
  std::string mixed_bytes = FromHex(del_a + get_a + end);
  Reader mr(mixed_bytes);
  MultiRequest mixed_multi;
  CHECK_FALSE(Decode(mr, &mixed_multi));
  CHECK(mr.status().message() == "multi request mixes read and write ops at offset 19");
  auto sync_op = DecodeBody(OpCode::kMulti, FromHex("00000009 00 ffffffff 00000002 2f61" + end));
  CHECK(sync_op.status().message() == "invalid op type 9 in multi request at offset 0");
  // A missing terminator is truncation.
  auto unterminated = DecodeBody(OpCode::kMulti, FromHex(del_a));
  CHECK(unterminated.status().message() == "truncated int: need 4 bytes, 0 left at offset 19");

  std::string bad_result = FromHex("00000063 00 00000000" + end);
  Reader rr(bad_result);
  Result<ResponseBody> bad = DecodeResponseBody(OpCode::kMulti, rr);
  CHECK(bad.status().message() == "invalid result type 99 in multi response at offset 0");
}

TEST_CASE("messages: reply decoding by the opcode of the request", "[codec][messages]") {
  // An error reply carries no body, whatever the op.
  std::string err = FromHex("00000008 0000000000000008 ffffff9b");
  Result<Reply> nonode = DecodeReply(err, OpCode::kGetData);
  REQUIRE(nonode.ok());
  CHECK(nonode->header == ReplyHeader{8, 8, Error::kNoNode});
  CHECK(std::holds_alternative<EmptyResponse>(nonode->body));

  // A body that is too short for the op.
  std::string short_stat = FromHex("00000008 0000000000000008 00000000 0000000000000005");
  Result<Reply> bad = DecodeReply(short_stat, OpCode::kExists);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Error::kMarshallingError);

  // Opcodes without a reply format.
  Reader r("");
  Result<ResponseBody> none = DecodeResponseBody(OpCode::kCreateSession, r);
  CHECK(none.status().code() == Error::kUnimplemented);
  CHECK(none.status().message() == "no reply format for opcode -10 (createSession)");
  Reader r2("");
  CHECK(DecodeResponseBody(static_cast<OpCode>(1234), r2).status().message() ==
        "no reply format for opcode 1234");

  CHECK_FALSE(DecodeReplyHeader(FromHex("00000001 00")).ok());
}

TEST_CASE("messages: frame builders produce the captured bytes", "[codec][messages]") {
  CHECK(ToHex(EncodePingFrame()) == "00000008fffffffe0000000b");
  CHECK(ToHex(EncodeNotificationFrame(
            WatcherEvent{EventType::kNodeDeleted, KeeperState::kSyncConnected, "/a/eph"})) ==
        "00000022"
        "ffffffffffffffffffffffff00000000"
        "0000000200000003000000062f612f657068");
  CHECK(ToHex(EncodeRequestFrame(RequestHeader{15, OpCode::kAddWatch},
                                 AddWatchRequest{"/a", AddWatchMode::kPersistentRecursive})) ==
        "00000012"
        "0000000f0000006a000000022f6100000001");
  CHECK(ToHex(EncodeReplyFrame(ReplyHeader{15, 9, Error::kOk}, ErrorResponse{})) ==
        "00000014"
        "0000000f000000000000000900000000"
        "00000000");
  CHECK(
      ToHex(EncodeRequestFrame(RequestHeader{24, OpCode::kCloseSession}, CloseSessionRequest{})) ==
      "00000008"
      "00000018fffffff5");
  // An error reply is the header only, even if a body is passed.
  CHECK(ToHex(EncodeReplyFrame(ReplyHeader{4, 7, Error::kNoNode},
                               GetDataResponse{"ignored", Stat{}})) ==
        "00000010"
        "000000040000000000000007ffffff9b");
  // Append* keeps what the buffer already holds.
  std::string out = "abc";
  AppendNotificationFrame(
      &out, WatcherEvent{EventType::kNodeCreated, KeeperState::kSyncConnected, "/n"}, 0x200000001);
  CHECK(out.substr(0, 3) == "abc");
  CHECK(ToHex(out.substr(3)) ==
        "0000001e"
        "ffffffff000000020000000100000000"
        "0000000100000003000000022f6e");
  // A handshake frame.
  ConnectRequest connect;
  connect.timeout_ms = 10000;
  CHECK(EncodeRecordsFrame(connect).size() == 4 + 45);
}

TEST_CASE("messages: IsRequestBodyFor / IsResponseBodyFor", "[codec][messages]") {
  CHECK(IsRequestBodyFor(OpCode::kCreate2, CreateRequest{}));
  CHECK_FALSE(IsRequestBodyFor(OpCode::kCreateTtl, CreateRequest{}));
  CHECK_FALSE(IsRequestBodyFor(OpCode::kCheck, CreateRequest{}));
  CHECK_FALSE(IsRequestBodyFor(OpCode::kMultiRead, MultiRequest{{MultiOp::Delete({"/a", 1})}}));
  CHECK(IsRequestBodyFor(OpCode::kMultiRead, MultiRequest{}));
  CHECK(IsResponseBodyFor(OpCode::kReconfig, GetDataResponse{}));
  CHECK(IsResponseBodyFor(OpCode::kSetWatches2, EmptyResponse{}));
  CHECK_FALSE(IsResponseBodyFor(OpCode::kAddWatch, EmptyResponse{}));
  CHECK_FALSE(IsResponseBodyFor(OpCode::kCreateSession, EmptyResponse{}));
}

}  // namespace zk::wire
