// The session core driven with bytes and times only (no sockets): bad input
// drops the connection with a logged reason and the session reconnects.
#include "session_core.h"

#include <algorithm>
#include <set>
#include <catch2/catch.hpp>

#include "core_bytes.h"
#include "zk/hostprovider/random_source.h"
#include "zk/wire/jute.h"

using namespace zk::client_internal;
using namespace std::chrono_literals;

namespace {

using zk::test::ConnectResponse;
using zk::test::Frame;
using zk::test::ServerReply;

struct Harness {
  std::vector<std::string> logs;
  std::vector<zk::SessionState> states;
  TimePoint now = TimePoint(1000s);
  SessionCore core;

  explicit Harness(SessionConfig config = SessionConfig{3000ms, false, "", 3, 500ms})
      : core(std::move(config),
             zk::HostProvider::Create({{"10.0.0.1", 1}, {"10.0.0.2", 2}, {"10.0.0.3", 3}},
                                      zk::ProviderOptions{}, 7)
                 .value(),
             std::make_shared<zk::Logger>(
                 [this](zk::LogLevel, std::string_view l) { logs.emplace_back(l); },
                 zk::LogLevel::kDebug)) {
    core.SetSessionWatcher([this](zk::SessionState s) { states.push_back(s); });
  }

  void Connect(int64_t sid = 0x1234, bool ro = false) {
    core.Start(now);
    REQUIRE(core.TakeConnectOrder().has_value());
    core.OnTransportConnected(now);
    std::string hello = core.TakeOutput();
    REQUIRE(hello.size() == 4 + 45);
    Feed(ConnectResponse(3000, sid, ro));
    REQUIRE(core.state() ==
            (ro ? zk::SessionState::kConnectedReadOnly : zk::SessionState::kConnected));
  }
  // The session id a handshake (as taken from TakeOutput) asks for.
  static int64_t HandshakeSessionId(const std::string& hello) {
    zk::wire::Reader r(std::string_view(hello).substr(4));
    int32_t proto = 0, timeout = 0;
    int64_t zxid = 0, sid = -1;
    r.Int(&proto);
    r.Long(&zxid);
    r.Int(&timeout);
    r.Long(&sid);
    REQUIRE(r.ok());
    return sid;
  }
  void Feed(const std::string& bytes) {
    core.OnBytes(bytes.data(), bytes.size(), now);
    core.RunCallbacks();
  }
  bool Logged(const std::string& what) const {
    for (const auto& l : logs) {
      if (l.find(what) != std::string::npos) return true;
    }
    return false;
  }
  // Submits an exists-like request; *err receives its completion.
  void Submit(std::optional<zk::Error>* err) {
    Request r;
    r.op = 3;
    r.body = "x";
    r.done = [err](const ::zk::client_internal::Reply& rep) { err->emplace(rep.err); };
    REQUIRE(core.Submit(std::move(r)).ok());
  }
  // After a drop: the adapter was told to close and to connect again.
  void ExpectDropAndReconnect() {
    CHECK(core.TakeDropOrder());
    CHECK(core.TakeConnectOrder().has_value());
    CHECK(core.state() == zk::SessionState::kDisconnected);
  }
};

}  // namespace

TEST_CASE("handshake bytes and a reply in order", "[session]") {
  Harness h;
  h.Connect();
  CHECK(h.core.session_id() == 0x1234);
  std::optional<zk::Error> err;
  h.Submit(&err);
  std::string req = h.core.TakeOutput();
  CHECK(req.size() == 4 + 8 + 1);
  CHECK_FALSE(err.has_value());  // never from inside Submit
  h.Feed(ServerReply(1, 0x55, 0));
  REQUIRE(err.has_value());
  CHECK(*err == zk::Error::kOk);
  CHECK(h.core.last_zxid() == 0x55);
}

TEST_CASE("reply out of order drops and reconnects; in-flight fails once", "[session][bad-input]") {
  Harness h;
  h.Connect();
  std::optional<zk::Error> a, b;
  h.Submit(&a);
  h.Submit(&b);
  h.Feed(ServerReply(2, 1, 0));
  CHECK(h.Logged("xid out of order: got 2, expected 1"));
  h.ExpectDropAndReconnect();
  CHECK(a == zk::Error::kConnectionLoss);
  CHECK(b == zk::Error::kConnectionLoss);
}

TEST_CASE("unknown xid with nothing pending drops", "[session][bad-input]") {
  Harness h;
  h.Connect();
  h.Feed(ServerReply(77, 1, 0));
  CHECK(h.Logged("unknown xid 77"));
  h.ExpectDropAndReconnect();
}

TEST_CASE("oversized, negative and truncated frames drop", "[session][bad-input]") {
  for (std::string bad : {std::string("\x7f\xff\xff\xff", 4), std::string("\xff\xff\xff\xfe", 4),
                          Frame("abc"), ServerReply(1, 0, -9999)}) {
    Harness h;
    h.Connect();
    std::optional<zk::Error> e;
    h.Submit(&e);
    h.Feed(bad);
    h.ExpectDropAndReconnect();
    CHECK(e == zk::Error::kConnectionLoss);
    CHECK(h.Logged("dropped"));
  }
}

