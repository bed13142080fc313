// The SASL exchange in the session core, driven with a scripted fake
// mechanism and bytes (no sockets, no Cyrus): the exchange comes right after
// the ConnectResponse, requests wait behind it, a refusal is AuthFailed for
// the session watcher, every watch and every request, and each reconnect
// repeats it.
#include <catch2/catch.hpp>
#include <deque>

#include "core_bytes.h"
#include "session_core.h"
#include "zk/hostprovider/random_source.h"
#include "zk/wire/jute.h"

using namespace zk::client_internal;
using namespace std::chrono_literals;

namespace {

using zk::test::ConnectResponse;
using zk::test::Frame;
using zk::test::ServerReply;

// A reply header and a SetSASLResponse (nullopt: a null token, as the server
// sends with a refusal).
std::string SaslReply(int32_t xid, int32_t err, std::optional<std::string> token) {
  std::string body;
  zk::wire::Writer w(&body);
  w.NullableBuffer(token);
  return ServerReply(xid, 0, err, body);
}

std::string PlainReply(int32_t xid, int32_t err) { return ServerReply(xid, 7, err); }

struct SentFrame {
  int32_t xid = 0;
  int32_t op = 0;
  std::string body;
};

// Splits the client's output (after the handshake) into request frames.
std::vector<SentFrame> Frames(const std::string& out) {
  std::vector<SentFrame> v;
  size_t at = 0;
  while (at < out.size()) {
    zk::wire::Reader r(std::string_view(out).substr(at));
    int32_t len = 0;
    SentFrame f;
    REQUIRE(r.Int(&len));
    REQUIRE(len >= 8);
    REQUIRE(out.size() - at >= 4 + static_cast<size_t>(len));
    REQUIRE(r.Int(&f.xid));
    REQUIRE(r.Int(&f.op));
    f.body = out.substr(at + 12, static_cast<size_t>(len) - 8);
    v.push_back(std::move(f));
    at += 4 + static_cast<size_t>(len);
  }
  return v;
}

std::string SaslToken(const SentFrame& f) {
  zk::wire::Reader r(f.body);
  std::string token;
  REQUIRE(r.Buffer(&token));
  return token;
}

// Returns scripted steps; records what the core handed it.
class FakeMechanism : public SaslMechanism {
 public:
  std::deque<zk::Result<SaslStep>> starts, steps;
  std::vector<std::string> hosts, challenges;

  std::string Name() const override { return "FAKE"; }
  zk::Result<SaslStep> Start(const std::string& host) override {
    hosts.push_back(host);
    REQUIRE_FALSE(starts.empty());
    auto s = std::move(starts.front());
    starts.pop_front();
    return s;
  }
  zk::Result<SaslStep> Step(std::string_view challenge) override {
    challenges.emplace_back(challenge);
    REQUIRE_FALSE(steps.empty());
    auto s = std::move(steps.front());
    steps.pop_front();
    return s;
  }
};

SaslStep Send(std::string token, bool complete = false) {
  return SaslStep{true, std::move(token), complete};
}
SaslStep Done() { return SaslStep{false, {}, true}; }

struct Harness {
  std::vector<std::string> logs;
  std::vector<zk::SessionState> states;
  TimePoint now = TimePoint(1000s);
  std::shared_ptr<FakeMechanism> mech = std::make_shared<FakeMechanism>();
  SessionCore core;

