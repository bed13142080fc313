// Records that the captures do not hold: hand-written vectors built from the
// field orders of ZooKeeper's jute records, and round trips of every
// request and response alternative.
#include <catch2/catch.hpp>
#include <set>

#include "codec_test_util.h"
#include "zk/wire/messages.h"

namespace zk::wire {
namespace {

using testing::FromHex;
using testing::ToHex;

// "/a" and the Stat used in the vectors below.
constexpr const char* kPathA = "00000002 2f61";
constexpr const char* kStatHex =
    "0000000000000005 0000000000000008 000001a20133b1a7 000001a20133b1f7 "
    "00000001 00000002 00000000 0000000000000000 00000005 00000002 0000000000000007";
const Stat kStat{5, 8, 0x1a20133b1a7, 0x1a20133b1f7, 1, 2, 0, 0, 5, 2, 7};

// Decodes `hex` as the body of opcode `op` (request side), checks the value
// and that it re-encodes to the same bytes.
void CheckRequestVector(OpCode op, const std::string& hex, const RequestBody& expected) {
  INFO("op " << OpCodeName(op) << " " << hex);
  std::string bytes = FromHex(hex);
  Reader r(bytes);
  Result<RequestBody> body = DecodeRequestBody(op, r);
  INFO((body.ok() ? "" : body.status().ToString()));
  REQUIRE(body.ok());
  CHECK(r.AtEnd());
  CHECK(*body == expected);
  CHECK(IsRequestBodyFor(op, *body));
  std::string again;
  Writer w(&again);
  Encode(w, *body);
  CHECK(ToHex(again) == ToHex(bytes));
}

void CheckResponseVector(OpCode op, const std::string& hex, const ResponseBody& expected) {
  INFO("op " << OpCodeName(op) << " " << hex);
  std::string bytes = FromHex(hex);
  Reader r(bytes);
  Result<ResponseBody> body = DecodeResponseBody(op, r);
  INFO((body.ok() ? "" : body.status().ToString()));
  REQUIRE(body.ok());
  CHECK(r.AtEnd());
  CHECK(*body == expected);
  CHECK(IsResponseBodyFor(op, *body));
  std::string again;
  Writer w(&again);
  Encode(w, *body);
  CHECK(ToHex(again) == ToHex(bytes));
}

std::string Cat(std::initializer_list<std::string> parts) {
  std::string out;
  for (const auto& p : parts) out += p + " ";
  return out;
}

}  // namespace

TEST_CASE("records: Stat is 68 bytes in field order", "[codec][records]") {
  CHECK(EncodeRecord(kStat) == FromHex(kStatHex));
  CHECK(EncodeRecord(Stat{}).size() == 68);
}

TEST_CASE("records: create2, createContainer and createTTL vectors", "[codec][records]") {
  const std::string open_acl = "00000001 0000001f 00000005 776f726c64 00000006 616e796f6e65";
  CreateRequest create{"/a", "hi", OpenAclUnsafe(), CreateMode::kEphemeralSequential};
  std::string create_hex = Cat({kPathA, "00000002 6869", open_acl, "00000003"});
  CheckRequestVector(OpCode::kCreate2, create_hex, create);

  CreateRequest container{"/a", std::nullopt, OpenAclUnsafe(), CreateMode::kContainer};
  CheckRequestVector(OpCode::kCreateContainer, Cat({kPathA, "ffffffff", open_acl, "00000004"}),
                     container);

  CreateTtlRequest ttl{"/a", "", CreatorAllAcl(), CreateMode::kPersistentWithTtl, 60000};
  CheckRequestVector(OpCode::kCreateTtl,
                     Cat({kPathA, "00000000", "00000001 0000001f 00000004 61757468 00000000",
                          "00000005", "000000000000ea60"}),
                     ttl);

  Create2Response resp{"/a", kStat};
  for (OpCode op : {OpCode::kCreate2, OpCode::kCreateContainer, OpCode::kCreateTtl}) {
    CheckResponseVector(op, Cat({kPathA, kStatHex}), resp);
  }
  // A create (op 1) reply is a prefix of a create2 reply.
  CheckResponseVector(OpCode::kCreate, kPathA, CreateResponse{"/a"});
}

TEST_CASE("records: checkWatches, sasl, getEphemerals(null), addWatch reply vectors",
          "[codec][records]") {
  CheckRequestVector(OpCode::kCheckWatches, Cat({kPathA, "00000002"}),
                     CheckWatchesRequest{"/a", WatcherType::kData});
  CheckRequestVector(OpCode::kRemoveWatches, Cat({kPathA, "00000005"}),
                     RemoveWatchesRequest{"/a", WatcherType::kPersistentRecursive});
  CheckResponseVector(OpCode::kCheckWatches, "", EmptyResponse{});

  CheckRequestVector(OpCode::kSasl, "00000003 010203", GetSaslRequest{std::string("\1\2\3")});
  CheckRequestVector(OpCode::kSasl, "ffffffff", GetSaslRequest{});
  CheckResponseVector(OpCode::kSasl, "00000001 ff", SetSaslResponse{std::string("\xff")});

  CheckRequestVector(OpCode::kGetEphemerals, "ffffffff", GetEphemeralsRequest{});
  CheckRequestVector(OpCode::kGetEphemerals, "00000000", GetEphemeralsRequest{""});
  CheckResponseVector(OpCode::kGetEphemerals, "00000000", GetEphemeralsResponse{});

  CheckRequestVector(OpCode::kAddWatch, Cat({kPathA, "00000000"}),
                     AddWatchRequest{"/a", AddWatchMode::kPersistent});
  CheckResponseVector(OpCode::kAddWatch, "00000000", ErrorResponse{Error::kOk});

  CheckRequestVector(OpCode::kWhoAmI, "", WhoAmIRequest{});
  CheckResponseVector(OpCode::kWhoAmI, "00000000", WhoAmIResponse{});
  CheckRequestVector(OpCode::kGetAllChildrenNumber, kPathA, GetAllChildrenNumberRequest{"/a"});
  CheckResponseVector(OpCode::kGetAllChildrenNumber, "00000003", GetAllChildrenNumberResponse{3});
}

TEST_CASE("records: multiRead request and response vectors", "[codec][records][multi]") {
  MultiRequest req{{MultiOp::GetData({"/a", false}), MultiOp::GetChildren({"/b", false})}};
  std::string req_hex =
      Cat({"00000004 00 ffffffff", kPathA, "00",  //
           "00000008 00 ffffffff", "00000002 2f62", "00", "ffffffff 01 ffffffff"});
  CheckRequestVector(OpCode::kMultiRead, req_hex, req);

  // getData ok, getData NoNode (error result), getChildren ok.
  MultiResponse resp{{GetDataResponse{"x", kStat}, ErrorResult{Error::kNoNode},
                      GetChildrenResponse{{"c1", "c2"}}}};
  std::string resp_hex =
      Cat({"00000004 00 00000000", "00000001 78", kStatHex,  //
           "ffffffff 00 ffffff9b", "ffffff9b",               //
           "00000008 00 00000000", "00000002 00000002 6331 00000002 6332", "ffffffff 01 ffffffff"});
  CheckResponseVector(OpCode::kMultiRead, resp_hex, resp);
  CHECK(FirstError(std::get<MultiResponse>(ResponseBody(resp))) == Error::kNoNode);
}

TEST_CASE("records: multi with every write op and every result type", "[codec][records][multi]") {
  MultiRequest req{{
      MultiOp::Create({"/a", "d", OpenAclUnsafe(), CreateMode::kPersistent}),
      MultiOp::Create({"/b", std::nullopt, OpenAclUnsafe(), CreateMode::kEphemeral},
                      OpCode::kCreate2),
      MultiOp::Create({"/c", "", OpenAclUnsafe(), CreateMode::kContainer},
                      OpCode::kCreateContainer),
      MultiOp::CreateTtl({"/t", "", OpenAclUnsafe(), CreateMode::kPersistentWithTtl, 5}),
      MultiOp::Delete({"/d", 3}),
      MultiOp::SetData({"/e", "v", -1}),
      MultiOp::Check({"/f", 7}),
  }};
  std::string bytes = EncodeRecord(req);
  Reader r(bytes);
  Result<RequestBody> back = DecodeRequestBody(OpCode::kMulti, r);
  REQUIRE(back.ok());
  CHECK(std::get<MultiRequest>(*back) == req);
  CHECK(r.AtEnd());

  // An empty multi is just the terminator.
  CheckRequestVector(OpCode::kMulti, "ffffffff 01 ffffffff", MultiRequest{});
  CheckResponseVector(OpCode::kMulti, "ffffffff 01 ffffffff", MultiResponse{});

  MultiResponse resp{{CreateResponse{"/a"}, Create2Response{"/b", kStat}, DeleteResult{},
                      SetDataResponse{kStat}, CheckResult{}}};
  std::string resp_hex = Cat({"00000001 00 00000000", kPathA,                     //
                              "0000000f 00 00000000", "00000002 2f62", kStatHex,  //
                              "00000002 00 00000000",                             //
                              "00000005 00 00000000", kStatHex,                   //
                              "0000000d 00 00000000",                             //
                              "ffffffff 01 ffffffff"});
  CheckResponseVector(OpCode::kMulti, resp_hex, resp);
  CHECK(FirstError(resp) == Error::kOk);

  // ZooKeeper's failure shape: ok, the failing code, then RuntimeInconsistency.
  MultiResponse failed{{ErrorResult{Error::kOk}, ErrorResult{Error::kNoNode},
                        ErrorResult{Error::kRuntimeInconsistency}}};
  CheckResponseVector(OpCode::kMulti,
                      "ffffffff 00 00000000 00000000 ffffffff 00 ffffff9b ffffff9b "
                      "ffffffff 00 fffffffe fffffffe ffffffff 01 ffffffff",
                      failed);
  CHECK(FirstError(failed) == Error::kNoNode);
}

TEST_CASE("records: 3.3-era ConnectRequest (44 bytes) and ConnectResponse (36 bytes)",
          "[codec][records]") {
  std::string req_hex =
      "00000000 000000000000000e 00007530 01000009725d0002 00000010 "
      "53019fc1d20ab51e9573a2f2048ccfe3";
  std::string req_bytes = FromHex(req_hex);
  REQUIRE(req_bytes.size() == 44);
  ConnectRequest req = DecodeRecord<ConnectRequest>(req_bytes).value();
  CHECK(req.legacy_form);
  CHECK_FALSE(req.read_only);
  CHECK(req.last_zxid_seen == 0xe);
  CHECK(req.session_id == 0x01000009725d0002);
  CHECK(EncodeRecord(req) == req_bytes);  // remembered: re-encoded without the byte
  req.legacy_form = false;
  req.read_only = true;
  CHECK(EncodeRecord(req) == req_bytes + '\1');
  CHECK(DecodeRecord<ConnectRequest>(req_bytes + '\1').value() == req);

  std::string resp_bytes =
      FromHex("00000000 00007530 01000009725d0002 00000010 53019fc1d20ab51e9573a2f2048ccfe3");
  REQUIRE(resp_bytes.size() == 36);
  ConnectResponse resp = DecodeRecord<ConnectResponse>(resp_bytes).value();
  CHECK(resp.legacy_form);
  CHECK(resp.timeout_ms == 30000);
  CHECK(EncodeRecord(resp) == resp_bytes);
}

TEST_CASE("records: every request and response alternative round-trips", "[codec][records]") {
  Stat stat{-1, 2, 3, 4, -5, 6, 7, kContainerEphemeralOwner, 9, 10, INT64_MAX};
  std::vector<std::pair<OpCode, RequestBody>> requests = {
      {OpCode::kPing, PingRequest{}},
      {OpCode::kCloseSession, CloseSessionRequest{}},
      {OpCode::kWhoAmI, WhoAmIRequest{}},
      {OpCode::kCreate,
       CreateRequest{
           "/x", std::string("\0\1", 2), {{5, {"ip", "10.0.0.1"}}}, CreateMode::kEphemeral}},
      {OpCode::kCreateTtl,
       CreateTtlRequest{
           "/x", std::nullopt, {}, CreateMode::kPersistentSequentialWithTtl, kMaxTtlMs}},
      {OpCode::kDelete, DeleteRequest{"/x", 12}},
      {OpCode::kExists, ExistsRequest{"/x", true}},
      {OpCode::kGetData, GetDataRequest{"/x", true}},
      {OpCode::kSetData, SetDataRequest{"/x", std::nullopt, 3}},
      {OpCode::kGetAcl, GetAclRequest{"/x"}},
      {OpCode::kSetAcl, SetAclRequest{"/x", CreatorAllAcl(), 4}},
      {OpCode::kGetChildren, GetChildrenRequest{"/x", true}},
      {OpCode::kGetChildren2, GetChildren2Request{"/x", false}},
      {OpCode::kSync, SyncRequest{"/x"}},
      {OpCode::kMulti, MultiRequest{{MultiOp::Check({"/x", 1})}}},
      {OpCode::kMultiRead, MultiRequest{{MultiOp::GetChildren({"/x", false})}}},
      {OpCode::kReconfig, ReconfigRequest{"server.4=h:1:2;3", std::nullopt, std::nullopt, -1}},
      {OpCode::kReconfig,
       ReconfigRequest{std::nullopt, std::nullopt, "server.1=h:1:2;3", 0x100000000}},
      {OpCode::kCheckWatches, CheckWatchesRequest{"/x", WatcherType::kChildren}},
      {OpCode::kRemoveWatches, RemoveWatchesRequest{"/x", WatcherType::kAny}},
      {OpCode::kAuth, AuthPacket{0, "digest", std::nullopt}},
      {OpCode::kSetWatches, SetWatches{7, {"/a"}, {}, {"/b", "/c"}}},
      {OpCode::kSetWatches2, SetWatches2{7, {}, {"/a"}, {}, {"/p"}, {"/r", "/s"}}},
      {OpCode::kSasl, GetSaslRequest{"tok"}},
      {OpCode::kGetEphemerals, GetEphemeralsRequest{"/a"}},
      {OpCode::kGetAllChildrenNumber, GetAllChildrenNumberRequest{"/"}},
      {OpCode::kAddWatch, AddWatchRequest{"/x", AddWatchMode::kPersistentRecursive}},
  };
  std::set<std::size_t> alternatives;
  for (const auto& [op, body] : requests) {
    INFO(OpCodeName(op));
    CHECK(IsRequestBodyFor(op, body));
    alternatives.insert(body.index());
    std::string frame = EncodeRequestFrame(RequestHeader{42, op}, body);
    FrameSplitter splitter;
    splitter.Feed(frame);
    std::string_view payload;
    REQUIRE(splitter.Next(&payload));
    Result<Request> back = DecodeRequest(payload);
    REQUIRE(back.ok());
    CHECK(back->header == RequestHeader{42, op});
    CHECK(back->body == body);
  }
  CHECK(alternatives.size() == std::variant_size_v<RequestBody>);

  std::vector<std::pair<OpCode, ResponseBody>> responses = {
      {OpCode::kDelete, EmptyResponse{}},
      {OpCode::kNotification,
       WatcherEvent{EventType::kNodeChildrenChanged, KeeperState::kSyncConnected, "/"}},
      {OpCode::kCreate, CreateResponse{"/x0000000001"}},
      {OpCode::kCreate2, Create2Response{"/x", stat}},
      {OpCode::kExists, ExistsResponse{stat}},
      {OpCode::kGetData, GetDataResponse{std::nullopt, stat}},
      {OpCode::kReconfig, GetDataResponse{"server.1=...\nversion=100000000", stat}},
      {OpCode::kSetData, SetDataResponse{stat}},
      {OpCode::kGetAcl, GetAclResponse{ReadAclUnsafe(), stat}},
      {OpCode::kSetAcl, SetAclResponse{stat}},
      {OpCode::kGetChildren, GetChildrenResponse{{"a", "b"}}},
      {OpCode::kGetChildren2, GetChildren2Response{{}, stat}},
      {OpCode::kSync, SyncResponse{"/x"}},
      {OpCode::kMulti, MultiResponse{{DeleteResult{}, CheckResult{}}}},
      {OpCode::kSasl, SetSaslResponse{std::nullopt}},
      {OpCode::kGetEphemerals, GetEphemeralsResponse{{"/e1", "/e2"}}},
      {OpCode::kGetAllChildrenNumber, GetAllChildrenNumberResponse{-1}},
      {OpCode::kAddWatch, ErrorResponse{}},
      {OpCode::kWhoAmI, WhoAmIResponse{{{"ip", "::1"}}}},
  };
  std::set<std::size_t> response_alternatives;
  for (const auto& [op, body] : responses) {
    INFO(OpCodeName(op));
    CHECK(IsResponseBodyFor(op, body));
    response_alternatives.insert(body.index());
    int32_t xid = op == OpCode::kNotification ? kNotificationXid : 9;
    ReplyHeader header{xid, 0x100000005, Error::kOk};
    std::string frame = EncodeReplyFrame(header, body);
    std::string_view payload = std::string_view(frame).substr(kFrameLengthSize);
    Result<Reply> back = DecodeReply(payload, op);
    REQUIRE(back.ok());
    CHECK(back->header == header);
    CHECK(back->body == body);
  }
  CHECK(response_alternatives.size() == std::variant_size_v<ResponseBody>);
}

}  // namespace zk::wire
