// zksim's reconfiguration on a manual clock, with clients driven through
// ServerConnection by bytes (no sockets): a reconfig in flight
// (RECONFIGINPROGRESS), the commit delay, joiners, removed followers, role
// changes and the leader hand-off.
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clock.h"
#include "ensemble.h"
#include "server_connection.h"
#include "zk/wire/frame.h"
#include "zk/wire/messages.h"

namespace {

using zk::Error;
using zk::sim::Ensemble;
using zk::sim::EnsembleOptions;
using zk::sim::Member;
using zk::sim::Role;
using zk::sim::ServerConnection;
namespace wire = zk::wire;

// One client connection: the bytes it receives, split into replies by xid.
struct Client {
  std::unique_ptr<ServerConnection> conn;
  wire::FrameSplitter splitter;
  bool connected = false;  // the ConnectResponse arrived
  bool closed = false;
  std::map<int32_t, wire::ReplyHeader> replies;
  int32_t next_xid = 1;

  void Receive(const std::string& bytes) {
    splitter.Feed(bytes);
    std::string_view payload;
    while (splitter.Next(&payload)) {
      if (!connected) {
        connected = true;
        continue;
      }
      auto h = wire::DecodeReplyHeader(payload);
      REQUIRE(h.ok());
      if (h->xid >= 0) replies[h->xid] = *h;
    }
  }
};

// An ensemble on a manual clock whose hooks close connections as the
// network layer does.
class Harness {
 public:
  explicit Harness(EnsembleOptions o) {
    o.skip_acl = true;
    Ensemble::Hooks hooks;
    hooks.close_conn = [this](int64_t server, uint64_t id, const std::string&) {
      Close(server, id);
    };
    ens = std::make_unique<Ensemble>(o, &clock, hooks);
  }

  Client& Connect(int64_t server) {
    uint64_t id = next_id_++;
    auto c = std::make_unique<Client>();
    Client* raw = c.get();
    ServerConnection::Sink sink;
    sink.send = [raw](std::string b) { raw->Receive(b); };
    sink.close = [this, server, id](const std::string&) { Close(server, id); };
    sink.four_letter = [](const std::string&) { return std::string(); };
    c->conn = std::make_unique<ServerConnection>(ens.get(), server, id, "127.0.0.1", 40000,
                                                 std::move(sink));
    ens->Server(server)->conns.insert(id);
    clients_[id] = std::move(c);
    wire::ConnectRequest req;
    req.timeout_ms = 30000;
    raw->conn->Feed(wire::EncodeRecordsFrame(req));
    return *raw;
  }

  int32_t Send(Client& c, wire::OpCode op, const wire::RequestBody& body) {
    int32_t xid = c.next_xid++;
    c.conn->Feed(wire::EncodeRequestFrame(wire::RequestHeader{xid, op}, body));
    return xid;
  }
  int32_t Reconfig(Client& c, wire::ReconfigRequest req) {
    return Send(c, wire::OpCode::kReconfig, req);
  }
  int32_t GetConfig(Client& c) {
    return Send(c, wire::OpCode::kGetData, wire::GetDataRequest{"/zookeeper/config", false});
  }

  void Advance(int64_t ms) {
    for (int64_t t = 0; t < ms; ++t) {
      clock.Advance(1);
      ens->Tick();
    }
  }

  std::string LineOf(int64_t id) const { return zk::sim::SpecOf(ens->members().at(id)).ToLine(); }

  zk::sim::ManualClock clock;
  std::unique_ptr<Ensemble> ens;

 private:
  void Close(int64_t server, uint64_t id) {
    auto it = clients_.find(id);
    if (it == clients_.end() || it->second->closed) return;
    it->second->closed = true;
    it->second->conn->Detach();
    if (auto* s = ens->Server(server)) {
      s->conns.erase(id);
      s->watches.RemoveConnection(id);
    }
  }

  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Client>> clients_;
};

EnsembleOptions Options(int commit_ms, int handoff_ms) {
  EnsembleOptions o;
  o.servers = 3;
  o.reconfig_commit_ms = commit_ms;
  o.handoff_ms = handoff_ms;
  return o;
}

}  // namespace

