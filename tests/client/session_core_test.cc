// The session core driven with bytes and times only (no sockets): bad input
// drops the connection with a logged reason and the session reconnects.
#include "session_core.h"

#include <catch2/catch.hpp>

#include "zk/wire/jute.h"

using namespace zk::client_internal;
using namespace std::chrono_literals;

namespace {

std::string Frame(const std::string& payload) {
  std::string out;
  zk::wire::Writer w(&out);
  w.Int(static_cast<int32_t>(payload.size()));
  w.Raw(payload);
  return out;
}

std::string ConnectResponse(int32_t timeout, int64_t sid, bool ro = false) {
  std::string p;
  zk::wire::Writer w(&p);
  w.Int(0);
  w.Int(timeout);
  w.Long(sid);
  w.Buffer(std::string(16, 'p'));
  w.Bool(ro);
  return Frame(p);
}

std::string ServerReply(int32_t xid, int64_t zxid, int32_t err, const std::string& body = {}) {
  std::string p;
  zk::wire::Writer w(&p);
  w.Int(xid);
  w.Long(zxid);
  w.Int(err);
  w.Raw(body);
  return Frame(p);
}

struct Harness {
  std::vector<std::string> logs;
  std::vector<zk::SessionState> states;
  TimePoint now = TimePoint(1000s);
  SessionCore core;

  Harness()
      : core(SessionConfig{3000ms, false, "", 3, 500ms},
             zk::HostProvider::Create({{"10.0.0.1", 1}, {"10.0.0.2", 2}}, zk::ProviderOptions{}, 7)
                 .value(),
             std::make_shared<zk::Logger>(
                 [this](zk::LogLevel, std::string_view l) { logs.emplace_back(l); },
                 zk::LogLevel::kDebug)) {
    core.SetSessionWatcher([this](zk::SessionState s) { states.push_back(s); });
  }

  void Connect(int64_t sid = 0x1234) {
    core.Start(now);
    REQUIRE(core.TakeConnectOrder().has_value());
    core.OnTransportConnected(now);
    std::string hello = core.TakeOutput();
    REQUIRE(hello.size() == 4 + 45);
    Feed(ConnectResponse(3000, sid));
    REQUIRE(core.state() == zk::SessionState::kConnected);
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
