// The TLS engine through memory BIOs: a client engine and a server engine
// (the same class, server context) hand each other bytes; no sockets.
// Certificates come from tests/tls/make_certs.sh.
#include <catch2/catch.hpp>

#include <string>

#include "../tls/tls_certs.h"
#include "tls_engine.h"

namespace zk::client_internal {
namespace {

using test::TlsCert;

// Skips the test case when the certificates could not be made.
#define REQUIRE_CERTS()                                        \
  do {                                                         \
    std::string why_;                                          \
    if (test::TlsCertDir(&why_).empty()) {                     \
      WARN("TLS engine test skipped: no certificates: " << why_); \
      return;                                                  \
    }                                                          \
  } while (0)

TlsOptions ClientOpts(const std::string& ca = "ca.pem") {
  TlsOptions o;
  o.enabled = true;
  o.ca_file = TlsCert(ca);
  return o;
}

TlsOptions ServerOpts(const std::string& cert = "server") {
  TlsOptions o;
  o.enabled = true;
  o.cert_file = TlsCert(cert + ".pem");
  o.key_file = TlsCert(cert + ".key");
  o.ca_file = TlsCert("ca.pem");
  return o;
}

std::shared_ptr<TlsContext> Ctx(Result<std::shared_ptr<TlsContext>> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r.value();
}

struct Pair {
  std::unique_ptr<TlsEngine> client, server;
  std::string client_got, server_got;
  Status client_status, server_status;