TEST_CASE("a malformed ConnectResponse drops; an expired one is terminal", "[session][bad-input]") {
  Harness h;
  h.core.Start(h.now);
  (void)h.core.TakeConnectOrder();
  h.core.OnTransportConnected(h.now);
  (void)h.core.TakeOutput();
  h.Feed(Frame("short"));
  CHECK(h.Logged("bad ConnectResponse"));
  CHECK(h.core.TakeDropOrder());
  REQUIRE(h.core.TakeConnectOrder().has_value());
  h.core.OnTransportConnected(h.now);
  (void)h.core.TakeOutput();
  std::optional<zk::Error> e;
  h.Submit(&e);
  h.Feed(ConnectResponse(0, 0));
  CHECK(h.core.state() == zk::SessionState::kExpired);
  CHECK(e == zk::Error::kSessionExpired);
  CHECK(h.core.Submit(Request{}).code() == zk::Error::kSessionExpired);
}

TEST_CASE("pings at a third, loss at two thirds of the negotiated timeout", "[session][timers]") {
  Harness h;
  h.Connect();
  CHECK(h.core.NextDeadline() == h.now + 1000ms);
  h.now += 1000ms;
  h.core.OnTimer(h.now);
  std::string ping = h.core.TakeOutput();
  CHECK(ping == std::string("\0\0\0\x08\xff\xff\xff\xfe\0\0\0\x0b", 12));
  h.now += 1000ms;
  h.core.OnTimer(h.now);
  CHECK(h.core.TakeDropOrder());
  CHECK(h.Logged("nothing heard for 2000 ms"));
}

TEST_CASE("reconnect sends the same session id, password and last zxid", "[session]") {
  Harness h;
  h.Connect(0xabc);
  std::optional<zk::Error> e;
  h.Submit(&e);
  (void)h.core.TakeOutput();
  h.Feed(ServerReply(1, 0x99, 0));
  h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
  REQUIRE(h.core.TakeConnectOrder().has_value());
  h.core.OnTransportConnected(h.now);
  std::string hello = h.core.TakeOutput();
  zk::wire::Reader r(std::string_view(hello).substr(4));
  int32_t proto, timeout;
  int64_t zxid, sid;
  std::string pw;
  r.Int(&proto);
  r.Long(&zxid);
  r.Int(&timeout);
  r.Long(&sid);
  r.Buffer(&pw);
  REQUIRE(r.ok());
  CHECK(zxid == 0x99);
  CHECK(sid == 0xabc);
  CHECK(pw == std::string(16, 'p'));
  CHECK(timeout == 3000);
}

namespace {

// Splits a client byte stream into (xid, op) of each request frame.
std::vector<std::pair<int32_t, int32_t>> Requests(const std::string& bytes) {
  std::vector<std::pair<int32_t, int32_t>> out;
  std::string_view rest(bytes);
  while (rest.size() >= 4) {
    int32_t len = 0, xid = 0, op = 0;
    zk::wire::Reader r(rest);
    r.Int(&len);
    if (len < 8 || static_cast<size_t>(len) > rest.size() - 4) break;
    r.Int(&xid);
    r.Int(&op);
    out.emplace_back(xid, op);
    rest.remove_prefix(4 + static_cast<size_t>(len));
  }
  return out;
}

}  // namespace

TEST_CASE("local expiry: no server heard for the session timeout ends the session",
          "[session][expiry]") {
  Harness h;
  h.Connect();
  std::optional<zk::Error> inflight, queued;
  h.Submit(&inflight);
  TimePoint heard = h.now;
  h.now += 500ms;
  h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
  h.core.RunCallbacks();
  CHECK(inflight == zk::Error::kConnectionLoss);
  h.Submit(&queued);
  // Connection attempts fail or hang; the deadline is the last byte heard + timeout.
  for (int i = 0; i < 3; ++i) {
    REQUIRE(h.core.TakeConnectOrder().has_value());
    h.core.OnTransportConnected(h.now);  // TCP up, but the server never answers
    CHECK(h.core.NextDeadline() <= heard + 3000ms);
    h.now += 400ms;
    h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
  }
  CHECK(h.core.state() == zk::SessionState::kDisconnected);
  CHECK(h.core.NextDeadline() == heard + 3000ms);
  h.core.OnTimer(heard + 2999ms);
  CHECK(h.core.state() == zk::SessionState::kDisconnected);
  h.now = heard + 3000ms;
  h.core.OnTimer(h.now);
  h.core.RunCallbacks();
  CHECK(h.core.state() == zk::SessionState::kExpired);
  CHECK(queued == zk::Error::kSessionExpired);
  CHECK(h.core.TakeDropOrder());
  CHECK_FALSE(h.core.TakeConnectOrder().has_value());
  CHECK(h.Logged("expired locally"));
  h.core.OnTimer(h.now + 10s);
  h.core.RunCallbacks();
  CHECK(std::count(h.states.begin(), h.states.end(), zk::SessionState::kExpired) == 1);
  CHECK(h.core.NextDeadline() == TimePoint::max());
  CHECK(h.core.Submit(Request{}).code() == zk::Error::kSessionExpired);
}

TEST_CASE("local expiry off, or no read-write session yet: the session waits",
          "[session][expiry]") {
  SessionConfig off{3000ms, false, "", 3, 500ms};
  off.local_expiry = false;
  Harness h(off);
  h.Connect();
  h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
  h.now += 60s;
  h.core.OnTimer(h.now);
  CHECK(h.core.state() == zk::SessionState::kDisconnected);
  CHECK(h.core.NextDeadline() == TimePoint::max());

  SessionConfig ro{3000ms, true, "", 3, 500ms};
  Harness r(ro);
  r.Connect(0x77, /*ro=*/true);  // a read-only server's session: the quorum never saw it
  r.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), r.now);
  r.now += 60s;
  r.core.OnTimer(r.now);
  CHECK(r.core.state() == zk::SessionState::kDisconnected);
}