  explicit Harness(bool with_sasl = true)
      : core(Config(with_sasl ? mech : nullptr),
             zk::HostProvider::Create({{"10.0.0.1", 1}, {"10.0.0.2", 2}}, zk::ProviderOptions{}, 7)
                 .value(),
             std::make_shared<zk::Logger>(
                 [this](zk::LogLevel, std::string_view l) { logs.emplace_back(l); },
                 zk::LogLevel::kDebug)) {
    core.SetSessionWatcher([this](zk::SessionState s) { states.push_back(s); });
  }
  static SessionConfig Config(std::shared_ptr<FakeMechanism> m) {
    SessionConfig c{3000ms, false, "", 100, 500ms};
    c.sasl = std::move(m);
    return c;
  }
  // TCP connect and handshake; returns what the core sent after the
  // ConnectResponse.
  std::string Attach(int64_t sid = 0x42) {
    if (!core.TakeConnectOrder().has_value()) core.Start(now);
    core.OnTransportConnected(now);
    REQUIRE(core.TakeOutput().size() == 4 + 45);
    Feed(ConnectResponse(3000, sid));
    return core.TakeOutput();
  }
  void Feed(const std::string& bytes) {
    core.OnBytes(bytes.data(), bytes.size(), now);
    core.RunCallbacks();
  }
  void Submit(std::optional<zk::Error>* err, int32_t op = 3) {
    Request r;
    r.op = op;
    r.body = "x";
    r.done = [err](const Reply& rep) { err->emplace(rep.err); };
    REQUIRE(core.Submit(std::move(r)).ok());
  }
  bool Logged(const std::string& what) const {
    for (const auto& l : logs) {
      if (l.find(what) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

TEST_CASE("sasl: the exchange follows the ConnectResponse; requests wait behind it",
          "[session][sasl]") {
  Harness h;
  h.mech->starts.push_back(Send(""));  // server-first, as DIGEST-MD5
  h.mech->steps.push_back(Send("response"));
  h.mech->steps.push_back(Done());
  std::optional<zk::Error> queued;
  h.core.Start(h.now);
  h.Submit(&queued);  // before any connection
  REQUIRE(h.core.AddAuth("digest", "u:p", nullptr).ok());
  std::vector<SentFrame> first = Frames(h.Attach());
  // Only the first token goes out: opcode sasl, an ordinary xid.
  REQUIRE(first.size() == 1);
  CHECK(first[0].op == kOpSasl);
  CHECK(first[0].xid == 1);
  CHECK(SaslToken(first[0]).empty());
  CHECK(h.mech->hosts == std::vector<std::string>{h.core.current_host()->host});
  CHECK(h.states.empty());  // not Connected yet
  CHECK(h.core.state() == zk::SessionState::kConnecting);

  // A request made during the exchange waits too.
  std::optional<zk::Error> during;
  h.Submit(&during);
  CHECK(h.core.TakeOutput().empty());

  h.Feed(SaslReply(1, 0, std::string("challenge")));
  std::vector<SentFrame> second = Frames(h.core.TakeOutput());
  REQUIRE(second.size() == 1);
  CHECK(second[0].op == kOpSasl);
  CHECK(second[0].xid == 2);
  CHECK(SaslToken(second[0]) == "response");
  CHECK(h.mech->challenges == std::vector<std::string>{"challenge"});
  CHECK(h.states.empty());

  h.Feed(SaslReply(2, 0, std::string("rspauth=x")));
  CHECK(h.mech->challenges.back() == "rspauth=x");
  CHECK(h.states == std::vector<zk::SessionState>{zk::SessionState::kConnected});
  CHECK(h.core.sasl_exchanges() == 1);
  // Then the auth packet, and the queued requests in order.
  std::vector<SentFrame> after = Frames(h.core.TakeOutput());
  REQUIRE(after.size() == 3);
  CHECK(after[0].xid == kXidAuth);
  CHECK(after[0].op == kOpAuth);
  CHECK(after[1].xid == 3);
  CHECK(after[2].xid == 4);
  h.Feed(PlainReply(kXidAuth, 0));
  h.Feed(PlainReply(3, 0));
  h.Feed(PlainReply(4, 0));
  CHECK(queued == zk::Error::kOk);
  CHECK(during == zk::Error::kOk);
  CHECK(h.Logged("SASL FAKE authentication with"));
}

TEST_CASE("sasl: a refusal is AuthFailed for the session, its watches and its requests",
          "[session][sasl]") {
  Harness h;
  h.mech->starts.push_back(Send("t1"));
  h.mech->steps.push_back(Done());
  (void)h.Attach();
  h.Feed(SaslReply(1, 0, std::string("ok")));
  REQUIRE(h.core.state() == zk::SessionState::kConnected);
  // A data watch, registered by a successful getData.
  std::vector<zk::WatchEvent> events;
  Request r;
  r.op = 4;
  r.body = "x";
  r.watch_on = WatchOn::kOkData;
  r.watch_path = "/w";
  r.watcher = [&events](const zk::WatchEvent& e) { events.push_back(e); };
  REQUIRE(h.core.Submit(std::move(r)).ok());
  (void)h.core.TakeOutput();
  h.Feed(PlainReply(2, 0));
  REQUIRE(h.core.watches().Count() == 1);

  // The connection is lost; the next server refuses the exchange.
  h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "gone"), h.now);
  h.core.RunCallbacks();
  CHECK(h.core.state() == zk::SessionState::kDisconnected);
  std::optional<zk::Error> waiting;
  h.Submit(&waiting);
  h.mech->starts.push_back(Send("t2"));
  std::vector<SentFrame> sent = Frames(h.Attach());
  REQUIRE(sent.size() == 1);
  CHECK(SaslToken(sent[0]) == "t2");
  CHECK(h.mech->hosts.size() == 2);  // the exchange was repeated
  h.Feed(SaslReply(sent[0].xid, static_cast<int32_t>(zk::Error::kAuthFailed), std::nullopt));

  CHECK(h.core.state() == zk::SessionState::kAuthFailed);
  CHECK(h.states.back() == zk::SessionState::kAuthFailed);
  CHECK(waiting == zk::Error::kAuthFailed);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == zk::EventType::kNone);
  CHECK(events[0].state == zk::SessionState::kAuthFailed);
  CHECK(h.core.TakeDropOrder());
  CHECK_FALSE(h.core.TakeConnectOrder().has_value());  // no reconnect after AuthFailed
  CHECK(h.core.Submit(Request{}).code() == zk::Error::kAuthFailed);
  CHECK(h.Logged("ZAUTHFAILED"));
}

TEST_CASE("sasl: the mechanism failing at start or at a step is AuthFailed, with its reason",
          "[session][sasl]") {
  SECTION("start") {
    Harness h;
    h.mech->starts.push_back(zk::Status(zk::Error::kAuthFailed, "no credentials cache found"));
    std::optional<zk::Error> e;
    h.core.Start(h.now);
    h.Submit(&e);
    (void)h.Attach();
    CHECK(h.core.state() == zk::SessionState::kAuthFailed);
    CHECK(e == zk::Error::kAuthFailed);
    CHECK(h.Logged("no credentials cache found"));
  }
  SECTION("step") {
    Harness h;
    h.mech->starts.push_back(Send(""));
    h.mech->steps.push_back(zk::Status(zk::Error::kAuthFailed, "bad challenge"));
    (void)h.Attach();
    h.Feed(SaslReply(1, 0, std::string("garbage")));
    CHECK(h.core.state() == zk::SessionState::kAuthFailed);
    CHECK(h.Logged("bad challenge"));
  }
  SECTION("a mechanism that neither speaks nor finishes") {
    Harness h;
    h.mech->starts.push_back(SaslStep{false, {}, false});
    (void)h.Attach();
    CHECK(h.core.state() == zk::SessionState::kAuthFailed);
    CHECK(h.Logged("neither sent a token nor completed"));
  }
}

TEST_CASE("sasl: a last token sent with completion waits for the server's answer",
          "[session][sasl]") {
  Harness h;
  h.mech->starts.push_back(Send("init"));
  h.mech->steps.push_back(Send("final", true));  // as GSSAPI's security-layer reply
  (void)h.Attach();
  h.Feed(SaslReply(1, 0, std::string("c1")));
  CHECK(h.states.empty());
  std::vector<SentFrame> last = Frames(h.core.TakeOutput());
  REQUIRE(last.size() == 1);
  CHECK(SaslToken(last[0]) == "final");
  // The server's final packet completes the exchange without another step.
  h.Feed(SaslReply(2, 0, std::nullopt));
  CHECK(h.mech->challenges.size() == 1);
  CHECK(h.core.state() == zk::SessionState::kConnected);

  SECTION("and a refusal of that last token is still a failure") {
    Harness g;
    g.mech->starts.push_back(Send("only", true));
    (void)g.Attach();
    g.Feed(SaslReply(1, static_cast<int32_t>(zk::Error::kAuthFailed), std::nullopt));
    CHECK(g.core.state() == zk::SessionState::kAuthFailed);
  }
}

TEST_CASE("sasl: every reconnect repeats the exchange before anything else", "[session][sasl]") {
  Harness h;
  for (int round = 0; round < 3; ++round) {
    h.mech->starts.push_back(Send("hello"));
    h.mech->steps.push_back(Done());
    std::vector<SentFrame> sent = Frames(h.Attach());
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].op == kOpSasl);
    if (round > 0) CHECK(h.core.state() == zk::SessionState::kDisconnected);
    h.Feed(SaslReply(sent[0].xid, 0, std::string("welcome")));
    CHECK(h.core.state() == zk::SessionState::kConnected);
    h.core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "server stopped"), h.now);
    h.core.RunCallbacks();
  }
  CHECK(h.mech->hosts.size() == 3);
  CHECK(h.core.sasl_exchanges() == 3);
  CHECK(h.core.session_id() == 0x42);
}

