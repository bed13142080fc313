// The SDK over TLS against a secured ensemble: real ZooKeeper 3.8 with
// secureClientPort, NettyServerCnxnFactory, PEM stores, ssl.clientAuth=need
// and the x509 auth provider (tests/interop/zkensemble.py --tls), with
// certificates made at test time (tests/tls/make_certs.sh).
//
// Target: ZK_CLIENT_TARGET as in ensemble.h. zksim's TLS listener is wired
// in TlsTarget() below.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../tls/tls_certs.h"
#include "connection.h"
#include "tls_engine.h"
#include "test_util.h"
#include "zk/wire/connect_string.h"
#include "zk/wire/protocol.h"

namespace zk::test {
namespace {

// Log lines, kept for checks (and echoed as TAP comments).
struct LogCapture {
  std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();
  std::shared_ptr<Logger> logger() {
    auto l = lines;
    return std::make_shared<Logger>(
        [l](LogLevel level, std::string_view line) {
          fmt::print(stderr, "# [{}] {}\n", LogLevelName(level), line);
          l->emplace_back(line);
        },
        LogLevel::kDebug);
  }
  bool Has(std::string_view s) const {
    for (const auto& l : *lines)
      if (l.find(s) != std::string::npos) return true;
    return false;
  }
};

// The secured ensemble this executable's cases share.
struct TlsTarget {
  std::unique_ptr<OwnEnsemble> zk;  // real ZooKeeper
  Ensemble sim;                     // zksim (ZK_CLIENT_TARGET=zksim)
  std::string connect;              // the TLS ports
  std::string skip;                 // non-empty: why the cases skip
};

TlsTarget& Target() {
  static TlsTarget t = [] {
    TlsTarget r;
    std::string why;
    const std::string& dir = TlsCertDir(&why);
    if (dir.empty()) {
      r.skip = "no certificates: " + why;
      return r;
    }
    if (TargetIsZksim()) {
      // zksim's TLS listener with the same certificates and client auth
      // "need", as the real ensemble below.
      r.sim = StartZksim(std::getenv("ZKSIM_BIN"),
                         {"--tls-cert", dir + "/server.pem", "--tls-key", dir + "/server.key",
                          "--tls-ca", dir + "/ca.pem", "--tls-client-auth", "need"});
      if (r.sim.connect.empty() || r.sim.secure_connect.empty()) {
        r.skip = "zksim with TLS did not start";
        return r;
      }
      r.connect = r.sim.secure_connect;
      return r;
    }
    r.zk = std::make_unique<OwnEnsemble>("--tls " + dir);
    if (!r.zk->ok() || r.zk->secure_connect().empty()) {
      r.skip = "ZooKeeper 3.8 with TLS did not start (zookeeper, libnetty-java installed?)";
      return r;
    }
    r.connect = r.zk->secure_connect();
    return r;
  }();
  return t;
}

#define REQUIRE_TLS_TARGET()                                 \
  do {                                                       \
    if (!Target().skip.empty()) {                            \
      WARN("TLS test skipped: " << Target().skip);           \
      return;                                                \
    }                                                        \
  } while (0)

TlsOptions Tls(const std::string& client = "client", const std::string& ca = "ca.pem") {
  TlsOptions t;
  t.enabled = true;
  t.ca_file = TlsCert(ca);
  if (!client.empty()) {
    t.cert_file = TlsCert(client + ".pem");
    t.key_file = TlsCert(client + ".key");
  }
  return t;
}

ClientOptions TlsClientOptions(const std::string& connect, TlsOptions tls) {
  ClientOptions o = Options(connect);
  o.tls = std::move(tls);
  return o;
}

const char* kIdentity = "CN=zkclient,O=zkbalance";

TEST_CASE("tls: operations, watches and x509 ACLs over TLS", "[tls][interop]") {
  REQUIRE_TLS_TARGET();
  LoopRunner lr;
  auto a = ConnectWith(lr, TlsClientOptions(Target().connect, Tls()));
  CHECK(a->tls_subject() == kIdentity);
  auto b = ConnectWith(lr, TlsClientOptions(Target().connect, Tls()));
  auto other = ConnectWith(lr, TlsClientOptions(Target().connect, Tls("client2")));
  CHECK(other->tls_subject() == "CN=zkclient2");

  const std::string path = fmt::format("/tls-ops-{}", getpid());
  // Only the x509 identity of the client certificate may use the node.
  std::vector<Acl> acl{{wire::kPermAll, {"x509", kIdentity}}};
  Wait<CreateResult> created;
  REQUIRE(a->CreateNode(path, std::string("v1"), acl, CreateMode::kPersistent, created.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return created.r.has_value(); }));
  REQUIRE(created.r->ok());

  Wait<AclResult> got_acl;
  REQUIRE(a->GetAcl(path, got_acl.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return got_acl.r.has_value(); }));
  REQUIRE(got_acl.r->ok());
  CHECK(got_acl.r->value().acl == acl);

