// The blocking facade against a real ensemble, used from several threads.
#include <thread>

#include "test_util.h"
#include "zk/client/blocking_client.h"

using namespace zk::test;

TEST_CASE("blocking facade: operations from several threads", "[blocking][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  auto bc = zk::BlockingClient::Connect(Options(ens.connect), 15s, 10s);
  REQUIRE(bc.ok());
  auto& c = *bc.value();
  CHECK(c.state() == zk::SessionState::kConnected);
  CHECK(c.session_id() != 0);
  std::string base = UniquePath("blocking");
  REQUIRE(c.CreateNode(base, "x").ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto r = c.CreateNode(fmt::format("{}/t{}-{}", base, t, i), "", {}, zk::CreateMode::kEphemeral);
        if (r.ok()) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 100);
  auto n = c.GetAllChildrenNumber(base);
  REQUIRE(n.ok());
  CHECK(n.value() == 100);
  auto d = c.GetData(base);
  REQUIRE(d.ok());
  CHECK(d.value().data == "x");
  CHECK(c.Delete(base + "/missing").code() == zk::Error::kNoNode);
  CHECK(c.Exists("bad").status().code() == zk::Error::kBadArguments);
  auto cfg = c.GetConfig();
  REQUIRE(cfg.ok());
  CHECK(cfg.value().client_addresses.size() == 3);
  c.Close();
  CHECK(c.state() == zk::SessionState::kClosed);
  CHECK(c.Sync("/").code() == zk::Error::kClosing);
}

TEST_CASE("blocking facade: a bad connect string fails fast", "[blocking]") {
  auto bc = zk::BlockingClient::Connect(Options("nohost:99999"), 1s);
  CHECK_FALSE(bc.ok());
  CHECK(bc.status().code() == zk::Error::kBadArguments);
}

TEST_CASE("blocking facade: nobody there gives a bounded connection loss", "[blocking]") {
  auto o = Options("127.0.0.1:1");
  o.logger = zk::Logger::Null();
  auto bc = zk::BlockingClient::Connect(o, 500ms);
  CHECK(bc.status().code() == zk::Error::kConnectionLoss);
}

namespace {

// Close() on a session that already ended must not wait for op_timeout.
void CheckCloseReturnsAtOnce(zk::BlockingClient& c, zk::SessionState ended) {
  CHECK(c.state() == ended);
  auto t0 = std::chrono::steady_clock::now();
  c.Close();
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < 1s);
  WARN("Close() after " << zk::SessionStateName(ended) << " took "
                        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                        << " ms (op_timeout 20000 ms)");
  c.Close();  // idempotent
  CHECK(c.state() == ended);
}

}  // namespace

TEST_CASE("blocking facade: Close after AuthFailed returns at once", "[blocking][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  auto o = Options(ens.connect);
  o.logger = zk::Logger::Null();
  auto bc = zk::BlockingClient::Connect(o, 15s, 20s);
  REQUIRE(bc.ok());
  auto& c = *bc.value();
  CHECK(c.AddAuth("nosuch", "x").code() == zk::Error::kAuthFailed);
  auto until = std::chrono::steady_clock::now() + 5s;
  while (c.state() != zk::SessionState::kAuthFailed && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  CheckCloseReturnsAtOnce(c, zk::SessionState::kAuthFailed);
}

TEST_CASE("blocking facade: Close after Expired returns at once", "[blocking][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  auto o = Options(ens.connect);
  o.logger = zk::Logger::Null();
  o.session_timeout = 1000ms;  // the server's minimum (tickTime 500)
  auto bc = zk::BlockingClient::Connect(o, 15s, 20s);
  REQUIRE(bc.ok());
  auto& c = *bc.value();
  // Nobody listens there: the session expires locally after its timeout.
  REQUIRE(c.UpdateServerList("127.0.0.1:1").ok());
  auto until = std::chrono::steady_clock::now() + 5s;
  while (c.state() != zk::SessionState::kExpired && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(10ms);
  }
  CheckCloseReturnsAtOnce(c, zk::SessionState::kExpired);
  CHECK(c.Sync("/").code() == zk::Error::kSessionExpired);
}

TEST_CASE("Client::Close after the session ended runs done from the loop", "[blocking][interop]") {
  const auto& ens = SharedEnsemble();
  if (!ens.ok) return;
  LoopRunner lr;
  auto c = ConnectWith(lr, Options(ens.connect));
  bool closed = false;
  c->Close([&] { closed = true; });
  REQUIRE(lr.RunUntil([&] { return closed; }));
  lr.RunFor(50ms);  // the session's own timer closes
  REQUIRE(c->state() == zk::SessionState::kClosed);
  int done = 0;
  c->Close([&] { ++done; });
  CHECK(done == 0);  // never from inside Close
  REQUIRE(lr.RunUntil([&] { return done == 1; }, 1000ms));
  c.reset();
  CHECK(lr.Drained());
}