TEST_CASE("a second reconfig while one is in flight gets RECONFIGINPROGRESS", "[reconfig]") {
  Harness h(Options(100, 0));
  Client& a = h.Connect(1);
  Client& b = h.Connect(2);
  REQUIRE(a.connected);
  REQUIRE(b.connected);
  const int64_t v0 = h.ens->config_version();
  const std::string line1 = h.LineOf(1);

  int32_t xa = h.Reconfig(a, {std::nullopt, std::string("1"), std::nullopt, -1});
  int32_t xb = h.Reconfig(b, {line1, std::nullopt, std::nullopt, -1});
  // Proposed, not committed: last seen != committed, nobody answered yet
  // (B's error transaction commits after A's proposal, in zxid order).
  CHECK(h.ens->reconfig_in_progress());
  CHECK(h.ens->last_seen_config_version() > v0);
  CHECK(h.ens->config_version() == v0);
  CHECK(a.replies.empty());
  CHECK(b.replies.empty());
  CHECK(h.ens->members().count(1) == 1);

  h.Advance(99);
  CHECK(a.replies.empty());
  h.Advance(1);
  REQUIRE(a.replies.count(xa) == 1);
  REQUIRE(b.replies.count(xb) == 1);
  CHECK(a.replies[xa].err == Error::kOk);
  CHECK(b.replies[xb].err == Error::kReconfigInProgress);
  CHECK(a.replies[xa].zxid == h.ens->config_version());
  CHECK(b.replies[xb].zxid > a.replies[xa].zxid);
  CHECK_FALSE(h.ens->reconfig_in_progress());
  CHECK(h.ens->members().count(1) == 0);

  // Once committed, the same request succeeds.
  int32_t xb2 = h.Reconfig(b, {line1, std::nullopt, std::nullopt, -1});
  h.Advance(100);
  REQUIRE(b.replies.count(xb2) == 1);
  CHECK(b.replies[xb2].err == Error::kOk);
  CHECK(h.ens->members().count(1) == 1);
}

TEST_CASE("reconfig BADVERSION is checked against the last seen version", "[reconfig]") {
  Harness h(Options(10, 0));
  Client& a = h.Connect(1);
  const int64_t v0 = h.ens->config_version();
  int32_t x1 = h.Reconfig(a, {std::nullopt, std::string("1"), std::nullopt, v0 + 1});
  int32_t x2 = h.Reconfig(a, {std::nullopt, std::string("1"), std::nullopt, v0});
  h.Advance(20);
  CHECK(a.replies[x1].err == Error::kBadVersion);
  CHECK(a.replies[x2].err == Error::kOk);
}

TEST_CASE("a reconfig commits after a quorum of old and new configs acked", "[reconfig]") {
  Harness h(Options(100, 0));
  // The leader (3) acks at once; servers 1 and 2 lag 300 ms, and a quorum
  // needs one of them.
  REQUIRE(h.ens->leader() == 3);
  REQUIRE(h.ens->SetLag(1, 300));
  REQUIRE(h.ens->SetLag(2, 300));
  Client& a = h.Connect(3);
  int32_t x = h.Reconfig(a, {h.LineOf(1), std::nullopt, std::nullopt, -1});
  h.Advance(399);
  CHECK(h.ens->reconfig_in_progress());
  h.Advance(1);
  CHECK_FALSE(h.ens->reconfig_in_progress());
  REQUIRE(a.replies.count(x) == 1);
  CHECK(a.replies[x].err == Error::kOk);
}

TEST_CASE("writes proposed during a reconfig commit after it", "[reconfig]") {
  Harness h(Options(50, 0));
  Client& a = h.Connect(1);
  Client& w = h.Connect(2);
  int32_t xr = h.Reconfig(a, {h.LineOf(1), std::nullopt, std::nullopt, -1});
  int32_t xw = h.Send(w, wire::OpCode::kCreate,
                      wire::CreateRequest{"/x", std::string("d"), wire::OpenAclUnsafe()});
  CHECK(w.replies.empty());
  h.Advance(50);
  REQUIRE(w.replies.count(xw) == 1);
  CHECK(w.replies[xw].zxid > a.replies[xr].zxid);
  CHECK(h.ens->Server(1)->tree.Find("/x") != nullptr);
}

