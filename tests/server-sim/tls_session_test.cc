// TlsSession without sockets: an OpenSSL client on memory BIOs talks to the
// server session, with certificates made in the test (a CA, a server and a
// client certificate it signs, and a self-signed stranger). Covers the
// handshake fed one byte at a time, application data both ways, the x509
// subject, each clientAuth mode, refusals, garbage and close_notify.
#include "tls_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

using namespace zk::sim;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "zksim-tls-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string File(const std::string& name) const { return (fs::path(path) / name).string(); }
  std::string path;
};

struct KeyCert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  ~KeyCert() {
    EVP_PKEY_free(key);
    X509_free(cert);
  }
};

// A P-256 key and a certificate for `cn` (with O=zkbalance), signed by
// `issuer` (self-signed when null); `ca` marks it as a CA.
std::unique_ptr<KeyCert> MakeCert(const char* cn, const KeyCert* issuer, bool ca, long serial) {
  auto kc = std::make_unique<KeyCert>();
  kc->key = EVP_EC_gen("P-256");
  REQUIRE(kc->key != nullptr);
  kc->cert = X509_new();
  X509_set_version(kc->cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(kc->cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(kc->cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(kc->cert), 3600);
  X509_NAME* name = X509_get_subject_name(kc->cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("zkbalance"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(kc->cert, issuer ? X509_get_subject_name(issuer->cert) : name);
  X509_set_pubkey(kc->cert, kc->key);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer->cert : kc->cert, kc->cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints,
                                            ca ? "critical,CA:TRUE" : "CA:FALSE");
  X509_add_ext(kc->cert, ext, -1);
  X509_EXTENSION_free(ext);
  REQUIRE(X509_sign(kc->cert, issuer ? issuer->key : kc->key, EVP_sha256()) > 0);
  return kc;
}

void WritePem(const std::string& path, const KeyCert& kc, bool with_key) {
  FILE* f = std::fopen(path.c_str(), "w");
  REQUIRE(f != nullptr);
  if (with_key) PEM_write_PrivateKey(f, kc.key, nullptr, nullptr, 0, nullptr, nullptr);
  PEM_write_X509(f, kc.cert);
  std::fclose(f);
}

struct Pki {
  TempDir dir;
  std::unique_ptr<KeyCert> ca = MakeCert("test CA", nullptr, true, 1);
  std::unique_ptr<KeyCert> server = MakeCert("localhost", ca.get(), false, 2);
  std::unique_ptr<KeyCert> client = MakeCert("client-1", ca.get(), false, 3);
  std::unique_ptr<KeyCert> stranger = MakeCert("stranger", nullptr, false, 4);
  Pki() {
    WritePem(dir.File("ca.pem"), *ca, false);
    WritePem(dir.File("server.pem"), *server, true);  // key and certificate in one file
  }
  std::shared_ptr<TlsContext> Server(TlsClientAuth auth) {
    TlsServerConfig c;
    c.cert_file = c.key_file = dir.File("server.pem");
    c.ca_file = dir.File("ca.pem");
    c.client_auth = auth;
    auto ctx = TlsContext::Create(c);
    REQUIRE(ctx.ok());
    return *ctx;
  }
};

// An OpenSSL client on memory BIOs.
struct Client {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = nullptr;
  Client(const Pki& pki, const KeyCert* cert) {
    SSL_CTX_load_verify_locations(ctx, pki.dir.File("ca.pem").c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (cert != nullptr) {
      SSL_CTX_use_certificate(ctx, cert->cert);
      SSL_CTX_use_PrivateKey(ctx, cert->key);
    }
    ssl = SSL_new(ctx);
    SSL_set_bio(ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl);
    SSL_set1_host(ssl, "localhost");
  }
  ~Client() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
  std::string Out() {
    std::string out;
    char buf[4096];
    int n;
    while ((n = BIO_read(SSL_get_wbio(ssl), buf, sizeof(buf))) > 0) out.append(buf, n);
    return out;
  }
  void In(const std::string& bytes) {
    if (!bytes.empty()) BIO_write(SSL_get_rbio(ssl), bytes.data(), static_cast<int>(bytes.size()));
  }
  std::string Read() {
    std::string out;
    char buf[4096];
    int n;
    while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0) out.append(buf, n);
    return out;
  }
};

// Runs the handshake to its end: client bytes into the server session one
// byte at a time, server bytes back. Returns the server's first error.
zk::Status Handshake(Client& c, TlsSession& s, std::string* plain) {
  for (int round = 0; round < 10; ++round) {
    SSL_do_handshake(c.ssl);
    std::string to_server = c.Out();
    for (char b : to_server) {
      zk::Status st = s.Feed(std::string_view(&b, 1), plain);
      if (!st.ok()) {
        c.In(s.TakeOutput());
        return st;
      }
    }
    c.In(s.TakeOutput());
    if (SSL_is_init_finished(c.ssl) && s.handshake_done()) break;
  }
  // TLS 1.3: the server checks the client's certificate after the client
  // considers the handshake done; one more flight settles it.
  SSL_do_handshake(c.ssl);
  return s.Feed(c.Out(), plain);
}

}  // namespace

TEST_CASE("TLS session: byte-at-a-time handshake, data both ways, the x509 subject") {
  Pki pki;
  TlsSession s(pki.Server(TlsClientAuth::kNeed));
  Client c(pki, pki.client.get());
  std::string plain;
  REQUIRE(Handshake(c, s, &plain).ok());
  REQUIRE(s.handshake_done());
  REQUIRE(s.peer_subject().has_value());
  CHECK(*s.peer_subject() == "CN=client-1,O=zkbalance");
  CHECK(SSL_get_verify_result(c.ssl) == X509_V_OK);  // the client trusts the server

  REQUIRE(SSL_write(c.ssl, "hello zk", 8) == 8);
  std::string cipher = c.Out();
  CHECK(cipher.find("hello zk") == std::string::npos);
  REQUIRE(s.Feed(cipher, &plain).ok());
  CHECK(plain == "hello zk");
  c.In(s.Encrypt("reply"));
  CHECK(c.Read() == "reply");

  SSL_shutdown(c.ssl);
  REQUIRE(s.Feed(c.Out(), &plain).ok());
  CHECK(s.peer_closed());
  std::string notify = s.CloseNotify();
  CHECK_FALSE(notify.empty());
  CHECK(s.CloseNotify().empty());  // once
}

TEST_CASE("TLS session: client auth need / want / none") {
  Pki pki;
  std::string plain;
  {
    TlsSession s(pki.Server(TlsClientAuth::kNeed));
    Client c(pki, nullptr);
    zk::Status st = Handshake(c, s, &plain);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("peer did not return a certificate") != std::string::npos);
  }
  {
    TlsSession s(pki.Server(TlsClientAuth::kNeed));
    Client c(pki, pki.stranger.get());
    zk::Status st = Handshake(c, s, &plain);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().find("certificate verify failed") != std::string::npos);
  }
  {
    TlsSession s(pki.Server(TlsClientAuth::kWant));
    Client c(pki, nullptr);
    REQUIRE(Handshake(c, s, &plain).ok());
    CHECK(s.handshake_done());
    CHECK_FALSE(s.peer_subject().has_value());
  }
  {
    TlsSession s(pki.Server(TlsClientAuth::kNone));
    Client c(pki, pki.client.get());
    REQUIRE(Handshake(c, s, &plain).ok());
    CHECK_FALSE(s.peer_subject().has_value());  // not asked for
  }
}

TEST_CASE("TLS session: bytes that are not TLS are an error, not a crash") {
  Pki pki;
  TlsSession s(pki.Server(TlsClientAuth::kWant));
  std::string plain;
  zk::Status st = s.Feed(std::string("\x00\x00\x00\x2c\x00\x00\x00\x00garbage", 15), &plain);
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().rfind("TLS handshake failed", 0) == 0);
  CHECK(plain.empty());
  CHECK_FALSE(s.handshake_done());
}

TEST_CASE("TLS context: bad files and options are named") {
  Pki pki;
  TlsServerConfig c;
  c.cert_file = c.key_file = pki.dir.File("missing.pem");
  c.ca_file = pki.dir.File("ca.pem");
  auto missing = TlsContext::Create(c);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find(pki.dir.File("missing.pem")) != std::string::npos);
  c.cert_file = c.key_file = pki.dir.File("server.pem");
  c.ca_file = "";
  CHECK_FALSE(TlsContext::Create(c).ok());
  CHECK(*ParseTlsClientAuth("NEED") == TlsClientAuth::kNeed);
  CHECK(*ParseTlsClientAuth("want") == TlsClientAuth::kWant);
  auto bad = ParseTlsClientAuth("maybe");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("maybe") != std::string::npos);
}