TEST_CASE("read-only: probes other servers with isro, backing off, then moves to a rw one",
          "[session][readonly]") {
  SessionConfig cfg{3000ms, true, "", 3, 500ms};
  Harness h(cfg);
  h.Connect(0x77, /*ro=*/true);
  zk::HostPort ro_host = *h.core.current_host();
  CHECK(h.core.NextDeadline() == h.now + 100ms);
  // Runs the timer until the core orders a probe (pings are answered).
  auto next_probe = [&h]() {
    for (int i = 0; i < 100; ++i) {
      h.now = h.core.NextDeadline();
      h.core.OnTimer(h.now);
      if (!h.core.TakeOutput().empty()) h.Feed(ServerReply(-2, 0, 0));
      if (auto p = h.core.TakeProbeOrder()) return p;
    }
    return std::optional<SessionCore::ProbeOrder>();
  };
  std::vector<zk::HostPort> asked;
  std::vector<TimePoint> at;
  for (int i = 0; i < 5; ++i) {
    auto p = next_probe();
    REQUIRE(p.has_value());
    CHECK_FALSE(p->host == ro_host);
    CHECK(p->timeout == 1000ms);
    asked.push_back(p->host);
    at.push_back(h.now);
    h.core.OnProbeReply(p->host, i % 2 == 0 ? "ro" : "null", h.now + 5ms);
    CHECK(h.core.state() == zk::SessionState::kConnectedReadOnly);
    CHECK_FALSE(h.core.TakeDropOrder());
  }
  // 100 ms after the connect, then the interval doubles: 200, 400, 800, 1600.
  CHECK(at[0] == TimePoint(1000s) + 100ms);
  for (size_t i = 1; i < at.size(); ++i) CHECK(at[i] - at[i - 1] == Millis(100 << i));
  // Both other servers were asked, in turn.
  CHECK_FALSE(asked[0] == asked[1]);
  CHECK(asked[0] == asked[2]);
  CHECK(h.core.rw_probes() == 5);

  // A probe that never answers is abandoned (the adapter closes it).
  auto slow = next_probe();
  REQUIRE(slow.has_value());
  TimePoint slow_at = h.now;
  bool cancelled = false;
  while (!cancelled && h.now < slow_at + 5s) {
    h.now = h.core.NextDeadline();
    h.core.OnTimer(h.now);
    if (!h.core.TakeOutput().empty()) h.Feed(ServerReply(-2, 0, 0));
    cancelled = h.core.TakeProbeCancel();
  }
  CHECK(cancelled);
  CHECK(h.now == slow_at + 2000ms);
  h.core.OnProbeReply(slow->host, "rw", h.now);  // too late: ignored
  CHECK(h.core.state() == zk::SessionState::kConnectedReadOnly);
  CHECK_FALSE(h.core.TakeDropOrder());

  // "rw": the session leaves for that server at once.
  auto p = next_probe();
  REQUIRE(p.has_value());
  h.core.OnProbeReply(p->host, "rw", h.now);
  h.core.RunCallbacks();
  CHECK(h.core.TakeDropOrder());
  auto order = h.core.TakeConnectOrder();
  REQUIRE(order.has_value());
  CHECK(order->host == p->host);
  CHECK(order->delay == 0ms);
  CHECK(h.core.state() == zk::SessionState::kDisconnected);
  CHECK(h.Logged("is read-write"));
  // Never connected to a read-write server: it asks for a new session and
  // takes the id the quorum gives.
  h.core.OnTransportConnected(h.now);
  std::string hello = h.core.TakeOutput();
  CHECK(Harness::HandshakeSessionId(hello) == 0);
  h.Feed(ConnectResponse(3000, 0x5151));
  CHECK(h.core.state() == zk::SessionState::kConnected);
  CHECK(h.core.session_id() == 0x5151);
  CHECK(*h.core.current_host() == p->host);
  // No more probing once read-write.
  h.now += 900ms;
  h.core.OnTimer(h.now);
  CHECK_FALSE(h.core.TakeProbeOrder().has_value());
}

TEST_CASE("read-only after read-write keeps the session id; leaving read-only cancels a probe",
          "[session][readonly]") {
  SessionConfig cfg{3000ms, true, "", 3, 500ms};
  Harness h(cfg);
  h.Connect(0x99);
  h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
  REQUIRE(h.core.TakeConnectOrder().has_value());
  h.core.OnTransportConnected(h.now);
  CHECK(Harness::HandshakeSessionId(h.core.TakeOutput()) == 0x99);
  h.Feed(ConnectResponse(3000, 0x99, /*ro=*/true));
  CHECK(h.core.state() == zk::SessionState::kConnectedReadOnly);
  h.now += 100ms;
  h.core.OnTimer(h.now);
  REQUIRE(h.core.TakeProbeOrder().has_value());
  h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
  CHECK(h.core.TakeProbeCancel());
  REQUIRE(h.core.TakeConnectOrder().has_value());
  h.core.OnTransportConnected(h.now);
  CHECK(Harness::HandshakeSessionId(h.core.TakeOutput()) == 0x99);
  // A different id after a read-write connection: the session is gone.
  h.Feed(ConnectResponse(3000, 0x1234));
  CHECK(h.core.state() == zk::SessionState::kExpired);
}

