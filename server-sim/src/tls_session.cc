#include "tls_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "x509_name.h"

namespace zk::sim {
namespace {

// OpenSSL's queued errors as one line (and the queue emptied).
std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

Status FileError(const std::string& what, const std::string& path) {
  return Status(Error::kBadArguments, fmt::format("{} {}: {}", what, path, OpenSslErrors()));
}

}  // namespace

Result<TlsClientAuth> ParseTlsClientAuth(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "none") return TlsClientAuth::kNone;
  if (lower == "want") return TlsClientAuth::kWant;
  if (lower == "need") return TlsClientAuth::kNeed;
  return Status(Error::kBadArguments,
                fmt::format("bad TLS client auth \"{}\": want none, want or need", text));
}

Result<std::shared_ptr<TlsContext>> TlsContext::Create(const TlsServerConfig& config) {
  if (config.cert_file.empty() || config.key_file.empty() || config.ca_file.empty())
    return Status(Error::kBadArguments, "TLS needs a certificate, a key and a CA file");
  ERR_clear_error();
  std::shared_ptr<TlsContext> out(new TlsContext);
  out->client_auth_ = config.client_auth;
  out->ctx_ = SSL_CTX_new(TLS_server_method());
  if (out->ctx_ == nullptr)
    return Status(Error::kSystemError, "SSL_CTX_new: " + OpenSslErrors());
  SSL_CTX* ctx = out->ctx_;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx, config.cert_file.c_str()) != 1)
    return FileError("TLS certificate", config.cert_file);
  if (SSL_CTX_use_PrivateKey_file(ctx, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return Status(Error::kBadArguments,
                    fmt::format("TLS key {} does not match the certificate {}", config.key_file,
                                config.cert_file));
    }
    return FileError("TLS key", config.key_file);
  }
  if (SSL_CTX_load_verify_locations(ctx, config.ca_file.c_str(), nullptr) != 1)
    return FileError("TLS CA file", config.ca_file);
  // The CAs named in the CertificateRequest, so clients pick a matching
  // certificate.
  if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.ca_file.c_str()))
    SSL_CTX_set_client_CA_list(ctx, names);
  int mode = SSL_VERIFY_NONE;
  if (config.client_auth == TlsClientAuth::kWant) mode = SSL_VERIFY_PEER;
  if (config.client_auth == TlsClientAuth::kNeed)
    mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  // No session tickets: every connection does a full handshake, so each one
  // has its client certificate (and its x509 identity).
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  return out;
}

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

TlsSession::TlsSession(std::shared_ptr<TlsContext> ctx) : ctx_(std::move(ctx)) {
  ssl_ = SSL_new(ctx_->ctx());
  BIO* rbio = BIO_new(BIO_s_mem());
  BIO* wbio = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl_, rbio, wbio);
  SSL_set_accept_state(ssl_);
}

TlsSession::~TlsSession() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

Status TlsSession::Feed(std::string_view cipher, std::string* plain) {
  ERR_clear_error();
  if (!cipher.empty() &&
      BIO_write(SSL_get_rbio(ssl_), cipher.data(), static_cast<int>(cipher.size())) <= 0)
    return Status(Error::kSystemError, "TLS: cannot buffer input");
  if (!handshake_done_) {
    int rc = SSL_do_handshake(ssl_);
    if (rc != 1) {
      int err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Status();
      long verify = SSL_get_verify_result(ssl_);
      std::string why = OpenSslErrors();
      if (verify != X509_V_OK)
        why += fmt::format(" (certificate: {})", X509_verify_cert_error_string(verify));
      return Status(Error::kAuthFailed, "TLS handshake failed: " + why);
    }
    handshake_done_ = true;
    if (X509* peer = SSL_get1_peer_certificate(ssl_)) {
      peer_subject_ = Rfc2253Name(X509_get_subject_name(peer));
      X509_free(peer);
    }
  }
  char buf[16384];
  for (;;) {
    int n = SSL_read(ssl_, buf, sizeof(buf));
    if (n > 0) {
      plain->append(buf, static_cast<size_t>(n));
      continue;
    }
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Status();
    if (err == SSL_ERROR_ZERO_RETURN) {
      peer_closed_ = true;
      return Status();
    }
    return Status(Error::kConnectionLoss, "TLS record error: " + OpenSslErrors());
  }
}

std::string TlsSession::Encrypt(std::string_view plain) {
  ERR_clear_error();
  size_t done = 0;
  while (done < plain.size()) {
    size_t written = 0;
    // A memory BIO grows as needed: the write takes everything.
    if (SSL_write_ex(ssl_, plain.data() + done, plain.size() - done, &written) != 1) break;
    done += written;
  }
  return TakeOutput();
}

std::string TlsSession::CloseNotify() {
  if (!handshake_done_ || (SSL_get_shutdown(ssl_) & SSL_SENT_SHUTDOWN) != 0) return {};
  ERR_clear_error();
  (void)SSL_shutdown(ssl_);  // 0: sent, the peer's not received yet; we do not wait
  ERR_clear_error();
  return TakeOutput();
}

std::string TlsSession::TakeOutput() {
  BIO* w = SSL_get_wbio(ssl_);
  std::string out;
  char* data = nullptr;
  long n = BIO_get_mem_data(w, &data);
  if (n > 0) out.assign(data, static_cast<size_t>(n));
  (void)BIO_reset(w);
  return out;
}

}  // namespace zk::sim