TEST_CASE("sasl: a silent server, a stray xid or a bad token drop the connection, not the session",
          "[session][sasl][bad-input]") {
  SECTION("no answer within the read timeout") {
    Harness h;
    h.mech->starts.push_back(Send(""));
    (void)h.Attach();
    CHECK(h.core.NextDeadline() == h.now + 2000ms);
    h.now += 2000ms;
    h.core.OnTimer(h.now);
    CHECK(h.core.TakeDropOrder());
    CHECK(h.core.TakeConnectOrder().has_value());
    CHECK(h.Logged("SASL exchange timed out"));
    CHECK_FALSE(h.core.terminal());
  }
  SECTION("a reply to another xid") {
    Harness h;
    h.mech->starts.push_back(Send(""));
    (void)h.Attach();
    h.Feed(PlainReply(9, 0));
    CHECK(h.core.TakeDropOrder());
    CHECK(h.Logged("xid 9 during the SASL exchange"));
    CHECK_FALSE(h.core.terminal());
  }
  SECTION("a truncated SetSASLResponse") {
    Harness h;
    h.mech->starts.push_back(Send(""));
    (void)h.Attach();
    h.Feed(PlainReply(1, 0));  // no token at all
    CHECK(h.core.TakeDropOrder());
    CHECK(h.Logged("bad SetSASLResponse"));
    CHECK_FALSE(h.core.terminal());
  }
  SECTION("pings answered meanwhile are ignored") {
    Harness h;
    h.mech->starts.push_back(Send(""));
    h.mech->steps.push_back(Done());
    (void)h.Attach();
    h.Feed(PlainReply(kXidPing, 0));
    CHECK_FALSE(h.core.TakeDropOrder());
    h.Feed(SaslReply(1, 0, std::string("x")));
    CHECK(h.core.state() == zk::SessionState::kConnected);
  }
}