TEST_CASE("many watches go back in several SetWatches packets after a reconnect",
          "[session][watch]") {
  SessionConfig cfg{3000ms, false, "", 5000, 500ms};
  cfg.set_watches_max_bytes = 1000;
  Harness h(cfg);
  h.Connect();
  // 100 data watches and 5 persistent ones, paths of 100 bytes.
  for (int i = 0; i < 105; ++i) {
    Request r;
    r.op = i < 100 ? 4 : 106;
    r.body = "x";
    r.watch_on = i < 100 ? WatchOn::kOkData : WatchOn::kOkPersistent;
    r.watch_path = fmt::format("/{:099d}", i);
    r.watcher = [](const zk::WatchEvent&) {};
    REQUIRE(h.core.Submit(std::move(r)).ok());
    h.Feed(ServerReply(i + 1, 10 + i, 0));
  }
  (void)h.core.TakeOutput();
  REQUIRE(h.core.watches().Count() == 105);
  h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
  REQUIRE(h.core.TakeConnectOrder().has_value());
  h.core.OnTransportConnected(h.now);
  (void)h.core.TakeOutput();
  h.Feed(ConnectResponse(3000, 0x1234));
  auto reqs = Requests(h.core.TakeOutput());
  // 10 paths of 100 bytes per packet: 11 packets, the last one SetWatches2.
  REQUIRE(reqs.size() == 11);
  for (size_t i = 0; i < reqs.size(); ++i) {
    CHECK(reqs[i].first == -8);
    CHECK(reqs[i].second == (i + 1 < reqs.size() ? 101 : 105));
  }
  CHECK(h.core.set_watches_packets() == 11);
  // Every packet is answered with xid -8; nothing else is expected.
  for (size_t i = 0; i < reqs.size(); ++i) h.Feed(ServerReply(-8, 0, 0));
  CHECK(h.core.state() == zk::SessionState::kConnected);
  CHECK_FALSE(h.core.TakeDropOrder());
}

TEST_CASE(
    "a read-only server's refusal of a new session (bare ZNOTREADONLY header) drops with its "
    "reason",
    "[session][bad-input][readonly]") {
  SessionConfig cfg{3000ms, true, "", 3, 500ms};
  Harness h(cfg);
  h.core.Start(h.now);
  REQUIRE(h.core.TakeConnectOrder().has_value());
  h.core.OnTransportConnected(h.now);
  (void)h.core.TakeOutput();
  // Captured from ZooKeeper 3.8.0 (readonlymode.enabled, local sessions off):
  // 00000010 | 00000000 0000000100000000 ffffff89
  h.Feed(ServerReply(0, 0x100000000, -119));
  CHECK(h.Logged("refused a new session (ZNOTREADONLY"));
  CHECK(h.core.TakeDropOrder());
  CHECK(h.core.TakeConnectOrder().has_value());
  CHECK(h.core.state() == zk::SessionState::kConnecting);
}

namespace {

std::string Notification(int32_t type, int32_t state, const std::string& path) {
  std::string body;
  zk::wire::Writer w(&body);
  w.Int(type);
  w.Int(state);
  w.String(path);
  return ServerReply(-1, -1, 0, body);
}

}  // namespace

TEST_CASE("frames split anywhere or packed together decode the same", "[session][bad-input]") {
  Harness h;
  h.Connect();
  std::vector<zk::Error> done;
  for (int i = 0; i < 3; ++i) {
    Request r;
    r.op = 3;
    r.body = "x";
    r.done = [&done](const Reply& rep) { done.push_back(rep.err); };
    REQUIRE(h.core.Submit(std::move(r)).ok());
  }
  std::string all = ServerReply(1, 5, 0) + ServerReply(2, 6, -101) + ServerReply(3, 7, 0, "body");
  // One byte at a time for the first reply, the rest in one chunk.
  size_t first = ServerReply(1, 5, 0).size();
  for (size_t i = 0; i < first; ++i) h.Feed(all.substr(i, 1));
  CHECK(done.size() == 1);
  h.Feed(all.substr(first));
  REQUIRE(done.size() == 3);
  CHECK(done[0] == zk::Error::kOk);
  CHECK(done[1] == zk::Error::kNoNode);
  CHECK(done[2] == zk::Error::kOk);
  CHECK(h.core.last_zxid() == 7);
  CHECK_FALSE(h.core.TakeDropOrder());
}

