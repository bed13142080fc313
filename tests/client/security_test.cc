// Security checks through the SDK, against a real ZooKeeper 3.8 ensemble
// (test `client-security`) or zksim (`client-security-zksim`,
// ZK_CLIENT_TARGET=zksim): who may reconfig (write permission on
// /zookeeper/config, reconfigEnabled, skipACL) and the frame size limit
// (jute.maxbuffer) on both sides of a connection. docs/testing.md,
// "Security checks".
#include <cstdlib>

#include "test_util.h"

using namespace zk::test;

namespace {

// A reconfig that changes nothing but the config's version: "leave" an id
// that is not a member. ZooKeeper checks its permission after validating
// it (PrepRequestProcessor), so the outcome is the permission's.
constexpr const char* kAbsentId = "99";

zk::Result<zk::ConfigResult> NoOpReconfig(LoopRunner& lr, zk::Client& c) {
  Wait<zk::ConfigResult> r;
  REQUIRE(c.Reconfig({{}, {kAbsentId}, {}, -1}, r.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return r.r.has_value(); }, 20000ms));
  return *r.r;
}

// Bounded: the session is Connected again.
void WaitConnected(LoopRunner& lr, zk::Client& c) {
  REQUIRE(lr.RunUntil([&] { return c.state() == zk::SessionState::kConnected; }, 30000ms));
}

}  // namespace

TEST_CASE("reconfig without write permission on /zookeeper/config is NoAuth; the super user may",
          "[security][reconfig][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("skipped: no ensemble (ZooKeeper 3.8 not installed or did not start)");
    return;
  }
  LoopRunner lr;
  auto plain = ConnectWith(lr, Options(ens.connect));
  auto before = ReadConfig(lr, *plain);
  auto denied = NoOpReconfig(lr, *plain);
  INFO(denied.status().ToString());
  CHECK(denied.status().code() == zk::Error::kNoAuth);
  // A digest identity that is not the super user's: still NoAuth.
  WaitS au;
  REQUIRE(plain->AddAuth("digest", "mallory:guess", au.cb()).ok());
  RUN_S(lr, au);
  REQUIRE(au.s->ok());
  auto still = NoOpReconfig(lr, *plain);
  CHECK(still.status().code() == zk::Error::kNoAuth);
  CHECK(ReadConfig(lr, *plain).version == before.version);

  auto su = SuperClient(lr, ens.connect, ens.super_auth);
  auto allowed = NoOpReconfig(lr, *su);
  INFO(allowed.status().ToString());
  REQUIRE(allowed.ok());
  CHECK(allowed.value().version > before.version);
  CHECK(allowed.value().client_addresses.size() == before.client_addresses.size());
  CloseClient(lr, plain);
  CloseClient(lr, su);
  CHECK(lr.Drained());
}

TEST_CASE("reconfigEnabled=false: ReconfigDisabled, even for the super user",
          "[security][reconfig][interop]") {
  const auto& ens = NoReconfigEnsemble();
  if (!ens.ok) {
    WARN("skipped: no reconfigEnabled=false ensemble (ZooKeeper 3.8 not installed)");
    return;
  }
  LoopRunner lr;
  auto plain = ConnectWith(lr, Options(ens.connect));
  auto r = NoOpReconfig(lr, *plain);
  CHECK(r.status().code() == zk::Error::kReconfigDisabled);
  auto su = SuperClient(lr, ens.connect, ens.super_auth);
  auto rs = NoOpReconfig(lr, *su);
  INFO(rs.status().ToString());
  CHECK(rs.status().code() == zk::Error::kReconfigDisabled);
  CloseClient(lr, plain);
  CloseClient(lr, su);
  CHECK(lr.Drained());
}

TEST_CASE("skipACL=yes: reconfig allowed without credentials", "[security][reconfig][interop]") {
  std::string connect;
  std::unique_ptr<OwnEnsemble> own;
  Ensemble sim;
  if (TargetIsZksim()) {
    const char* bin = std::getenv("ZKSIM_BIN");
    REQUIRE(bin != nullptr);
    sim = StartZksim(bin, "--skip-acl");
    REQUIRE(!sim.connect.empty());
    connect = sim.connect;
  } else {
    own = std::make_unique<OwnEnsemble>("--skip-acl");
    if (!own->ok()) {
      WARN("skipped: no --skip-acl ensemble (ZooKeeper 3.8 not installed or did not start)");
      return;
    }
    connect = own->connect();
  }
  {
    LoopRunner lr;
    auto plain = ConnectWith(lr, Options(connect));
    auto before = ReadConfig(lr, *plain);
    auto r = NoOpReconfig(lr, *plain);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CHECK(r.value().version > before.version);
    CloseClient(lr, plain);
    CHECK(lr.Drained());
  }
  if (TargetIsZksim()) StopZksim(&sim);
}