TEST_CASE("a joiner serves as a non-voting follower until a reconfig adds it", "[reconfig]") {
  Harness h(Options(20, 0));
  Member j;
  j.id = 4;
  j.quorum_port = 2884;
  j.election_port = 3884;
  j.client_port = 12184;
  REQUIRE(h.ens->AddServer(j));
  CHECK_FALSE(h.ens->AddServer(j));  // already hosted
  CHECK(h.ens->RoleOf(4) == Role::kNonVoting);
  CHECK(h.ens->Quorum().voters.count(4) == 0);
  Client& c = h.Connect(4);
  REQUIRE(c.connected);
  int32_t xg = h.GetConfig(c);
  REQUIRE(c.replies.count(xg) == 1);
  CHECK(c.replies[xg].err == Error::kOk);

  Client& admin = h.Connect(1);
  std::string line = zk::sim::SpecOf(*h.ens->LineOf(4)).ToLine();
  CHECK(line == "server.4=127.0.0.1:2884:3884:participant;127.0.0.1:12184");
  int32_t x = h.Reconfig(admin, {line, std::nullopt, std::nullopt, -1});
  h.Advance(20);
  REQUIRE(admin.replies.count(x) == 1);
  CHECK(admin.replies[x].err == Error::kOk);
  CHECK(h.ens->RoleOf(4) == Role::kParticipant);
  CHECK(h.ens->Quorum().voters.size() == 4);
  // Its role did not change (a joiner runs as a participant): clients stay.
  CHECK_FALSE(c.closed);
  int32_t xg2 = h.GetConfig(c);
  CHECK(c.replies[xg2].err == Error::kOk);
}

TEST_CASE("a removed follower keeps serving its clients", "[reconfig]") {
  Harness h(Options(20, 0));
  Client& c = h.Connect(1);
  Client& admin = h.Connect(2);
  int32_t x = h.Reconfig(admin, {std::nullopt, std::string("1"), std::nullopt, -1});
  h.Advance(20);
  REQUIRE(admin.replies[x].err == Error::kOk);
  CHECK(h.ens->RoleOf(1) == Role::kNonVoting);
  CHECK_FALSE(c.closed);
  CHECK(h.ens->Server(1)->serving);
  int32_t xg = h.GetConfig(c);
  REQUIRE(c.replies.count(xg) == 1);
  CHECK(c.replies[xg].err == Error::kOk);
  // It applies later commits too.
  CHECK(h.ens->Server(1)->applied_zxid == h.ens->last_zxid());
}

TEST_CASE("participant -> observer drops only that server's clients", "[reconfig]") {
  Harness h(Options(20, 0));
  Client& on1 = h.Connect(1);
  Client& on2 = h.Connect(2);
  Client& admin = h.Connect(3);
  std::string obs = h.LineOf(1);
  obs.replace(obs.find(":participant;"), 13, ":observer;");
  int32_t x = h.Reconfig(admin, {obs, std::nullopt, std::nullopt, -1});
  h.Advance(20);
  REQUIRE(admin.replies[x].err == Error::kOk);
  CHECK(h.ens->RoleOf(1) == Role::kObserver);
  CHECK(on1.closed);
  CHECK_FALSE(on2.closed);
  CHECK_FALSE(admin.closed);
  CHECK(h.ens->leader() == 3);
}