TEST_CASE("malformed or unknown notifications are ignored; the connection stays",
          "[session][bad-input]") {
  Harness h;
  h.Connect();
  int fired = 0;
  Request r;
  r.op = 4;
  r.body = "x";
  r.watch_on = WatchOn::kOkData;
  r.watch_path = "/w";
  r.watcher = [&fired](const zk::WatchEvent&) { ++fired; };
  REQUIRE(h.core.Submit(std::move(r)).ok());
  h.Feed(ServerReply(1, 5, 0));
  h.Feed(ServerReply(-1, -1, 0, "\x00\x00"));  // truncated WatcherEvent
  h.Feed(Notification(99, 3, "/w"));           // unknown event type
  h.Feed(Notification(0, 3, "/w"));            // type None is not a node event
  h.Feed(ServerReply(-2, 0, 0));               // a ping reply
  h.Feed(ServerReply(-8, 0, -101));            // a refused SetWatches: logged only
  CHECK(h.Logged("malformed notification"));
  CHECK(h.Logged("unknown type 99"));
  CHECK(h.Logged("SetWatches refused"));
  CHECK(fired == 0);
  CHECK_FALSE(h.core.TakeDropOrder());
  CHECK(h.core.state() == zk::SessionState::kConnected);
  h.Feed(Notification(3, 3, "/w"));  // NodeDataChanged
  CHECK(fired == 1);
  h.Feed(Notification(3, 3, "/w"));  // one-shot: gone
  CHECK(fired == 1);
}

TEST_CASE("an empty frame drops; bytes of a dropped connection are ignored",
          "[session][bad-input]") {
  Harness h;
  h.Connect();
  std::optional<zk::Error> e;
  h.Submit(&e);
  h.Feed(Frame(""));
  CHECK(h.Logged("bad reply header"));
  h.ExpectDropAndReconnect();
  CHECK(e == zk::Error::kConnectionLoss);
  // Late bytes of the old connection, before the new one is up: ignored.
  h.Feed(ServerReply(1, 9, 0));
  CHECK(h.core.last_zxid() == 0);
  CHECK_FALSE(h.core.TakeDropOrder());
  // A ConnectResponse-sized garbage frame during the handshake drops again.
  h.core.OnTransportConnected(h.now);
  (void)h.core.TakeOutput();
  h.Feed(std::string("\x00\x00\x00\x05hello", 9));
  CHECK(h.core.TakeDropOrder());
}

TEST_CASE("seeded random bytes never crash the core and every request completes once",
          "[session][bad-input]") {
  const uint64_t seed = 20261122;
  INFO("seed " << seed);
  WARN("random-bytes seed " << seed);
  zk::SplitMix64 rnd(seed);
  for (int round = 0; round < 200; ++round) {
    Harness h;
    h.Connect();
    std::vector<int> completions(8, 0);
    for (int i = 0; i < 8; ++i) {
      Request r;
      r.op = 4;
      r.body = "x";
      r.watch_on = WatchOn::kOkData;
      r.watch_path = "/p" + std::to_string(i);
      r.watcher = [](const zk::WatchEvent&) {};
      r.done = [&completions, i](const Reply&) { ++completions[static_cast<size_t>(i)]; };
      REQUIRE(h.core.Submit(std::move(r)).ok());
    }
    // Valid replies interleaved with random frames and random raw bytes.
    for (int k = 0; k < 20; ++k) {
      std::string chunk;
      switch (rnd.Below(4)) {
        case 0:
          chunk = ServerReply(static_cast<int32_t>(rnd.Below(10)) - 2, 1, 0);
          break;
        case 1:
          chunk = Notification(static_cast<int32_t>(rnd.Below(8)), 3, "/p1");
          break;
        case 2: {
          std::string junk(rnd.Below(40), '\0');
          for (char& c : junk) c = static_cast<char>(rnd.Below(256));
          chunk = rnd.Below(2) ? Frame(junk) : junk;
          break;
        }
        default:
          chunk = ServerReply(static_cast<int32_t>(rnd.Below(12)), 2,
                              -static_cast<int32_t>(rnd.Below(130)));
          break;
      }
      h.Feed(chunk);
      if (h.core.TakeDropOrder() || h.core.state() == zk::SessionState::kDisconnected) {
        if (h.core.TakeConnectOrder()) {
          h.core.OnTransportConnected(h.now);
          (void)h.core.TakeOutput();
          h.Feed(ConnectResponse(3000, 0x1234));
        }
      }
      h.now += 10ms;
      h.core.OnTimer(h.now);
    }
    h.core.Close(h.now);
    h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
    h.core.RunCallbacks();
    INFO("round " << round);
    REQUIRE(h.core.terminal());
    for (int n : completions) CHECK(n == 1);
  }
}

TEST_CASE("a notification for a relative path is delivered without hanging (fuzz regression)",
          "[session][bad-input]") {
  Harness h;
  h.Connect();
  h.Feed(Notification(3, 3, "1x"));
  h.Feed(Notification(2, 3, "no/slash"));
  CHECK(h.core.state() == zk::SessionState::kConnected);
  CHECK_FALSE(h.core.TakeDropOrder());
}

// ---------------------------------------------------------------- issue 12, item 8

namespace {

SessionConfig Item8Config() {
  SessionConfig c{3000ms, false, "", 3, 500ms};
  c.request_timeout = 1000ms;
  return c;
}

// A request with a body of `size` bytes (frame: 4 + 8 + size) whose
// completions are counted in *calls, the last error in *err.
Request CountedRequest(std::optional<zk::Error>* err, int* calls, size_t size = 1) {
  Request r;
  r.op = 4;
  r.body = std::string(size, 'b');
  r.done = [err, calls](const Reply& rep) {
    err->emplace(rep.err);
    ++*calls;
  };
  return r;
}

}  // namespace

