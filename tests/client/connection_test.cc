// The libuv connection adapter against a real ZooKeeper server (4lw "ruok").
#include "connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "ensemble.h"
#include "local_port.h"

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

// A port listening on 127.0.0.1.
struct Listener : zk::test::LocalPort {
  Listener() : LocalPort("127.0.0.1", true) {}
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
  *c = Connection::Start(loop, {"127.0.0.1", l.port()}, std::chrono::milliseconds(2000), s);
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
  REQUIRE(l.port() != 0);
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
  REQUIRE(l.port() != 0);
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

// ---------------------------------------------------------------- item 5
// Host names with several addresses: every address is tried, in an order
// shuffled with the caller's seed, within the attempt's connect timeout.

namespace {

// A port bound on `ip` (IPv4 or IPv6 literal) but not listening: a connect
// to it is refused at once. want 0: any free port.
struct Refuser : zk::test::LocalPort {
  explicit Refuser(const char* ip, uint16_t want = 0) : LocalPort(ip, false, want) {}
};

// Runs one Connection to `host` until it connected or failed.
struct Attempt {
  Sink sink;
  std::vector<std::string> failed;  // failed_addresses() when it connected
  std::string error;                // the failure's message
};

Attempt RunAttempt(const zk::HostPort& host, const zk::Resolver& resolver, uint64_t seed,
                   Listener* accept_on = nullptr, int timeout_ms = 2000) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  Attempt a;
  Connection* c = Connection::Start(&loop, host, std::chrono::milliseconds(timeout_ms), &a.sink,
                                    resolver, seed);
  int peer = -1;
  for (int i = 0; i < 5000 && !a.sink.connected && !a.sink.got_closed; ++i) {
    uv_run(&loop, UV_RUN_NOWAIT);
    usleep(1000);
  }
  // Connected: its connection waits in the backlog, so this never blocks.
  if (accept_on != nullptr && a.sink.connected) peer = accept_on->Accept();
  if (peer >= 0) close(peer);
  if (a.sink.connected) {
    a.failed = c->failed_addresses();
    c->Close();
  }
  if (a.sink.got_closed) a.error = a.sink.closed.message();
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
  return a;
}

// "127.0.0.1:1: ...; 127.0.0.1:2: ..." → the ports in the order tried.
std::vector<uint16_t> PortsTried(const std::string& error) {
  std::vector<uint16_t> out;
  size_t at = 0;
  while ((at = error.find("127.0.0.1:", at)) != std::string::npos) {
    at += 10;
    out.push_back(static_cast<uint16_t>(std::stoi(error.substr(at))));
  }
  return out;
}

}  // namespace

TEST_CASE("host names (item 5): of three addresses the first two refuse, the third connects",
          "[connection][host-names]") {
  Listener l;
  Refuser r1("127.0.0.1"), r2("127.0.0.1");
  REQUIRE((l.port() != 0 && r1.port() != 0 && r2.port() != 0));
  int calls = 0;
  zk::Resolver resolver = [&](const zk::HostPort& h) -> zk::Result<std::vector<zk::HostPort>> {
    ++calls;
    CHECK(h == zk::HostPort{"zk-three", 2181});
    return std::vector<zk::HostPort>{
        {"127.0.0.1", r1.port()}, {"127.0.0.1", r2.port()}, {"127.0.0.1", l.port()}};
  };
  // Whatever the seed puts first, the live address is reached; some seed
  // puts it last, behind both refusing ones.
  bool some_seed_tried_both_first = false;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    Attempt a = RunAttempt({"zk-three", 2181}, resolver, seed, &l);
    CHECK(a.sink.connected);
    CHECK_FALSE(a.sink.got_closed);
    for (const std::string& f : a.failed) CHECK(f.find("refused") != std::string::npos);
    if (a.failed.size() == 2) some_seed_tried_both_first = true;
  }
  CHECK(some_seed_tried_both_first);
  CHECK(calls == 12);  // resolved at every attempt, never cached
}

TEST_CASE("host names (item 5): the order the addresses are tried in follows the seed",
          "[connection][host-names]") {
  Refuser r1("127.0.0.1"), r2("127.0.0.1"), r3("127.0.0.1");
  REQUIRE((r1.port() != 0 && r2.port() != 0 && r3.port() != 0));
  zk::Resolver resolver = [&](const zk::HostPort&) -> zk::Result<std::vector<zk::HostPort>> {
    return std::vector<zk::HostPort>{
        {"127.0.0.1", r1.port()}, {"127.0.0.1", r2.port()}, {"127.0.0.1", r3.port()}};
  };
  std::set<std::vector<uint16_t>> orders;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    Attempt a = RunAttempt({"zk-none", 2181}, resolver, seed);
    REQUIRE(a.sink.got_closed);
    CHECK(a.sink.closed.code() == zk::Error::kConnectionLoss);
    // Every address was tried and is named once.
    CHECK(a.error.rfind("connect to zk-none:2181: ", 0) == 0);
    std::vector<uint16_t> order = PortsTried(a.error);
    REQUIRE(order.size() == 3);
    CHECK(std::set<uint16_t>(order.begin(), order.end()) ==
          std::set<uint16_t>{r1.port(), r2.port(), r3.port()});
    // The same seed, the same order.
    CHECK(PortsTried(RunAttempt({"zk-none", 2181}, resolver, seed).error) == order);
    orders.insert(order);
  }
  // Many clients do not herd onto the first record.
  CHECK(orders.size() >= 4);
}

