// The libuv connection adapter against a real ZooKeeper server (4lw "ruok").
#include "connection.h"

#include <catch2/catch.hpp>

#include "ensemble.h"

using zk::client_internal::Connection;

namespace {

struct Probe : Connection::Listener {
  bool connected = false;
  std::string data;
  zk::Status closed;
  bool got_closed = false;
  Connection* conn = nullptr;
  void OnConnected() override {
    connected = true;
    conn->Write("ruok");
  }
  void OnData(const char* d, size_t n) override { data.append(d, n); }
  void OnClosed(const zk::Status& s) override {
    closed = s;
    got_closed = true;
  }
};

void RunFor(uv_loop_t* loop, const bool& done, int max_ms) {
  for (int i = 0; i < max_ms / 5 && !done; ++i) {
    uv_run(loop, UV_RUN_NOWAIT);
    usleep(5000);
  }
}

}  // namespace

TEST_CASE("connection talks to a real server and frees itself", "[connection][interop]") {
  const auto& ens = zk::test::SharedEnsemble();
  if (!ens.ok) {
    WARN("no ZooKeeper ensemble: skipped");
    return;
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  Probe p;
  p.conn = Connection::Start(&loop, {"127.0.0.1", ens.servers[0].client_port},
                             std::chrono::milliseconds(2000), &p);
  RunFor(&loop, p.got_closed, 5000);
  CHECK(p.connected);
  CHECK(p.data == "imok");
  CHECK(p.got_closed);  // the server closes after a 4lw reply
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("connection refused is reported once, asynchronously", "[connection]") {
  uv_loop_t loop;
  uv_loop_init(&loop);
  Probe p;
  // Port 1 on loopback: nothing listens there.
  p.conn = Connection::Start(&loop, {"127.0.0.1", 1}, std::chrono::milliseconds(1000), &p);
  CHECK_FALSE(p.got_closed);
  RunFor(&loop, p.got_closed, 3000);
  CHECK(p.got_closed);
  CHECK(p.closed.code() == zk::Error::kConnectionLoss);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("closing while connecting and resolving never calls back", "[connection]") {
  uv_loop_t loop;
  uv_loop_init(&loop);
  Probe a, b;
  a.conn = Connection::Start(&loop, {"127.0.0.1", 1}, std::chrono::milliseconds(1000), &a);
  b.conn = Connection::Start(&loop, {"localhost", 1}, std::chrono::milliseconds(1000), &b);
  a.conn->Close();
  b.conn->Close();
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK_FALSE(a.got_closed);
  CHECK_FALSE(b.got_closed);
  CHECK(uv_loop_close(&loop) == 0);
}