TEST_CASE(
    "per-request timeout: an unanswered request completes once with ZOPERATIONTIMEOUT and "
    "its late reply is dropped",
    "[session][request-timeout]") {
  Harness h(Item8Config());
  h.Connect();
  TimePoint t0 = h.now;
  std::optional<zk::Error> a, b;
  int a_calls = 0, b_calls = 0;
  Request ra = CountedRequest(&a, &a_calls);
  ra.watch_on = WatchOn::kOkData;
  ra.watch_path = "/a";
  ra.watcher = [](const zk::WatchEvent&) {};
  REQUIRE(h.core.Submit(std::move(ra), t0).ok());
  (void)h.core.TakeOutput();
  CHECK(h.core.NextDeadline() <= t0 + 1000ms);
  h.now = t0 + 999ms;
  h.core.OnTimer(h.now);
  h.core.RunCallbacks();
  CHECK_FALSE(a.has_value());
  h.now = t0 + 1000ms;
  h.core.OnTimer(h.now);
  h.core.RunCallbacks();
  REQUIRE(a.has_value());
  CHECK(*a == zk::Error::kOperationTimeout);
  CHECK(a_calls == 1);
  CHECK(h.core.state() == zk::SessionState::kConnected);  // the connection stays
  // The late reply (in order) is consumed without a callback and without
  // registering the timed-out request's watcher; the next request works.
  REQUIRE(h.core.Submit(CountedRequest(&b, &b_calls), h.now).ok());
  h.Feed(ServerReply(1, 0x70, 0));
  CHECK_FALSE(h.core.TakeDropOrder());
  CHECK(a_calls == 1);
  CHECK(*a == zk::Error::kOperationTimeout);
  CHECK(h.core.watches().Empty());
  CHECK(h.core.last_zxid() == 0x70);
  h.Feed(ServerReply(2, 0x71, 0));
  REQUIRE(b.has_value());
  CHECK(*b == zk::Error::kOk);
  CHECK(b_calls == 1);
  CHECK(h.core.pending_count() == 0);
}

TEST_CASE("per-request timeout: a request waiting for a connection times out; 0 means none",
          "[session][request-timeout]") {
  SECTION("timeout set") {
    Harness h(Item8Config());
    h.core.Start(h.now);
    std::optional<zk::Error> a;
    int calls = 0;
    REQUIRE(h.core.Submit(CountedRequest(&a, &calls), h.now).ok());
    CHECK(h.core.queued_count() == 1);
    h.now += 1000ms;
    h.core.OnTimer(h.now);
    h.core.RunCallbacks();
    REQUIRE(a.has_value());
    CHECK(*a == zk::Error::kOperationTimeout);
    CHECK(h.core.queued_count() == 0);
    // A drop later does not complete it again.
    h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "x"), h.now);
    h.core.RunCallbacks();
    CHECK(calls == 1);
  }
  SECTION("no timeout (default)") {
    Harness h;
    h.Connect();
    std::optional<zk::Error> a;
    int calls = 0;
    REQUIRE(h.core.Submit(CountedRequest(&a, &calls), h.now).ok());
    h.now += 1900ms;
    h.Feed(ServerReply(-2, 0, 0));  // a ping reply keeps the connection
    h.core.OnTimer(h.now);
    h.core.RunCallbacks();
    CHECK_FALSE(a.has_value());
  }
}

TEST_CASE(
    "write-side backpressure: requests in flight are bounded, more wait, beyond the queue "
    "ZTHROTTLEDOP",
    "[session][backpressure]") {
  SessionConfig cfg{3000ms, false, "", 3, 500ms};
  cfg.max_in_flight_requests = 2;
  Harness h(cfg);
  h.Connect();
  std::vector<std::optional<zk::Error>> e(6);
  std::vector<int> calls(6, 0);
  for (int i = 0; i < 5; ++i) REQUIRE(h.core.Submit(CountedRequest(&e[i], &calls[i]), h.now).ok());
  CHECK(h.core.TakeOutput().size() == 2 * (4 + 8 + 1));
  CHECK(h.core.pending_count() == 2);
  CHECK(h.core.queued_count() == 3);
  zk::Status s = h.core.Submit(CountedRequest(&e[5], &calls[5]), h.now);
  CHECK(s.code() == zk::Error::kThrottledOp);
  CHECK(s.message().find("in flight") != std::string::npos);
  // Each reply lets one more out, in order.
  h.Feed(ServerReply(1, 1, 0));
  CHECK(h.core.TakeOutput().size() == 4 + 8 + 1);
  CHECK(h.core.pending_count() == 2);
  CHECK(h.core.queued_count() == 2);
  for (int xid = 2; xid <= 5; ++xid) h.Feed(ServerReply(xid, xid, 0));
  for (int i = 0; i < 5; ++i) {
    CHECK(calls[i] == 1);
    CHECK(e[i] == zk::Error::kOk);
  }
  CHECK(calls[5] == 0);
}

