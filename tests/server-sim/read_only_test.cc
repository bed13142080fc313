// Read-only mode (readonlymode.enabled), the container/TTL reaper and fault
// timelines, driven without sockets: an Ensemble on a ManualClock and
// ServerConnections fed bytes (as ZooKeeper 3.8's ReadOnlyRequestProcessor and
// ContainerManager behave).
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "clock.h"
#include "container_reaper.h"
#include "ensemble.h"
#include "fault_timeline.h"
#include "four_letter.h"
#include "server_connection.h"
#include "zk/wire/frame.h"
#include "zk/wire/messages.h"
#include "zk/wire/password.h"

using namespace zk::sim;
namespace wire = zk::wire;
using zk::Error;

namespace {

// One client connection on one server: what it was sent, whether it was
// closed, and the frames split out of what it was sent.
struct Client {
  std::string out;
  bool closed = false;
  std::unique_ptr<ServerConnection> conn;
  size_t read = 0;

  // The next frame's payload, or "" when none is complete.
  std::string NextFrame() {
    wire::FrameSplitter split;
    split.Feed(std::string_view(out).substr(read));
    std::string_view payload;
    if (!split.Next(&payload)) return "";
    read += wire::kFrameLengthSize + payload.size();
    return std::string(payload);
  }
};

struct Fixture {
  ManualClock clock;
  std::map<uint64_t, Client*> by_id;
  std::unique_ptr<Ensemble> ens;
  uint64_t next_id = 1;

  explicit Fixture(bool read_only) {
    EnsembleOptions o;
    o.read_only_enabled = read_only;
    o.extended_types_enabled = true;
    Ensemble::Hooks hooks;
    hooks.close_conn = [this](int64_t server, uint64_t id, const std::string&) {
      auto it = by_id.find(id);
      if (it == by_id.end()) return;
      it->second->closed = true;
      it->second->conn->Detach();
      if (ServerState* s = ens->Server(server)) s->conns.erase(id);
    };
    hooks.event = [this](int64_t, uint64_t id, EventType type, const std::string& path) {
      auto it = by_id.find(id);
      if (it != by_id.end()) it->second->conn->Notify(type, path);
    };
    ens = std::make_unique<Ensemble>(o, &clock, hooks);
  }

  std::unique_ptr<Client> Connect(int64_t server, bool can_be_read_only, int64_t sid = 0) {
    auto c = std::make_unique<Client>();
    Client* raw = c.get();
    uint64_t id = next_id++;
    ServerConnection::Sink sink;
    sink.send = [raw](std::string b) { raw->out += b; };
    sink.close = [raw](const std::string&) { raw->closed = true; };
    c->conn =
        std::make_unique<ServerConnection>(ens.get(), server, id, "127.0.0.1", 40000 + id, sink);
    by_id[id] = raw;
    ens->Server(server)->conns.insert(id);
    wire::ConnectRequest req;
    req.timeout_ms = 10000;
    req.session_id = sid;
    if (sid != 0) req.passwd = wire::SessionPassword(sid);
    req.read_only = can_be_read_only;
    c->conn->Feed(wire::EncodeRecordsFrame(req));
    return c;
  }

  std::string Isro(int64_t server) {
    FourLetterContext ctx;
    ctx.ens = ens.get();
    ctx.server = server;
    ctx.whitelist = {"*"};
    return FourLetterText(ctx, "isro");
  }
};

wire::ConnectResponse Handshake(Client& c) {
  std::string f = c.NextFrame();
  wire::Reader r(f);
  wire::ConnectResponse resp;
  REQUIRE(wire::Decode(r, &resp));
  return resp;
}

template <typename Body>
wire::ReplyHeader Call(Client& c, int32_t xid, wire::OpCode op, const Body& body) {
  c.conn->Feed(wire::EncodeRequestFrame(wire::RequestHeader{xid, op}, body));
  std::string f = c.NextFrame();
  REQUIRE(!f.empty());
  auto h = wire::DecodeReplyHeader(f);
  REQUIRE(h.ok());
  return *h;
}

}  // namespace