  // A watch set over TLS fires for a change made by another TLS session
  // with the same identity.
  std::optional<WatchEvent> fired;
  Wait<DataResult> read;
  REQUIRE(a->GetData(path, [&](const WatchEvent& e) { fired = e; }, read.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return read.r.has_value(); }));
  REQUIRE(read.r->ok());
  CHECK(read.r->value().data == std::optional<std::string>("v1"));
  Wait<Stat> set;
  REQUIRE(b->SetData(path, std::string("v2"), -1, set.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return set.r.has_value() && fired.has_value(); }));
  REQUIRE(set.r->ok());
  CHECK(fired->type == EventType::kNodeDataChanged);
  CHECK(fired->path == path);

  // Another certificate is another identity: no access.
  Wait<DataResult> denied;
  REQUIRE(other->GetData(path, {}, denied.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return denied.r.has_value(); }));
  REQUIRE_FALSE(denied.r->ok());
  CHECK(denied.r->status().code() == Error::kNoAuth);

  // A large value crosses many TLS records both ways.
  std::string big(900 * 1024, 'z');
  Wait<Stat> set_big;
  REQUIRE(b->SetData(path, big, -1, set_big.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return set_big.r.has_value(); }));
  REQUIRE(set_big.r->ok());
  Wait<DataResult> read_big;
  REQUIRE(a->GetData(path, {}, read_big.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return read_big.r.has_value(); }));
  REQUIRE(read_big.r->ok());
  CHECK(read_big.r->value().data == std::optional<std::string>(big));

  WaitS deleted;
  REQUIRE(a->Delete(path, -1, deleted.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return deleted.s.has_value(); }));
  CHECK(deleted.s->ok());
  CloseClient(lr, a);
  CloseClient(lr, b);
  CloseClient(lr, other);
}

TEST_CASE("tls: the session moves to another TLS server and keeps its ephemeral", "[tls][interop]") {
  REQUIRE_TLS_TARGET();
  if (Target().zk == nullptr) {
    WARN("TLS move test skipped: needs a real ensemble whose servers it stops");
    return;
  }
  LoopRunner lr;
  std::vector<SessionState> states;
  LogCapture log;
  ClientOptions o = TlsClientOptions(Target().connect, Tls());
  o.logger = log.logger();
  // Room for a leader election when the victim leads (tickTime 500).
  o.session_timeout = 15s;
  o.session_watcher = [&](SessionState s) { states.push_back(s); };
  auto c = ConnectWith(lr, o);
  const int64_t id = c->session_id();
  const std::string path = fmt::format("/tls-eph-{}", getpid());
  Wait<CreateResult> created;
  REQUIRE(c->CreateNode(path, std::string("x"), {}, CreateMode::kEphemeral, created.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return created.r.has_value(); }));
  REQUIRE(created.r->ok());

  auto cur = c->current_server();
  REQUIRE(cur.has_value());
  int victim = 0;
  for (int sid = 1; sid <= 3; ++sid) {
    if (Target().zk->secure_port(sid) == cur->port) victim = sid;
  }
  REQUIRE(victim != 0);
  REQUIRE(Target().zk->Stop(victim));
  REQUIRE(lr.RunUntil([&] { return c->state() == SessionState::kDisconnected; }, 15s));
  REQUIRE(lr.RunUntil([&] { return c->state() == SessionState::kConnected; }, 30s));
  CHECK(c->session_id() == id);
  CHECK(c->current_server()->port != cur->port);
  Wait<Stat> exists;
  REQUIRE(c->Exists(path, {}, exists.cb()).ok());
  REQUIRE(lr.RunUntil([&] { return exists.r.has_value(); }));
  CHECK(exists.r->ok());
  CloseClient(lr, c);
  REQUIRE(Target().zk->Start(victim));
  REQUIRE(Target().zk->WaitServing());
}

// A session whose every attempt is refused for a TLS reason ends AuthFailed
// (tls_options.h); the log names the reason.
void ExpectRefused(ClientOptions o, const std::string& reason_prefix) {
  LoopRunner lr;
  LogCapture log;
  o.logger = log.logger();
  std::vector<SessionState> states;
  o.session_watcher = [&](SessionState s) { states.push_back(s); };
  auto made = Client::Create(lr.loop(), std::move(o));
  REQUIRE(made.ok());
  auto c = made.value();
  Wait<Stat> pending;
  REQUIRE(c->Exists("/", {}, pending.cb()).ok());
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(lr.RunUntil([&] { return c->state() == SessionState::kAuthFailed; }, 20s));
  INFO("ended after " << std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count()
                      << " ms");
  CHECK(log.Has(reason_prefix));
  REQUIRE(lr.RunUntil([&] { return pending.r.has_value(); }));
  CHECK(pending.r->status().code() == Error::kAuthFailed);
  REQUIRE_FALSE(states.empty());
  CHECK(states.back() == SessionState::kAuthFailed);
  for (SessionState s : states) CHECK(s != SessionState::kConnected);
  bool closed = false;
  c->Close([&] { closed = true; });
  REQUIRE(lr.RunUntil([&] { return closed; }));
}