TEST_CASE("write-side backpressure: bytes in flight and queued bytes are bounded",
          "[session][backpressure]") {
  SessionConfig cfg{3000ms, false, "", 100, 500ms};
  cfg.max_in_flight_bytes = 100;
  cfg.max_queued_bytes = 120;
  Harness h(cfg);
  h.Connect();
  std::vector<std::optional<zk::Error>> e(8);
  std::vector<int> calls(8, 0);
  // 52-byte frames: one fits, a second would make 104 > 100.
  REQUIRE(h.core.Submit(CountedRequest(&e[0], &calls[0], 40), h.now).ok());
  REQUIRE(h.core.Submit(CountedRequest(&e[1], &calls[1], 40), h.now).ok());
  CHECK(h.core.pending_count() == 1);
  CHECK(h.core.queued_count() == 1);
  REQUIRE(h.core.Submit(CountedRequest(&e[2], &calls[2], 40), h.now).ok());
  // 3 × 52 queued would exceed 120 bytes.
  zk::Status s = h.core.Submit(CountedRequest(&e[3], &calls[3], 40), h.now);
  CHECK(s.code() == zk::Error::kThrottledOp);
  CHECK(s.message().find("bytes") != std::string::npos);
  h.Feed(ServerReply(1, 1, 0));
  h.Feed(ServerReply(2, 2, 0));
  h.Feed(ServerReply(3, 3, 0));
  CHECK(calls[0] + calls[1] + calls[2] == 3);
  // A request larger than the bound goes out alone when nothing is in flight.
  REQUIRE(h.core.Submit(CountedRequest(&e[4], &calls[4], 500), h.now).ok());
  CHECK(h.core.pending_count() == 1);
  REQUIRE(h.core.Submit(CountedRequest(&e[5], &calls[5], 10), h.now).ok());
  CHECK(h.core.queued_count() == 1);
  h.Feed(ServerReply(4, 4, 0));
  CHECK(h.core.pending_count() == 1);
  CHECK(h.core.queued_count() == 0);
  h.Feed(ServerReply(5, 5, 0));
  CHECK(calls[4] == 1);
  CHECK(calls[5] == 1);
}


namespace {

// One watch of each table (data, exist, child, persistent, recursive; two on
// /a) registered through replies; every event lands in *events as
// "<name> <type> <state> <path>".
void AddEveryKindOfWatch(Harness& h, std::vector<std::string>* events) {
  struct W {
    const char* name;
    int32_t op;
    WatchOn on;
    const char* path;
    int32_t err;
  };
  const W ws[] = {{"data", 4, WatchOn::kOkData, "/a", 0},
                  {"exist", 3, WatchOn::kExists, "/missing", -101},
                  {"child", 12, WatchOn::kOkChild, "/a", 0},
                  {"persistent", 106, WatchOn::kOkPersistent, "/p", 0},
                  {"recursive", 106, WatchOn::kOkRecursive, "/", 0}};
  int32_t xid = 0;
  for (const W& w : ws) {
    Request r;
    r.op = w.op;
    r.body = "x";
    r.watch_on = w.on;
    r.watch_path = w.path;
    r.watcher = [events, name = std::string(w.name)](const zk::WatchEvent& e) {
      events->push_back(fmt::format("{} {} {} {}", name, static_cast<int>(e.type),
                                    zk::SessionStateName(e.state), e.path));
    };
    REQUIRE(h.core.Submit(std::move(r)).ok());
    ++xid;
    h.Feed(ServerReply(xid, 10 + xid, w.err));
  }
  (void)h.core.TakeOutput();
  REQUIRE(h.core.watches().Count() == 5);
}

// Each of the five watches told once, with type None (-1), the state and no path.
void CheckToldOnce(const std::vector<std::string>& events, const char* state) {
  REQUIRE(events.size() == 5);
  for (const char* name : {"data", "exist", "child", "persistent", "recursive"}) {
    INFO(name);
    CHECK(std::count(events.begin(), events.end(), fmt::format("{} -1 {} ", name, state)) == 1);
  }
}

}  // namespace

TEST_CASE("session events: the session's end tells every watch once and empties the registry",
          "[session][watch][session-events]") {
  for (auto end :
       {zk::SessionState::kExpired, zk::SessionState::kClosed, zk::SessionState::kAuthFailed}) {
    DYNAMIC_SECTION(zk::SessionStateName(end)) {
      Harness h;
      h.Connect();
      std::vector<std::string> events;
      AddEveryKindOfWatch(h, &events);
      // The session watcher is told after the watches (its call may release
      // the Client owning internal watchers).
      size_t events_before_state = 0;
      h.core.SetSessionWatcher([&](zk::SessionState s) {
        if (s == end) events_before_state = events.size();
        h.states.push_back(s);
      });
      if (end == zk::SessionState::kExpired) {
        h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
        h.core.RunCallbacks();
        CHECK(events.empty());  // a disconnect is not the session's end
        REQUIRE(h.core.TakeConnectOrder().has_value());
        h.core.OnTransportConnected(h.now);
        (void)h.core.TakeOutput();
        h.Feed(ConnectResponse(0, 0));
      } else if (end == zk::SessionState::kClosed) {
        h.core.Close(h.now);
        auto reqs = Requests(h.core.TakeOutput());
        REQUIRE(reqs.size() == 1);
        h.Feed(ServerReply(reqs[0].first, 99, 0));
      } else {
        REQUIRE(h.core.AddAuth("digest", "u:p", [](const zk::Status&) {}).ok());
        (void)h.core.TakeOutput();
        h.Feed(ServerReply(kXidAuth, 0, -115));
      }
      REQUIRE(h.core.state() == end);
      CheckToldOnce(events, std::string(zk::SessionStateName(end)).c_str());
      CHECK(events_before_state == 5);
      CHECK(h.core.watches().Count() == 0);
      // Nothing twice: later calls and a late notification tell nobody.
      h.core.Close(h.now);
      h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
      h.core.OnTimer(h.now + 60s);
      h.core.RunCallbacks();
      CHECK(events.size() == 5);
      CHECK(std::count(h.states.begin(), h.states.end(), end) == 1);
    }
  }
}