TEST_CASE("read-only: an isolated server serves read-only clients, refuses writes") {
  Fixture f(true);
  auto rw = f.Connect(1, false);
  REQUIRE_FALSE(Handshake(*rw).read_only);
  REQUIRE(Call(*rw, 1, wire::OpCode::kCreate,
               wire::CreateRequest{"/a", std::string("x"), {{31, {"world", "anyone"}}}})
              .err == Error::kOk);
  CHECK(f.Isro(1) == "rw");

  REQUIRE(f.ens->Isolate(1, true));
  CHECK(rw->closed);  // clients of the cut-off server are dropped
  CHECK(f.Isro(1) == "ro");
  CHECK(ModeName(*f.ens, 1) == "read-only");
  CHECK(f.Isro(2) == "rw");  // 2 and 3 still form a quorum

  // A read-write client gets no reply at all.
  auto refused = f.Connect(1, false);
  CHECK(refused->closed);
  CHECK(refused->out.empty());

  auto ro = f.Connect(1, true);
  wire::ConnectResponse resp = Handshake(*ro);
  CHECK(resp.read_only);
  CHECK(resp.session_id != 0);
  CHECK(resp.timeout_ms == 10000);
  CHECK(Call(*ro, 1, wire::OpCode::kGetData, wire::GetDataRequest{"/a", false}).err == Error::kOk);
  CHECK(Call(*ro, 2, wire::OpCode::kCreate,
             wire::CreateRequest{"/b", std::string(), {{31, {"world", "anyone"}}}})
            .err == Error::kNotReadOnly);
  CHECK(
      Call(*ro, 3, wire::OpCode::kSetData, wire::SetDataRequest{"/a", std::string("y"), -1}).err ==
      Error::kNotReadOnly);
  CHECK(Call(*ro, 4, wire::OpCode::kSync, wire::SyncRequest{"/a"}).err == Error::kNotReadOnly);
  CHECK_FALSE(ro->closed);  // NOTREADONLY does not close the connection
  CHECK(f.ens->committed().Find("/b") == nullptr);

  // Healing ends read-only mode: its clients are dropped and reconnect.
  REQUIRE(f.ens->Isolate(1, false));
  CHECK(ro->closed);
  CHECK(f.Isro(1) == "rw");
  auto back = f.Connect(1, false);
  CHECK_FALSE(Handshake(*back).read_only);
}

TEST_CASE("read-only: losing the quorum turns every live server read-only") {
  Fixture f(true);
  REQUIRE(f.ens->Kill(2));
  REQUIRE(f.ens->Kill(3));
  CHECK_FALSE(f.ens->quorum_up());
  CHECK(f.Isro(1) == "ro");
  CHECK(f.Isro(2) == "null");  // a dead server answers nothing useful
  auto ro = f.Connect(1, true);
  CHECK(Handshake(*ro).read_only);
  REQUIRE(f.ens->Start(2));  // quorum back: rw again, read-only clients dropped
  CHECK(f.ens->quorum_up());
  CHECK(ro->closed);
  CHECK(f.Isro(1) == "rw");
}

TEST_CASE("read-only disabled: a server without a quorum serves nobody") {
  Fixture f(false);
  REQUIRE(f.ens->Isolate(1, true));
  CHECK(f.Isro(1) == "null");
  auto c = f.Connect(1, true);
  CHECK(c->closed);
  CHECK(c->out.empty());
}

TEST_CASE("container reaper: deletes through transactions, fires watches, needs a quorum") {
  Fixture f(false);
  auto c = f.Connect(1, false);
  REQUIRE(Handshake(*c).session_id != 0);
  const std::vector<wire::Acl> open = {{31, {"world", "anyone"}}};
  REQUIRE(Call(*c, 1, wire::OpCode::kCreateContainer,
               wire::CreateRequest{"/c", std::string(), open, wire::CreateMode::kContainer})
              .err == Error::kOk);
  REQUIRE(
      Call(*c, 2, wire::OpCode::kCreate, wire::CreateRequest{"/c/x", std::string(), open}).err ==
      Error::kOk);
  CHECK(ReapContainers(*f.ens, 0).empty());
  REQUIRE(Call(*c, 3, wire::OpCode::kDelete, wire::DeleteRequest{"/c/x", -1}).err == Error::kOk);
  REQUIRE(Call(*c, 4, wire::OpCode::kExists, wire::ExistsRequest{"/c", true}).err == Error::kOk);
  const int64_t before = f.ens->last_zxid();
  CHECK(ReapContainers(*f.ens, 0) == std::vector<std::string>{"/c"});
  CHECK(f.ens->last_zxid() == before + 1);  // one deleteContainer transaction
  CHECK(f.ens->Server(1)->tree.Find("/c") == nullptr);
  // The exists watch fired NodeDeleted on this connection.
  std::string note = c->NextFrame();
  REQUIRE(!note.empty());
  auto h = wire::DecodeReplyHeader(note);
  REQUIRE(h.ok());
  CHECK(h->xid == wire::kNotificationXid);
  // TTL: created with extendedTypesEnabled, gone once its TTL has passed.
  c->conn->Feed(wire::EncodeRequestFrame(
      wire::RequestHeader{5, wire::OpCode::kCreateTtl},
      wire::CreateTtlRequest{"/t", std::string(), open, wire::CreateMode::kPersistentWithTtl, 50}));
  REQUIRE(wire::DecodeReplyHeader(c->NextFrame())->err == Error::kOk);
  f.clock.Advance(50);
  CHECK(ReapContainers(*f.ens, 0).empty());
  f.clock.Advance(1);
  CHECK(ReapContainers(*f.ens, 0) == std::vector<std::string>{"/t"});
  // Without a quorum nothing is reaped.
  REQUIRE(Call(*c, 6, wire::OpCode::kCreate2,
               wire::CreateRequest{"/c2", std::string(), open, wire::CreateMode::kContainer})
              .err == Error::kOk);
  REQUIRE(
      Call(*c, 7, wire::OpCode::kCreate, wire::CreateRequest{"/c2/x", std::string(), open}).err ==
      Error::kOk);
  REQUIRE(Call(*c, 8, wire::OpCode::kDelete, wire::DeleteRequest{"/c2/x", -1}).err == Error::kOk);
  REQUIRE(f.ens->Kill(2));
  REQUIRE(f.ens->Kill(3));
  CHECK(ReapContainers(*f.ens, 0).empty());
}