TEST_CASE("tls: a server certificate from an untrusted CA is refused", "[tls][interop]") {
  REQUIRE_TLS_TARGET();
  ExpectRefused(TlsClientOptions(Target().connect, Tls("client", "other-ca.pem")),
                "TLS certificate untrusted: ");
}

TEST_CASE("tls: a host name the certificate does not carry is refused", "[tls][interop]") {
  REQUIRE_TLS_TARGET();
  // Every server under a name its certificate lacks (it has localhost and
  // 127.0.0.1), resolved to the right address.
  std::string connect;
  auto hosts = wire::ParseConnectString(Target().connect);
  REQUIRE(hosts.ok());
  for (const HostPort& h : hosts->hosts) {
    connect += fmt::format("{}zk-not-in-san.test:{}", connect.empty() ? "" : ",", h.port);
  }
  ClientOptions o = TlsClientOptions(connect, Tls());
  o.resolver = [](const HostPort& h) -> Result<std::vector<HostPort>> {
    return std::vector<HostPort>{HostPort{"127.0.0.1", h.port}};
  };
  ExpectRefused(o, "TLS host name mismatch: ");

  SECTION("accepted when name verification is off, and by a name it carries") {
    LoopRunner lr;
    ClientOptions off = TlsClientOptions(connect, Tls());
    off.resolver = o.resolver;
    off.tls.verify_host_name = false;
    auto c = ConnectWith(lr, off);
    CloseClient(lr, c);
    std::string by_name;
    for (const HostPort& h : hosts->hosts) {
      by_name += fmt::format("{}localhost:{}", by_name.empty() ? "" : ",", h.port);
    }
    ClientOptions named = TlsClientOptions(by_name, Tls());
    named.resolver = o.resolver;
    auto d = ConnectWith(lr, named);
    CloseClient(lr, d);
  }
}

TEST_CASE("tls: a client without a certificate is refused (ssl.clientAuth=need)", "[tls][interop]") {
  REQUIRE_TLS_TARGET();
  ExpectRefused(TlsClientOptions(Target().connect, Tls("")), "TLS handshake failed: ");
}

TEST_CASE("tls: a server that never answers the handshake costs one connect timeout", "[tls][interop]") {
  REQUIRE_TLS_TARGET();
  // A listening socket nobody accepts from: the kernel completes the TCP
  // handshake, no TLS byte ever comes back.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(fd, 16) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const uint16_t mute = ntohs(addr.sin_port);

  LoopRunner lr;
  LogCapture log;
  ClientOptions o = TlsClientOptions(fmt::format("127.0.0.1:{}", mute), Tls());
  o.logger = log.logger();
  auto c = Client::Create(lr.loop(), o).value();
  // session_timeout 4 s, one server: the attempt's connect timeout is 4 s.
  REQUIRE(lr.RunUntil([&] { return log.Has("TLS handshake timed out"); }, 10s));
  CHECK(c->state() == SessionState::kConnecting);  // a timeout is no refusal

  // With the real servers in the list too, the session gets through.
  ClientOptions both =
      TlsClientOptions(fmt::format("127.0.0.1:{},{}", mute, Target().connect), Tls());
  auto d = ConnectWith(lr, both);
  CloseClient(lr, d);
  bool closed = false;
  c->Close([&] { closed = true; });
  REQUIRE(lr.RunUntil([&] { return closed; }));
  close(fd);
}

TEST_CASE("tls: bad TLS options are refused by Client::Create", "[tls][interop]") {
  REQUIRE_TLS_TARGET();
  LoopRunner lr;
  TlsOptions t = Tls();
  t.ca_file = "/nonexistent/ca.pem";
  auto r = Client::Create(lr.loop(), TlsClientOptions(Target().connect, t));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Error::kBadArguments);
  CHECK_THAT(r.status().message(), Catch::Contains("/nonexistent/ca.pem"));
}

// The read-only probe's transport: ClientImpl's isro probe is a Connection
// started with the session's TlsContext, so `isro` goes over TLS.
TEST_CASE("tls: a four-letter word (the isro probe) over a TLS Connection", "[tls][interop]") {
  REQUIRE_TLS_TARGET();
  struct Probe : client_internal::Connection::Listener {
    client_internal::Connection* conn = nullptr;
    std::string reply;
    std::optional<Status> closed;
    void OnConnected() override { conn->Write("isro"); }
    void OnData(const char* d, size_t n) override { reply.append(d, n); }
    void OnClosed(const Status& s) override { closed = s; }
  };
  auto ctx = client_internal::TlsContext::ForClient(Tls());
  REQUIRE(ctx.ok());
  auto hosts = wire::ParseConnectString(Target().connect);
  REQUIRE(hosts.ok());
  LoopRunner lr;
  Probe p;
  p.conn = client_internal::Connection::Start(lr.loop(), hosts->hosts.front(), 5000ms, &p, {}, 0,
                                              ctx.value());
  REQUIRE(lr.RunUntil([&] { return p.closed.has_value(); }, 10s));
  CHECK(p.reply == "rw");
  CHECK(p.closed->code() == Error::kConnectionLoss);  // the server closes after answering

  CHECK(lr.Drained());
}

}  // namespace
}  // namespace zk::test