TEST_CASE("a request over max_frame_bytes is refused at the call; the connection stays",
          "[security][limits][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("skipped: no ensemble (ZooKeeper 3.8 not installed or did not start)");
    return;
  }
  LoopRunner lr;
  auto o = Options(ens.connect);
  CHECK(o.max_frame_bytes == 0xfffffu);  // jute.maxbuffer's default
  auto c = ConnectWith(lr, o);
  const std::string path = UniquePath("sec-frame");
  Wait<zk::CreateResult> cr;
  REQUIRE(c->CreateNode(path, std::string("x"), {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  const int64_t sid = c->session_id();
  // header (8) + path string (4 + n) + data buffer (4 + d) + version (4)
  // over 1048575 by one byte.
  const size_t fixed = 8 + 4 + path.size() + 4 + 4;
  std::string too_big(0xfffff - fixed + 1, 'b');
  zk::Status st = c->SetData(path, too_big, -1, [](zk::Result<zk::Stat>) { FAIL("called"); });
  INFO(st.ToString());
  CHECK(st.code() == zk::Error::kBadArguments);
  CHECK(st.message().find("exceeds max_frame_bytes 1048575") != std::string::npos);
  // One byte less fits: the server takes it.
  too_big.pop_back();
  Wait<zk::Stat> ok;
  REQUIRE(c->SetData(path, too_big, -1, ok.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return ok.r.has_value(); }, 20000ms));
  INFO(ok.r->status().ToString());
  CHECK(ok.r->ok());
  CHECK(c->session_id() == sid);
  CHECK(c->state() == zk::SessionState::kConnected);
  // A client limit below 1024 bytes is refused with a clear error.
  auto bad = Options(ens.connect);
  bad.max_frame_bytes = 100;
  auto refused = zk::Client::Create(lr.loop(), bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("max_frame_bytes 100 is out of range") !=
        std::string::npos);
  WaitS del;
  REQUIRE(c->Delete(path, -1, del.cb()).ok());
  RUN_S(lr, del);
  CloseClient(lr, c);
  CHECK(lr.Drained());
}

TEST_CASE("a server closes the connection on a frame over its jute.maxbuffer; the session survives",
          "[security][limits][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("skipped: no ensemble (ZooKeeper 3.8 not installed or did not start)");
    return;
  }
  LoopRunner lr;
  // The client's own limit raised past the servers' (a misconfiguration):
  // the server's check is what stops the request.
  auto o = Options(ens.connect);
  o.max_frame_bytes = 4u << 20;
  auto c = ConnectWith(lr, o);
  const std::string path = UniquePath("sec-server-frame");
  Wait<zk::CreateResult> cr;
  REQUIRE(c->CreateNode(path, std::string("x"), {}, zk::CreateMode::kPersistent, cr.cb()).ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  const int64_t sid = c->session_id();
  Wait<zk::Stat> big;
  REQUIRE(c->SetData(path, std::string(2u << 20, 'c'), -1, big.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return big.r.has_value(); }, 20000ms));
  INFO(big.r->status().ToString());
  CHECK(big.r->status().code() == zk::Error::kConnectionLoss);
  WaitConnected(lr, *c);
  CHECK(c->session_id() == sid);
  Wait<zk::DataResult> got;
  REQUIRE(c->GetData(path, {}, got.cb()).ok());
  RUN_OK(lr, got);
  REQUIRE(got.r->ok());
  CHECK(got.r->value().data == std::optional<std::string>("x"));  // not written
  WaitS del;
  REQUIRE(c->Delete(path, -1, del.cb()).ok());
  RUN_S(lr, del);
  CloseClient(lr, c);
  CHECK(lr.Drained());
}

TEST_CASE("a reply frame over max_frame_bytes drops the connection; the session reconnects",
          "[security][limits][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) {
    WARN("skipped: no ensemble (ZooKeeper 3.8 not installed or did not start)");
    return;
  }
  LoopRunner lr;
  auto writer = ConnectWith(lr, Options(ens.connect));
  const std::string path = UniquePath("sec-reply");
  Wait<zk::CreateResult> cr;
  REQUIRE(
      writer->CreateNode(path, std::string(100000, 'r'), {}, zk::CreateMode::kPersistent, cr.cb())
          .ok());
  RUN_OK(lr, cr);
  REQUIRE(cr.r->ok());
  auto o = Options(ens.connect);
  o.max_frame_bytes = 64 * 1024;
  auto small = ConnectWith(lr, o);
  const int64_t sid = small->session_id();
  Wait<zk::DataResult> got;
  REQUIRE(small->GetData(path, {}, got.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return got.r.has_value(); }, 20000ms));
  INFO(got.r->status().ToString());
  CHECK(got.r->status().code() == zk::Error::kConnectionLoss);
  WaitConnected(lr, *small);
  CHECK(small->session_id() == sid);
  Wait<zk::Stat> ex;
  REQUIRE(small->Exists(path, {}, ex.cb()).ok());
  RUN_OK(lr, ex);
  REQUIRE(ex.r->ok());
  CHECK(ex.r->value().data_length == 100000);
  WaitS del;
  REQUIRE(writer->Delete(path, -1, del.cb()).ok());
  RUN_S(lr, del);
  CloseClient(lr, small);
  CloseClient(lr, writer);
  CHECK(lr.Drained());
}