TEST_CASE("fault timeline: JSON and --at forms, errors name the entry") {
  auto ok = ParseTimelineJson(R"([{"at_ms": 1500, "action": "kill", "server": 2},
      {"at_ms": 100, "action": "lag", "server": 1, "ms": 300},
      {"at_ms": 200, "action": "shed", "percentage": 50},
      {"at_ms": 300, "action": "shed", "server": 3, "count": 4},
      {"at_ms": 400, "action": "isolate", "server": 3},
      {"at_ms": 500, "action": "heal", "server": 3},
      {"at_ms": 3000, "action": "start", "server": 2}])");
  REQUIRE(ok.ok());
  REQUIRE(ok->size() == 7);
  CHECK((*ok)[0].action == FaultAction::kKill);
  CHECK((*ok)[0].at_ms == 1500);
  CHECK((*ok)[1].lag_ms == 300);
  CHECK(Describe((*ok)[1]) == "lag server 1 300 ms");
  CHECK(Describe((*ok)[2]) == "shed 50% of all servers");
  CHECK(Describe((*ok)[3]) == "shed 4 connections of server 3");
  CHECK(Describe((*ok)[6]) == "start server 2");
  CHECK(CheckServers(*ok, {1, 2, 3}).ok());
  CHECK(CheckServers(*ok, {1, 2}).message().find("no server 3") != std::string::npos);

  auto bad = [](const char* text) { return ParseTimelineJson(text).status().message(); };
  CHECK(bad("{").find("not valid JSON") != std::string::npos);
  CHECK(bad(R"({"at_ms": 1})").find("array") != std::string::npos);
  CHECK(bad(R"([{"at_ms": 1, "action": "kill", "server": 1},
                {"at_ms": 9, "action": "explode", "server": 1}])") ==
        "timeline entry 2 (at_ms 9): unknown action \"explode\"");
  CHECK(bad(R"([{"action": "kill", "server": 1}])") == "timeline entry 1: needs an integer at_ms");
  CHECK(bad(R"([{"at_ms": 5, "action": "kill"}])") == "timeline entry 1 (at_ms 5): needs a server");
  CHECK(bad(R"([{"at_ms": 5, "action": "lag", "server": 1}])").find("lag needs ms") !=
        std::string::npos);
  CHECK(bad(R"([{"at_ms": 5, "action": "shed", "server": 1}])").find("exactly one") !=
        std::string::npos);
  CHECK(bad(R"([{"at_ms": 5, "action": "kill", "server": 1, "sever": 2}])")
            .find("unknown key \"sever\"") != std::string::npos);
  CHECK(bad(R"([{"at_ms": -5, "action": "kill", "server": 1}])").find("at_ms must be") !=
        std::string::npos);

  auto at = ParseAtFlag("1500:kill:2");
  REQUIRE(at.ok());
  CHECK(at->at_ms == 1500);
  CHECK(at->server == 2);
  CHECK(ParseAtFlag("10:lag:1:250")->lag_ms == 250);
  CHECK(ParseAtFlag("10:shed:0:25")->percentage == 25);
  CHECK(ParseAtFlag("10:kill").status().message() ==
        "--at \"10:kill\": expected MS:ACTION:SERVER[:ARG]");
  CHECK(ParseAtFlag("x:kill:1").status().message().find("MS must be") != std::string::npos);
  CHECK(ParseAtFlag("1:kill:1:5").status().message().find("takes no argument") !=
        std::string::npos);
  CHECK(ParseAtFlag("1:lag:1").status().message().find("needs MS:ACTION:SERVER:ARG") !=
        std::string::npos);
  CHECK(ParseAtFlag("1:shed:1:101").status().message().find("[0, 100]") != std::string::npos);
  CHECK(ParseAtFlag("1:boom:1").status().message().find("unknown action \"boom\"") !=
        std::string::npos);
}