TEST_CASE("sasl: Close during the exchange ends the session as Closed", "[session][sasl]") {
  Harness h;
  h.mech->starts.push_back(Send(""));
  std::optional<zk::Error> e;
  h.core.Start(h.now);
  h.Submit(&e);
  (void)h.Attach();
  h.core.Close(h.now);
  h.core.RunCallbacks();
  CHECK(h.core.state() == zk::SessionState::kClosed);
  CHECK(e == zk::Error::kClosing);
}

TEST_CASE("sasl: ZSESSIONCLOSEDREQUIRESASLAUTH to a request or a ping ends the session as "
          "AuthFailed",
          "[session][sasl]") {
  for (bool ping : {false, true}) {
    Harness h(false);  // no SASL configured
    h.core.Start(h.now);
    REQUIRE(Frames(h.Attach()).empty());
    REQUIRE(h.core.state() == zk::SessionState::kConnected);
    std::optional<zk::Error> first, second;
    h.Submit(&first);
    h.Submit(&second);
    (void)h.core.TakeOutput();
    const auto kRequire = static_cast<int32_t>(zk::Error::kSessionClosedRequireSaslAuth);
    h.Feed(PlainReply(ping ? kXidPing : 1, kRequire));
    CHECK(h.core.state() == zk::SessionState::kAuthFailed);
    CHECK(h.states.back() == zk::SessionState::kAuthFailed);
    CHECK(first == (ping ? zk::Error::kAuthFailed : zk::Error::kSessionClosedRequireSaslAuth));
    CHECK(second == zk::Error::kAuthFailed);
    CHECK_FALSE(h.core.TakeConnectOrder().has_value());
    CHECK(h.Logged("requires authentication this session does not offer"));
  }
}

