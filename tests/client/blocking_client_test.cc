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
  REQUIRE(c.Create(base, "x").ok());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto r = c.Create(fmt::format("{}/t{}-{}", base, t, i), "", zk::CreateMode::kEphemeral);
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
  auto bc = zk::BlockingClient::Connect(Options("nohostport"), 1s);
  CHECK_FALSE(bc.ok());
  CHECK(bc.status().code() == zk::Error::kBadArguments);
}

TEST_CASE("blocking facade: nobody there gives a bounded connection loss", "[blocking]") {
  auto o = Options("127.0.0.1:1");
  o.logger = zk::Logger::Null();
  auto bc = zk::BlockingClient::Connect(o, 500ms);
  CHECK(bc.status().code() == zk::Error::kConnectionLoss);
}
