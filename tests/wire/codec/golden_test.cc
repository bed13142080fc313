// Golden vectors: every frame captured between real ZooKeeper 3.8.0 servers
// and real clients (Java zkCli, the C client, kazoo) decodes, and re-encodes
// byte for byte.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <variant>

#include "codec_test_util.h"
#include "zk/wire/four_letter.h"
#include "zk/wire/frame.h"
#include "zk/wire/messages.h"
#include "zk/wire/password.h"

namespace zk::wire {
namespace {

using testing::CapturedFrame;
using testing::FromHex;
using testing::ToHex;

struct ReplayStats {
  int frames = 0;
  std::set<int32_t> request_ops;  // opcodes of C->S frames after the handshake
  std::set<int32_t> reply_ops;    // opcodes whose successful reply bodies were decoded
  std::set<int32_t> multi_ops;    // op types seen inside multi requests
  std::set<int32_t> multi_results;
  std::map<std::string, std::vector<Request>> requests;  // by file
  std::map<std::string, std::vector<Reply>> replies;
};

void ReplayFile(const std::string& path, ReplayStats* stats) {
  testing::Capture capture = testing::ParseCapture(path);
  REQUIRE_FALSE(capture.frames.empty());
  std::set<std::pair<std::string, bool>> handshaken;
  std::map<std::string, std::map<int32_t, OpCode>> pending;  // per connection
  for (const CapturedFrame& f : capture.frames) {
    INFO(f.file << ":" << f.line << " " << (f.client_to_server ? "C->S " : "S->C ")
                << ToHex(f.payload));
    ++stats->frames;
    const bool first = handshaken.insert({f.connection, f.client_to_server}).second;
    if (first && f.client_to_server) {
      Result<ConnectRequest> req = DecodeRecord<ConnectRequest>(f.payload);
      REQUIRE(req.ok());
      CHECK_FALSE(req->legacy_form);
      CHECK(EncodeRecord(*req) == f.payload);
      continue;
    }
    if (first) {
      Result<ConnectResponse> resp = DecodeRecord<ConnectResponse>(f.payload);
      REQUIRE(resp.ok());
      CHECK(EncodeRecord(*resp) == f.payload);
      // Real servers hand out java.util.Random passwords (Appendix A).
      CHECK(resp->passwd == SessionPassword(resp->session_id));
      continue;
    }
    if (f.client_to_server) {
      Result<Request> req = DecodeRequest(f.payload);
      INFO((req.ok() ? "" : req.status().ToString()));
      REQUIRE(req.ok());
      CHECK(IsRequestBodyFor(req->header.type, req->body));
      std::string again;
      Writer w(&again);
      Encode(w, *req);
      CHECK(ToHex(again) == ToHex(f.payload));
      // The whole-frame builder gives the same bytes plus the prefix.
      CHECK(EncodeRequestFrame(req->header, req->body) == EncodeFrame(f.payload));
      stats->request_ops.insert(static_cast<int32_t>(req->header.type));
      if (const auto* multi = std::get_if<MultiRequest>(&req->body)) {
        for (const MultiOp& op : multi->ops) stats->multi_ops.insert(static_cast<int32_t>(op.type));
      }
      pending[f.connection][req->header.xid] = req->header.type;
      stats->requests[f.file].push_back(std::move(req).value());
      continue;
    }
    Result<ReplyHeader> header = DecodeReplyHeader(f.payload);
    REQUIRE(header.ok());
    std::optional<OpCode> op = SpecialXidOpCode(header->xid);
    if (!op.has_value()) {
      auto& conn = pending[f.connection];
      auto it = conn.find(header->xid);
      INFO("reply to an unknown xid " << header->xid);
      REQUIRE(it != conn.end());
      op = it->second;
      conn.erase(it);
    }
    Result<Reply> reply = DecodeReply(f.payload, *op);
    INFO((reply.ok() ? "" : reply.status().ToString()));
    REQUIRE(reply.ok());
    if (reply->header.err == Error::kOk) {
      CHECK(IsResponseBodyFor(*op, reply->body));
      stats->reply_ops.insert(static_cast<int32_t>(*op));
    } else {
      CHECK(f.payload.size() == kReplyHeaderSize);
    }
    if (const auto* multi = std::get_if<MultiResponse>(&reply->body)) {
      for (const MultiResult& r : multi->results) {
        stats->multi_results.insert(static_cast<int32_t>(MultiResultType(r)));
      }
    }
    std::string again;
    Writer w(&again);
    Encode(w, *reply);
    CHECK(ToHex(again) == ToHex(f.payload));
    CHECK(EncodeReplyFrame(reply->header, reply->body) == EncodeFrame(f.payload));
    stats->replies[f.file].push_back(std::move(reply).value());
  }
}

ReplayStats ReplayAll() {
  ReplayStats stats;
  std::vector<std::string> files = testing::CaptureFiles();
  REQUIRE(files.size() == 6);
  for (const std::string& path : files) ReplayFile(path, &stats);
  return stats;
}

}  // namespace

TEST_CASE("codec golden: every captured frame decodes and re-encodes byte for byte",
          "[codec][golden]") {
  ReplayStats stats = ReplayAll();
  CHECK(stats.frames == 194);  // every `len=` line of the six logs
  // Every opcode the captures hold; each was decoded by its typed decoder.
  CHECK(stats.request_ops == std::set<int32_t>{-11, 1,  2,  3,  4,   5,   6,   7,   8,   9,   11,
                                               12,  14, 16, 18, 100, 101, 103, 104, 105, 106, 107});
  // Successful replies, by the opcode they answer (special xids: 0 for -1,
  // 11 for -2, 100 for -4, 101 for -8).
  CHECK(stats.reply_ops == std::set<int32_t>{-11, 0,  1,  2,  3,   4,   5,   6,   7,   8,   9,  11,
                                             12,  14, 16, 18, 100, 101, 103, 104, 105, 106, 107});
  CHECK(stats.multi_ops == std::set<int32_t>{1, 2, 5, 13});
  CHECK(stats.multi_results == std::set<int32_t>{-1, 1, 2, 5, 13});
}

TEST_CASE("codec golden: decoded values of the Java capture", "[codec][golden]") {
  ReplayStats stats = ReplayAll();
  const std::vector<Request>& reqs = stats.requests["wire_java.log"];
  const std::vector<Reply>& replies = stats.replies["wire_java.log"];
  REQUIRE(reqs.size() >= 24);

  // create /a hello, OPEN_ACL_UNSAFE, persistent.
  CHECK(reqs[0].header == RequestHeader{1, OpCode::kCreate});
  CHECK(std::get<CreateRequest>(reqs[0].body) ==
        CreateRequest{"/a", "hello", OpenAclUnsafe(), CreateMode::kPersistent});
  CHECK(std::get<CreateRequest>(reqs[2].body).flags == CreateMode::kPersistentSequential);
  CHECK(std::get<CreateResponse>(replies[2].body).path == "/a/seq-0000000001");

  // getData /a -> "hello" and its Stat.
  const auto& data = std::get<GetDataResponse>(replies[3].body);
  CHECK(data.data == std::optional<std::string>("hello"));
  CHECK(data.stat.czxid == 5);
  CHECK(data.stat.data_length == 5);
  CHECK(data.stat.num_children == 2);
  CHECK(data.stat.ctime == 0x1a20133b1a7);

  // exists /nonexist -> NoNode, header only.
  CHECK(replies[7].header == ReplyHeader{8, 8, Error::kNoNode});
  CHECK(std::holds_alternative<EmptyResponse>(replies[7].body));

  // addauth digest user:pw, then whoAmI.
  CHECK(reqs[11].header == RequestHeader{kAuthXid, OpCode::kAuth});
  CHECK(std::get<AuthPacket>(reqs[11].body) == AuthPacket{0, "digest", "user:pw"});
  bool saw_whoami = false;
  for (const Reply& r : replies) {
    if (const auto* who = std::get_if<WhoAmIResponse>(&r.body)) {
      CHECK(who->client_info == std::vector<ClientInfo>{{"digest", "user"}, {"ip", "127.0.0.1"}});
      saw_whoami = true;
    }
  }
  CHECK(saw_whoami);

  // The notification that precedes the delete reply.
  bool saw_event = false;
  for (const Reply& r : replies) {
    if (r.header.xid != kNotificationXid) continue;
    CHECK(r.header.zxid == -1);
    const auto& ev = std::get<WatcherEvent>(r.body);
    if (ev.path == "/a/eph") {
      CHECK(FormatWatchedEvent(ev) ==
            "WatchedEvent state:SyncConnected type:NodeDeleted path:/a/eph");
      saw_event = true;
    }
  }
  CHECK(saw_event);

  // multi of two deletes; the last request is closeSession.
  bool saw_multi = false;
  for (const Request& r : reqs) {
    if (r.header.type != OpCode::kMulti) continue;
    const auto& multi = std::get<MultiRequest>(r.body);
    REQUIRE(multi.ops.size() == 2);
    CHECK(multi.ops[0] == MultiOp::Delete({"/a/seq-0000000001", -1}));
    CHECK(multi.ops[1] == MultiOp::Delete({"/a", -1}));
    saw_multi = true;
  }
  CHECK(saw_multi);
  CHECK(std::holds_alternative<CloseSessionRequest>(reqs.back().body));
}

TEST_CASE("codec golden: kazoo multi failure, null data, reconfig and C SetWatches",
          "[codec][golden]") {
  ReplayStats stats = ReplayAll();

  // kazoo: create /k/t2 + check /k version 99 -> BadVersion, all-error results.
  bool saw_failed_multi = false;
  for (const Reply& r : stats.replies["wire_kazoo.log"]) {
    const auto* multi = std::get_if<MultiResponse>(&r.body);
    if (multi == nullptr || FirstError(*multi) == Error::kOk) continue;
    CHECK(r.header.err == Error::kOk);
    CHECK(multi->results ==
          std::vector<MultiResult>{ErrorResult{Error::kOk}, ErrorResult{Error::kBadVersion}});
    CHECK(FirstError(*multi) == Error::kBadVersion);
    saw_failed_multi = true;
  }
  CHECK(saw_failed_multi);

  // create /nd with null data; getData returns null (length -1), not "".
  const auto& nd_reqs = stats.requests["wire_nulldata.log"];
  CHECK_FALSE(std::get<CreateRequest>(nd_reqs[0].body).data.has_value());
  const auto& nd_get = std::get<GetDataResponse>(stats.replies["wire_nulldata.log"][1].body);
  CHECK_FALSE(nd_get.data.has_value());
  // After setData "" the data is empty but not null.
  const auto& nd_get2 = std::get<GetDataResponse>(stats.replies["wire_nulldata.log"][3].body);
  CHECK(nd_get2.data == std::optional<std::string>(""));

  // reconfig -remove 9 -v 1: joining and new_members null.
  bool saw_reconfig = false;
  for (const Request& r : stats.requests["wire_reconfig.log"]) {
    const auto* rc = std::get_if<ReconfigRequest>(&r.body);
    if (rc == nullptr || rc->cur_config_id != 1) continue;
    CHECK(*rc == ReconfigRequest{std::nullopt, "9", std::nullopt, 1});
    saw_reconfig = true;
  }
  CHECK(saw_reconfig);

  // The C client re-registers watches with xid -8.
  bool saw_set_watches = false;
  for (const Request& r : stats.requests["wire_c.log"]) {
    if (r.header.type != OpCode::kSetWatches) continue;
    CHECK(r.header.xid == kSetWatchesXid);
    CHECK(std::get<SetWatches>(r.body) == SetWatches{0x16, {"/zookeeper/config"}, {"/zz"}, {"/"}});
    saw_set_watches = true;
  }
  CHECK(saw_set_watches);
}

TEST_CASE("codec golden: the captured 4lw connection starts with a known word", "[codec][golden]") {
  testing::Capture kazoo = testing::ParseCapture(testing::CaptureDir() + "/wire_kazoo.log");
  REQUIRE(kazoo.raw.size() >= 1);
  CHECK(kazoo.raw[0].client_to_server);
  CHECK(DetectFourLetterWord(kazoo.raw[0].bytes) == FourLetterWord::kEnvi);
  // While every first C->S frame of a session connection is not a 4lw.
  for (const CapturedFrame& f : kazoo.frames) {
    CHECK_FALSE(DetectFourLetterWord(EncodeFrame(f.payload)).has_value());
  }
}

TEST_CASE("codec golden: handshake bytes", "[codec][golden]") {
  std::string req_bytes = FromHex(
      "00000000 0000000000000000 00007530 0000000000000000 00000010 "
      "00000000000000000000000000000000 00");
  ConnectRequest req;
  req.timeout_ms = 30000;
  CHECK(EncodeRecord(req) == req_bytes);
  CHECK(req_bytes.size() == 45);

  std::string resp_bytes =
      FromHex("00000000 00007530 01000009725d0001 00000010 8c648dc1b2ed52ed743cd8747f260d4b 00");
  ConnectResponse resp{0, 30000, 0x01000009725d0001, SessionPassword(0x01000009725d0001)};
  CHECK(EncodeRecord(resp) == resp_bytes);
  CHECK(DecodeRecord<ConnectResponse>(resp_bytes).value() == resp);

  // An invalid reattach answer (raw_standalone.txt "badsess"), length prefix included.
  std::string bad = FromHex(
      "00000025 00000000 00000000 0000000000000000 00000010 "
      "00000000000000000000000000000000 00");
  FrameSplitter splitter;
  splitter.Feed(bad);
  std::string_view payload;
  REQUIRE(splitter.Next(&payload));
  ConnectResponse expired = DecodeRecord<ConnectResponse>(payload).value();
  CHECK(expired.timeout_ms == 0);
  CHECK(expired.session_id == 0);
  CHECK(expired == ConnectResponse{});
}

}  // namespace zk::wire