TEST_CASE("host names (item 5): an IPv6 address nobody listens on falls back to IPv4",
          "[connection][host-names]") {
  Listener l;  // 127.0.0.1 only
  REQUIRE(l.port() != 0);
  Refuser v6("::1", l.port());  // and nothing listens on [::1] at that port
  if (v6.port() == 0) {
    WARN("no IPv6 loopback here: skipped");
    return;
  }
  zk::Resolver resolver = [&](const zk::HostPort& h) -> zk::Result<std::vector<zk::HostPort>> {
    return std::vector<zk::HostPort>{{"0:0:0:0:0:0:0:1", h.port}, {"127.0.0.1", h.port}};
  };
  int v6_first = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    Attempt a = RunAttempt({"dual", l.port()}, resolver, seed, &l);
    CHECK(a.sink.connected);
    if (!a.failed.empty()) {
      ++v6_first;
      CHECK(a.failed.size() == 1);
      CHECK(a.failed[0] == fmt::format("[::1]:{}: connect: Connection refused", l.port()));
    }
  }
  CHECK(v6_first > 0);  // some seed tried ::1 first, and still connected
  CHECK(v6_first < 8);  // and some tried 127.0.0.1 first
}

TEST_CASE("host names (item 5): an address that never answers gets only its share of the budget",
          "[connection][host-names]") {
  Listener l;
  REQUIRE(l.port() != 0);
  // A listener with a full backlog: the kernel drops further SYNs, so a
  // connect to it neither succeeds nor fails (as an address behind a
  // firewall that drops packets).
  int hole = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in ha{};
  ha.sin_family = AF_INET;
  ha.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t hlen = sizeof ha;
  REQUIRE(bind(hole, reinterpret_cast<sockaddr*>(&ha), sizeof ha) == 0);
  REQUIRE(listen(hole, 0) == 0);
  REQUIRE(getsockname(hole, reinterpret_cast<sockaddr*>(&ha), &hlen) == 0);
  int filler = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(connect(filler, reinterpret_cast<sockaddr*>(&ha), sizeof ha) == 0);
  const uint16_t hole_port = ntohs(ha.sin_port);
  zk::Resolver resolver = [&](const zk::HostPort&) -> zk::Result<std::vector<zk::HostPort>> {
    return std::vector<zk::HostPort>{{"127.0.0.1", hole_port}, {"127.0.0.1", l.port()}};
  };
  bool hole_first = false;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    INFO("seed " << seed);
    uint64_t t0 = uv_hrtime();
    Attempt a = RunAttempt({"slow", l.port()}, resolver, seed, &l, 1000);
    double ms = static_cast<double>(uv_hrtime() - t0) / 1e6;
    CHECK(a.sink.connected);
    if (!a.failed.empty()) {
      hole_first = true;
      CHECK(a.failed ==
            std::vector<std::string>{fmt::format("127.0.0.1:{}: connect timed out", hole_port)});
      CHECK(ms >= 450);  // it had its share: half the budget
    }
    CHECK(ms < 900);  // and not more
  }
  CHECK(hole_first);
  close(filler);
  close(hole);
}

TEST_CASE("host names (item 5): localhost connects when only 127.0.0.1 listens",
          "[connection][host-names]") {
  Listener l;  // 127.0.0.1 only
  REQUIRE(l.port() != 0);
  Refuser v6("::1", l.port());  // if localhost has ::1, it refuses
  bool saw_v6 = false;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    Attempt a = RunAttempt({"localhost", l.port()}, {}, seed, &l);  // the system resolver
    CHECK(a.sink.connected);
    for (const std::string& f : a.failed) {
      CHECK(f.rfind("[::1]:", 0) == 0);
      saw_v6 = true;
    }
  }
  if (!saw_v6) {
    WARN(
        "localhost has no ::1 here (or 127.0.0.1 came first for every seed): the IPv6 "
        "fallback is covered by the resolver-seam case above");
  }
}

TEST_CASE("host names (item 5): a resolver's error or empty answer is a connection loss",
          "[connection][host-names]") {
  zk::Resolver failing = [](const zk::HostPort&) -> zk::Result<std::vector<zk::HostPort>> {
    return zk::Status(zk::Error::kConnectionLoss, "no such name");
  };
  Attempt a = RunAttempt({"gone", 2181}, failing, 1);
  REQUIRE(a.sink.got_closed);
  CHECK(a.sink.closed.code() == zk::Error::kConnectionLoss);
  CHECK(a.error == "resolve gone:2181: no such name");
  zk::Resolver names_only = [](const zk::HostPort&) -> zk::Result<std::vector<zk::HostPort>> {
    return std::vector<zk::HostPort>{{"not-an-ip", 2181}};
  };
  a = RunAttempt({"gone", 2181}, names_only, 1);
  REQUIRE(a.sink.got_closed);
  CHECK(a.error == "resolve gone:2181: no IP address in the answer");
}