TEST_CASE("session events: local expiry tells every watch once",
          "[session][watch][session-events]") {
  Harness h;
  h.Connect();
  std::vector<std::string> events;
  AddEveryKindOfWatch(h, &events);
  h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
  h.now += 3000ms;
  h.core.OnTimer(h.now);
  h.core.RunCallbacks();
  REQUIRE(h.core.state() == zk::SessionState::kExpired);
  CheckToldOnce(events, "Expired");
  CHECK(h.core.watches().Count() == 0);
}

TEST_CASE("reattach: the first handshake carries the given session id and password",
          "[session][reattach]") {
  SessionConfig cfg{3000ms, false, "", 3, 500ms};
  cfg.session_id = 0x7700000000000042;
  cfg.session_password = "0123456789abcdef";
  Harness h(cfg);
  CHECK(h.core.session_id() == cfg.session_id);
  CHECK(h.core.password() == cfg.session_password);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt == 0) {
      h.core.Start(h.now);
    } else {
      // A connection that ended before the handshake: the next one asks again.
      h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), h.now);
    }
    REQUIRE(h.core.TakeConnectOrder().has_value());
    h.core.OnTransportConnected(h.now);
    std::string hello = h.core.TakeOutput();
    zk::wire::Reader r(std::string_view(hello).substr(4));
    int32_t proto = 0, timeout = 0;
    int64_t zxid = 0, sid = 0;
    std::string pw;
    r.Int(&proto);
    r.Long(&zxid);
    r.Int(&timeout);
    r.Long(&sid);
    r.Buffer(&pw);
    REQUIRE(r.ok());
    CHECK(sid == cfg.session_id);
    CHECK(pw == cfg.session_password);
  }
  h.Feed(ConnectResponse(3000, cfg.session_id));
  CHECK(h.core.state() == zk::SessionState::kConnected);
  CHECK(h.core.session_id() == cfg.session_id);
  CHECK(h.core.password() == std::string(16, 'p'));  // as the server sent it
  CHECK_FALSE(h.Logged("expired"));
}

TEST_CASE("reattach: a refused session or password ends in Expired with the reason logged",
          "[session][reattach]") {
  SessionConfig cfg{3000ms, false, "", 3, 500ms};
  cfg.session_id = 0x42;
  cfg.session_password = std::string(16, 'x');
  Harness h(cfg);
  h.core.Start(h.now);
  REQUIRE(h.core.TakeConnectOrder().has_value());
  h.core.OnTransportConnected(h.now);
  (void)h.core.TakeOutput();
  std::optional<zk::Error> queued;
  h.Submit(&queued);
  h.Feed(ConnectResponse(0, 0));  // ZooKeeper's answer to both
  CHECK(h.core.state() == zk::SessionState::kExpired);
  CHECK(queued == zk::Error::kSessionExpired);
  CHECK(h.states == std::vector<zk::SessionState>{zk::SessionState::kExpired});
  CHECK(h.Logged("session 0x42 expired: server 10.0.0."));
  CHECK(h.Logged("refused to reattach it"));
  CHECK(h.Logged("or the password is wrong"));
  CHECK(h.core.TakeDropOrder());
  CHECK_FALSE(h.core.TakeConnectOrder().has_value());
}

TEST_CASE("TLS refusals from every server end the session AuthFailed", "[session][tls]") {
  Harness h;
  std::optional<zk::Error> e;
  h.Submit(&e);
  h.core.Start(h.now);
  std::set<std::string> refused;
  for (int i = 0; i < 50 && h.core.state() != zk::SessionState::kAuthFailed; ++i) {
    auto order = h.core.TakeConnectOrder();
    REQUIRE(order.has_value());
    refused.insert(order->host.ToString());
    h.core.OnTransportClosed(zk::Status(zk::Error::kAuthFailed, "TLS certificate untrusted: x"),
                             h.now);
    h.core.RunCallbacks();
  }
  CHECK(h.core.state() == zk::SessionState::kAuthFailed);
  CHECK(refused.size() == 3);  // not before every server refused
  REQUIRE(!h.states.empty());
  CHECK(h.states.back() == zk::SessionState::kAuthFailed);
  REQUIRE(e.has_value());
  CHECK(*e == zk::Error::kAuthFailed);
  CHECK(h.Logged("every server refused the TLS connection"));
}

TEST_CASE("one server refusing TLS among reachable ones never ends the session", "[session][tls]") {
  Harness h;
  h.core.Start(h.now);
  int attempts = 0;
  for (; attempts < 60 && h.core.state() != zk::SessionState::kConnected; ++attempts) {
    auto order = h.core.TakeConnectOrder();
    REQUIRE(order.has_value());
    if (order->host.host == "10.0.0.1") {
      h.core.OnTransportClosed(zk::Status(zk::Error::kAuthFailed, "TLS host name mismatch: x"),
                               h.now);
    } else if (attempts < 20) {
      h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "connect: refused"), h.now);
    } else {
      h.core.OnTransportConnected(h.now);
      (void)h.core.TakeOutput();
      h.Feed(ConnectResponse(3000, 0x77, false));
    }
    h.core.RunCallbacks();
    REQUIRE(h.core.state() != zk::SessionState::kAuthFailed);
  }
  CHECK(h.core.state() == zk::SessionState::kConnected);
}