  Pair(std::shared_ptr<TlsContext> cctx, std::shared_ptr<TlsContext> sctx, std::string host) {
    auto c = TlsEngine::Create(cctx, host);
    auto s = TlsEngine::Create(sctx, "");
    REQUIRE(c.ok());
    REQUIRE(s.ok());
    client = std::move(c).value();
    server = std::move(s).value();
    client_status = client->Start();
  }
  // Moves bytes both ways until neither side has anything to say or one
  // failed. Bounded: a handshake is a few flights.
  void Pump() {
    for (int round = 0; round < 20; ++round) {
      std::string to_server = client->TakeOutput();
      std::string to_client;
      if (!to_server.empty() && server_status.ok()) {
        server_status = server->Feed(to_server.data(), to_server.size(), &server_got);
      }
      to_client = server->TakeOutput();
      if (!to_client.empty() && client_status.ok()) {
        client_status = client->Feed(to_client.data(), to_client.size(), &client_got);
      }
      if (to_server.empty() && to_client.empty()) return;
    }
    FAIL("the engines kept talking for 20 rounds");
  }
};

TEST_CASE("tls engine: handshake and data both ways, by IP and by name") {
  REQUIRE_CERTS();
  auto sctx = Ctx(TlsContext::ForServer(ServerOpts(), false));
  auto cctx = Ctx(TlsContext::ForClient(ClientOpts()));
  for (const char* host : {"127.0.0.1", "localhost", "::1"}) {
    INFO(host);
    Pair p(cctx, sctx, host);
    p.Pump();
    REQUIRE(p.client_status.ok());
    REQUIRE(p.server_status.ok());
    REQUIRE(p.client->established());
    REQUIRE(p.server->established());
    CHECK(p.client->version() == "TLSv1.3");
    CHECK(p.client->peer_subject() == "CN=zk-server");
    CHECK(p.server->peer_subject().empty());  // no client certificate
    REQUIRE(p.client->Write("ruok").ok());
    p.Pump();
    CHECK(p.server_got == "ruok");
    std::string big(100000, 'x');
    REQUIRE(p.server->Write(big).ok());
    p.Pump();
    CHECK(p.client_got == big);
  }
}

TEST_CASE("tls engine: data written before the handshake ends goes out after it") {
  REQUIRE_CERTS();
  auto sctx = Ctx(TlsContext::ForServer(ServerOpts(), false));
  auto cctx = Ctx(TlsContext::ForClient(ClientOpts()));
  Pair p(cctx, sctx, "localhost");
  REQUIRE(p.client->Write("early").ok());
  p.Pump();
  REQUIRE(p.client_status.ok());
  CHECK(p.server_got == "early");
}

TEST_CASE("tls engine: client certificate, the identity the server sees") {
  REQUIRE_CERTS();
  auto sctx = Ctx(TlsContext::ForServer(ServerOpts(), true));
  TlsOptions o = ClientOpts();
  o.cert_file = TlsCert("client.pem");
  o.key_file = TlsCert("client.key");
  auto cctx = Ctx(TlsContext::ForClient(o));
  CHECK(cctx->own_subject() == "CN=zkclient,O=zkbalance");
  Pair p(cctx, sctx, "127.0.0.1");
  p.Pump();
  REQUIRE(p.client_status.ok());
  REQUIRE(p.server_status.ok());
  CHECK(p.server->peer_subject() == "CN=zkclient,O=zkbalance");

  SECTION("an encrypted key with its password") {
    o.key_file = TlsCert("client-enc.key");
    o.key_password = "secret";
    auto enc = Ctx(TlsContext::ForClient(o));
    Pair q(enc, sctx, "127.0.0.1");
    q.Pump();
    REQUIRE(q.client_status.ok());
    CHECK(q.server->peer_subject() == "CN=zkclient,O=zkbalance");
  }
}

TEST_CASE("tls engine: a server needing a client certificate refuses a client without one") {
  REQUIRE_CERTS();
  auto sctx = Ctx(TlsContext::ForServer(ServerOpts(), true));
  for (const char* max : {"TLSv1.2", "TLSv1.3"}) {
    INFO(max);
    TlsOptions o = ClientOpts();
    o.max_version = max;
    auto cctx = Ctx(TlsContext::ForClient(o));
    Pair p(cctx, sctx, "127.0.0.1");
    p.Pump();
    CHECK_FALSE(p.server_status.ok());
    // TLS 1.3: the client's side of the handshake ends before the server's
    // verdict, which then arrives as an alert.
    REQUIRE_FALSE(p.client_status.ok());
    CHECK(p.client_status.code() == Error::kAuthFailed);
    CHECK_THAT(p.client_status.message(), Catch::StartsWith("TLS handshake failed: "));
    // OpenSSL's server: "tlsv13 alert certificate required"; with TLS 1.2
    // its alert is a plain "sslv3 alert handshake failure".
    if (std::string(max) == "TLSv1.3") {
      CHECK_THAT(p.client_status.message(), Catch::Contains("certificate required"));
    }
  }
}

TEST_CASE("tls engine: a client certificate from another CA is refused") {
  REQUIRE_CERTS();
  auto sctx = Ctx(TlsContext::ForServer(ServerOpts(), true));
  TlsOptions o = ClientOpts();
  o.cert_file = TlsCert("other-client.pem");
  o.key_file = TlsCert("other-client.key");
  Pair p(Ctx(TlsContext::ForClient(o)), sctx, "127.0.0.1");
  p.Pump();
  REQUIRE_FALSE(p.client_status.ok());
  CHECK(p.client_status.code() == Error::kAuthFailed);
  CHECK_THAT(p.client_status.message(), Catch::StartsWith("TLS handshake failed: "));
}

TEST_CASE("tls engine: server certificate errors are named") {
  REQUIRE_CERTS();
  struct Case {
    const char* ca;
    const char* server_cert;
    const char* host;
    bool verify_name;
    const char* prefix;  // "" = must succeed
  };
  const Case cases[] = {
      {"other-ca.pem", "server", "127.0.0.1", true, "TLS certificate untrusted: "},
      {"ca.pem", "server", "zk.example.com", true, "TLS host name mismatch: "},
      {"ca.pem", "server", "127.0.0.2", true, "TLS host name mismatch: "},
      {"ca.pem", "server", "zk.example.com", false, ""},
      {"ca.pem", "expired", "127.0.0.1", true, "TLS certificate expired: "},
      {"other-ca.pem", "server", "127.0.0.1", false, "TLS certificate untrusted: "},
  };
  for (const Case& c : cases) {
    INFO(c.ca << " " << c.server_cert << " " << c.host << " verify=" << c.verify_name);
    auto sctx = Ctx(TlsContext::ForServer(ServerOpts(c.server_cert), false));
    TlsOptions o = ClientOpts(c.ca);
    o.verify_host_name = c.verify_name;
    Pair p(Ctx(TlsContext::ForClient(o)), sctx, c.host);
    p.Pump();
    if (std::string(c.prefix).empty()) {
      CHECK(p.client_status.ok());
      CHECK(p.client->established());
      continue;
    }
    REQUIRE_FALSE(p.client_status.ok());
    CHECK(p.client_status.code() == Error::kAuthFailed);
    CHECK_THAT(p.client_status.message(), Catch::StartsWith(c.prefix));
    CHECK_FALSE(p.client->established());
    // Dead: later calls fail the same way.
    std::string plain;
    CHECK(p.client->Feed("x", 1, &plain) == p.client_status);
  }
}

TEST_CASE("tls engine: TLS 1.2 with a cipher list; nothing older is offered") {
  REQUIRE_CERTS();
  auto sctx = Ctx(TlsContext::ForServer(ServerOpts(), false));
  TlsOptions o = ClientOpts();
  o.max_version = "TLSv1.2";
  o.ciphers = "ECDHE-RSA-AES128-GCM-SHA256";
  Pair p(Ctx(TlsContext::ForClient(o)), sctx, "localhost");
  p.Pump();
  REQUIRE(p.client_status.ok());
  CHECK(p.client->version() == "TLSv1.2");
  CHECK(p.client->cipher() == "ECDHE-RSA-AES128-GCM-SHA256");

  // A server that speaks only TLS 1.3 and a client capped at 1.2 agree on nothing.
  TlsOptions s13 = ServerOpts();
  s13.min_version = "TLSv1.3";
  Pair q(Ctx(TlsContext::ForClient(o)), Ctx(TlsContext::ForServer(s13, false)), "localhost");
  q.Pump();
  REQUIRE_FALSE(q.client_status.ok());
  CHECK(q.client_status.code() == Error::kAuthFailed);
  CHECK_THAT(q.client_status.message(), Catch::StartsWith("TLS handshake failed: "));
}

TEST_CASE("tls engine: bad options are errors naming the option") {
  REQUIRE_CERTS();
  auto bad = [](TlsOptions o, const char* option) {
    auto r = TlsContext::ForClient(o);
    INFO(option);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Error::kBadArguments);
    CHECK_THAT(r.status().message(), Catch::StartsWith(std::string("tls.") + option + ":"));
  };
  TlsOptions o = ClientOpts();
  o.ca_file = "/nonexistent/ca.pem";
  bad(o, "ca_file");
  o = ClientOpts();
  o.min_version = "TLSv1.1";
  bad(o, "min_version");
  o = ClientOpts();
  o.max_version = "SSLv3";
  bad(o, "max_version");
  o = ClientOpts();
  o.ciphers = "NO-SUCH-CIPHER";
  bad(o, "ciphers");
  o = ClientOpts();
  o.ciphersuites = "TLS_NO_SUCH";
  bad(o, "ciphersuites");
  o = ClientOpts();
  o.cert_file = TlsCert("client.pem");
  bad(o, "key_file");  // a certificate without its key
  o.key_file = TlsCert("server.key");
  bad(o, "key_file");  // the wrong key
  o.key_file = TlsCert("client-enc.key");
  o.key_password = "wrong";
  bad(o, "key_file");
  o.cert_file = TlsCert("nonexistent.pem");
  bad(o, "cert_file");
}

}  // namespace
}  // namespace zk::client_internal
