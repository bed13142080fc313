// The libuv connection adapter against a real ZooKeeper server (4lw "ruok").
#include "connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

namespace {

// A listening socket on 127.0.0.1 with a free port (plain blocking sockets:
// the peer side of these tests needs no loop).
struct Listener {
  int fd = -1;
  uint16_t port = 0;
  Listener() {
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(fd, 4) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port = ntohs(a.sin_port);
    }
  }
  ~Listener() { close(fd); }
  // The accepted connection, non-blocking, or -1.
  int Accept() {
    int c = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    return c;
  }
};

struct Sink : Connection::Listener {
  bool connected = false;
  bool got_closed = false;
  bool in_write = false;
  bool closed_inside_write = false;
  zk::Status closed;
  void OnConnected() override { connected = true; }
  void OnData(const char*, size_t) override {}
  void OnClosed(const zk::Status& s) override {
    got_closed = true;
    closed_inside_write = in_write;
    closed = s;
  }
};

// Starts a Connection to l and accepts it (bounded): the accepted socket,
// or -1 when the connection did not come up.
int ConnectPair(uv_loop_t* loop, Listener& l, Sink* s, Connection** c) {
  *c = Connection::Start(loop, {"127.0.0.1", l.port}, std::chrono::milliseconds(2000), s);
  int peer = -1;
  for (int i = 0; i < 2000 && (peer < 0 || !s->connected); ++i) {
    uv_run(loop, UV_RUN_NOWAIT);
    if (peer < 0) peer = l.Accept();
    usleep(1000);
  }
  return s->connected ? peer : -1;
}

}  // namespace

TEST_CASE("writes larger than the socket takes arrive whole and in order", "[connection]") {
  Listener l;
  REQUIRE(l.port != 0);
  uv_loop_t loop;
  uv_loop_init(&loop);
  Sink s;
  Connection* c = nullptr;
  int peer = ConnectPair(&loop, l, &s, &c);
  REQUIRE(peer >= 0);
  // 16 chunks of 512 KiB, each a different byte: far more than the socket
  // buffers hold, so most of it waits for writability.
  std::string want;
  for (int i = 0; i < 16; ++i) {
    std::string chunk(512 * 1024, static_cast<char>('a' + i));
    want += chunk;
    c->Write(std::move(chunk));
  }
  CHECK(c->PendingWriteBytes() > 0);
  std::string got;
  char buf[65536];
  for (int i = 0; i < 20000 && got.size() < want.size(); ++i) {
    uv_run(&loop, UV_RUN_NOWAIT);
    ssize_t n = recv(peer, buf, sizeof buf, 0);
    if (n > 0)
      got.append(buf, static_cast<size_t>(n));
    else
      usleep(200);
  }
  CHECK(got.size() == want.size());
  CHECK(got == want);
  CHECK(c->PendingWriteBytes() == 0);
  CHECK_FALSE(s.got_closed);
  c->Close();
  close(peer);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("writing to a connection the peer reset is a connection loss reported from the loop",
          "[connection]") {
  Listener l;
  REQUIRE(l.port != 0);
  uv_loop_t loop;
  uv_loop_init(&loop);
  Sink s;
  Connection* c = nullptr;
  int peer = ConnectPair(&loop, l, &s, &c);
  REQUIRE(peer >= 0);
  // Close with SO_LINGER 0: the peer sends a reset at once.
  linger lg{1, 0};
  setsockopt(peer, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(peer);
  usleep(20000);
  // Write again and again without letting the loop see the reset first:
  // with write(2) the second write would raise SIGPIPE and end this process.
  s.in_write = true;
  for (int i = 0; i < 10; ++i) c->Write(std::string(1000, 'x'));
  s.in_write = false;
  CHECK_FALSE(s.got_closed);  // never from inside Write()
  for (int i = 0; i < 2000 && !s.got_closed; ++i) {
    uv_run(&loop, UV_RUN_NOWAIT);
    usleep(1000);
  }
  CHECK(s.got_closed);
  CHECK_FALSE(s.closed_inside_write);
  CHECK(s.closed.code() == zk::Error::kConnectionLoss);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("a refused connect names the reason", "[connection]") {
  uv_loop_t loop;
  uv_loop_init(&loop);
  Sink s;
  Connection::Start(&loop, {"127.0.0.1", 1}, std::chrono::milliseconds(1000), &s);
  for (int i = 0; i < 2000 && !s.got_closed; ++i) {
    uv_run(&loop, UV_RUN_NOWAIT);
    usleep(1000);
  }
  REQUIRE(s.got_closed);
  CHECK(s.closed.message().find("refused") != std::string::npos);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}