TEST_CASE("removing the leader hands over in a new epoch after a short unavailability",
          "[reconfig]") {
  Harness h(Options(20, 50));
  REQUIRE(h.ens->leader() == 3);
  const int64_t epoch = h.ens->epoch();
  Client& on1 = h.Connect(1);
  Client& on3 = h.Connect(3);
  int32_t x = h.Reconfig(on1, {std::nullopt, std::string("3"), std::nullopt, -1});
  h.Advance(20);
  // Committed; the reply went out before the hand-off closed the
  // connection (a real client may see connection loss instead).
  REQUIRE(on1.replies.count(x) == 1);
  CHECK(on1.replies[x].err == Error::kOk);
  CHECK(h.ens->members().count(3) == 0);
  CHECK(on1.closed);
  CHECK(on3.closed);
  CHECK_FALSE(h.ens->quorum_up());
  Client& early = h.Connect(2);
  CHECK(early.closed);  // nobody serves during the hand-off
  h.Advance(50);
  REQUIRE(h.ens->quorum_up());
  CHECK(h.ens->leader() == 2);
  CHECK(h.ens->epoch() == epoch + 1);
  CHECK(h.ens->RoleOf(3) == Role::kNonVoting);
  // The old leader serves as a non-voting follower.
  Client& later = h.Connect(3);
  REQUIRE(later.connected);
  int32_t xc = h.Send(later, wire::OpCode::kCreate,
                      wire::CreateRequest{"/after", std::string(), wire::OpenAclUnsafe()});
  REQUIRE(later.replies.count(xc) == 1);
  CHECK(later.replies[xc].err == Error::kOk);
  CHECK((later.replies[xc].zxid >> 32) == epoch + 1);
}

TEST_CASE("a fault during a reconfig in flight commits it first", "[reconfig]") {
  Harness h(Options(100, 0));
  Client& a = h.Connect(1);
  int32_t x = h.Reconfig(a, {std::nullopt, std::string("2"), std::nullopt, -1});
  REQUIRE(h.ens->reconfig_in_progress());
  REQUIRE(h.ens->Kill(2));
  CHECK_FALSE(h.ens->reconfig_in_progress());
  REQUIRE(a.replies.count(x) == 1);
  CHECK(a.replies[x].err == Error::kOk);
  CHECK(h.ens->members().count(2) == 0);
  CHECK(h.ens->quorum_up());
}

TEST_CASE("requests pipelined behind a reconfig come after the writes it held", "[reconfig]") {
  Harness h(Options(50, 0));
  Client& a = h.Connect(1);
  Client& b = h.Connect(2);
  int32_t xr = h.Reconfig(a, {h.LineOf(1), std::nullopt, std::nullopt, -1});
  int32_t xa = h.Send(a, wire::OpCode::kCreate,
                      wire::CreateRequest{"/a", std::string(), wire::OpenAclUnsafe()});
  int32_t xb = h.Send(b, wire::OpCode::kCreate,
                      wire::CreateRequest{"/b", std::string(), wire::OpenAclUnsafe()});
  h.Advance(50);
  REQUIRE(a.replies.count(xr) == 1);
  REQUIRE(a.replies.count(xa) == 1);
  REQUIRE(b.replies.count(xb) == 1);
  CHECK(b.replies[xb].zxid > a.replies[xr].zxid);
  CHECK(a.replies[xa].zxid > b.replies[xb].zxid);
  for (int64_t id : {1, 2, 3}) {
    CHECK(h.ens->Server(id)->applied_zxid == h.ens->last_zxid());
    CHECK(h.ens->Server(id)->tree.Find("/a") != nullptr);
    CHECK(h.ens->Server(id)->tree.Find("/b") != nullptr);
  }
}

TEST_CASE("two reconfigs pipelined on one connection with no commit delay", "[reconfig]") {
  Harness h(Options(0, 0));
  Client& a = h.Connect(1);
  const std::string line1 = h.LineOf(1);
  int32_t x1 = h.Reconfig(a, {std::nullopt, std::string("1"), std::nullopt, -1});
  int32_t x2 = h.Reconfig(a, {line1, std::nullopt, std::nullopt, -1});
  // The first committed at once; the second, proposed from inside that
  // commit's reply, waits for the next tick.
  REQUIRE(a.replies.count(x1) == 1);
  CHECK(a.replies[x1].err == Error::kOk);
  h.Advance(1);
  REQUIRE(a.replies.count(x2) == 1);
  CHECK(a.replies[x2].err == Error::kOk);
  CHECK(a.replies[x2].zxid > a.replies[x1].zxid);
  CHECK(h.ens->members().count(1) == 1);
}