namespace {

// Decides each step from a seeded source: another token, completion, or a
// failure.
class RandomMechanism : public SaslMechanism {
 public:
  explicit RandomMechanism(zk::SplitMix64* rnd) : rnd_(rnd) {}
  std::string Name() const override { return "RANDOM"; }
  zk::Result<SaslStep> Start(const std::string&) override { return Next(); }
  zk::Result<SaslStep> Step(std::string_view) override { return Next(); }

 private:
  zk::Result<SaslStep> Next() {
    switch (rnd_->Below(6)) {
      case 0:
        return zk::Status(zk::Error::kAuthFailed, "random failure");
      case 1:
        return Done();
      case 2:
        return Send("last", true);
      default:
        return Send("more");
    }
  }
  zk::SplitMix64* rnd_;
};

}  // namespace

TEST_CASE("sasl: seeded random replies during the exchange never crash the core; every "
          "request completes once",
          "[session][sasl][bad-input]") {
  const uint64_t seed = 20261208;
  INFO("seed " << seed);
  WARN("sasl random-bytes seed " << seed);
  zk::SplitMix64 rnd(seed);
  size_t authenticated = 0, failed = 0;
  for (int round = 0; round < 200; ++round) {
    SessionConfig c{3000ms, false, "", 100, 500ms};
    c.sasl = std::make_shared<RandomMechanism>(&rnd);
    SessionCore core(
        std::move(c),
        zk::HostProvider::Create({{"10.0.0.1", 1}, {"10.0.0.2", 2}}, zk::ProviderOptions{}, 7)
            .value(),
        zk::Logger::Null());
    TimePoint now = TimePoint(1000s);
    std::vector<int> completions(6, 0);
    core.Start(now);
    for (int i = 0; i < 6; ++i) {
      Request r;
      r.op = 3;
      r.body = "x";
      r.done = [&completions, i](const Reply&) { ++completions[static_cast<size_t>(i)]; };
      REQUIRE(core.Submit(std::move(r)).ok());
    }
    auto feed = [&](const std::string& b) {
      core.OnBytes(b.data(), b.size(), now);
      core.RunCallbacks();
    };
    bool was_connected = false;
    for (int k = 0; k < 30 && !core.terminal(); ++k) {
      if (auto o = core.TakeConnectOrder()) {
        core.OnTransportConnected(now);
        (void)core.TakeOutput();
        feed(ConnectResponse(3000, 0x77));
        continue;
      }
      std::string chunk;
      switch (rnd.Below(5)) {
        case 0:
        case 1:
          chunk = SaslReply(static_cast<int32_t>(rnd.Below(6)),
                            rnd.Below(4) == 0 ? -static_cast<int32_t>(rnd.Below(130)) : 0,
                            rnd.Below(3) == 0 ? std::nullopt
                                              : std::optional<std::string>("tok"));
          break;
        case 2:
          chunk = PlainReply(static_cast<int32_t>(rnd.Below(8)) - 2, 0);
          break;
        case 3: {
          std::string junk(rnd.Below(30), '\0');
          for (char& ch : junk) ch = static_cast<char>(rnd.Below(256));
          chunk = rnd.Below(2) ? Frame(junk) : junk;
          break;
        }
        default:
          now += 700ms;
          core.OnTimer(now);
          core.RunCallbacks();
          break;
      }
      if (!chunk.empty()) feed(chunk);
      (void)core.TakeOutput();
      (void)core.TakeDropOrder();
      was_connected = was_connected || core.state() == zk::SessionState::kConnected;
    }
    authenticated += was_connected;
    failed += core.state() == zk::SessionState::kAuthFailed;
    core.Close(now);
    core.OnTransportClosed(zk::Status(zk::Error::kConnectionLoss, "eof"), now);
    core.RunCallbacks();
    INFO("round " << round);
    REQUIRE(core.terminal());
    for (int n : completions) CHECK(n == 1);
  }
  // Both outcomes were exercised.
  CHECK(authenticated > 0);
  CHECK(failed > 0);
}
