#include "tls_engine.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <utility>

namespace zk::client_internal {
namespace {

// The OpenSSL error queue as one line (and empties it).
std::string OpenSslErrors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    // "error:0A000086:SSL routines::certificate verify failed": keep the
    // reason, the part people read.
    const char* reason = ERR_reason_error_string(e);
    out += reason != nullptr ? reason : buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

Status BadOption(std::string_view option, std::string_view what) {
  return Status(Error::kBadArguments, fmt::format("tls.{}: {}", option, what));
}

std::string NameRfc2253(X509_NAME* name) {
  if (name == nullptr) return {};
  BIO* b = BIO_new(BIO_s_mem());
  if (b == nullptr) return {};
  X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  std::string out(data, n > 0 ? static_cast<size_t>(n) : 0);
  BIO_free(b);
  return out;
}

int VersionFromName(std::string_view name) {
  if (name == "TLSv1.2") return TLS1_2_VERSION;
  if (name == "TLSv1.3") return TLS1_3_VERSION;
  return 0;
}

int PasswordCallback(char* buf, int size, int /*rwflag*/, void* userdata) {
  const auto* pw = static_cast<const std::string*>(userdata);
  if (pw == nullptr || size <= 0) return 0;
  int n = static_cast<int>(std::min<size_t>(pw->size(), static_cast<size_t>(size)));
  std::memcpy(buf, pw->data(), static_cast<size_t>(n));
  return n;
}

// A certificate verification error as one of the documented kinds.
std::string VerifyFailure(long result) {
  const char* detail = X509_verify_cert_error_string(result);
  switch (result) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
    case X509_V_ERR_EMAIL_MISMATCH:
      return fmt::format("TLS host name mismatch: {}", detail);
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CRL_HAS_EXPIRED:
      return fmt::format("TLS certificate expired: {}", detail);
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CERT_REJECTED:
      return fmt::format("TLS certificate untrusted: {}", detail);
    default:
      return fmt::format("TLS certificate rejected: {}", detail);
  }
}

}  // namespace

// ---------------------------------------------------------------- context

TlsContext::~TlsContext() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

Result<std::shared_ptr<TlsContext>> TlsContext::ForClient(const TlsOptions& options) {
  std::shared_ptr<TlsContext> c(new TlsContext());
  c->verify_host_name_ = options.verify_host_name;
  c->key_password_ = options.key_password;
  c->ctx_ = SSL_CTX_new(TLS_client_method());
  if (c->ctx_ == nullptr) return Status(Error::kSystemError, "SSL_CTX_new: " + OpenSslErrors());
  SSL_CTX* ctx = c->ctx_;

  int min = VersionFromName(options.min_version.empty() ? "TLSv1.2" : options.min_version);
  if (min == 0) {
    return BadOption("min_version",
                     fmt::format("'{}' is not TLSv1.2 or TLSv1.3", options.min_version));
  }
  int max = options.max_version.empty() ? 0 : VersionFromName(options.max_version);
  if (!options.max_version.empty() && max == 0) {
    return BadOption("max_version",
                     fmt::format("'{}' is not TLSv1.2 or TLSv1.3", options.max_version));
  }
  if (max != 0 && max < min) return BadOption("max_version", "lower than min_version");
  SSL_CTX_set_min_proto_version(ctx, min);
  SSL_CTX_set_max_proto_version(ctx, max);
  if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, options.ciphers.c_str()) != 1) {
    return BadOption("ciphers", fmt::format("'{}': {}", options.ciphers, OpenSslErrors()));
  }
  if (!options.ciphersuites.empty() &&
      SSL_CTX_set_ciphersuites(ctx, options.ciphersuites.c_str()) != 1) {
    return BadOption("ciphersuites",
                     fmt::format("'{}': {}", options.ciphersuites, OpenSslErrors()));
  }

  if (options.ca_file.empty() && options.ca_dir.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      return BadOption("ca_file", "empty, and the system's CA store cannot be loaded: " +
                                      OpenSslErrors());
    }
  } else if (SSL_CTX_load_verify_locations(
                 ctx, options.ca_file.empty() ? nullptr : options.ca_file.c_str(),
                 options.ca_dir.empty() ? nullptr : options.ca_dir.c_str()) != 1) {
    return BadOption(options.ca_file.empty() ? "ca_dir" : "ca_file",
                     fmt::format("cannot load '{}': {}",
                                 options.ca_file.empty() ? options.ca_dir : options.ca_file,
                                 OpenSslErrors()));
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);

  if (options.cert_file.empty() != options.key_file.empty()) {
    return BadOption(options.cert_file.empty() ? "cert_file" : "key_file",
                     "a client certificate needs both cert_file and key_file");
  }
  if (!options.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
      return BadOption("cert_file", fmt::format("cannot load certificate '{}': {}",
                                                options.cert_file, OpenSslErrors()));
    }
    SSL_CTX_set_default_passwd_cb(ctx, &PasswordCallback);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &c->key_password_);
    if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return BadOption("key_file",
                       fmt::format("cannot load private key '{}' (wrong key_password?): {}",
                                   options.key_file, OpenSslErrors()));
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      return BadOption("key_file", fmt::format("'{}' does not match the certificate '{}'",
                                               options.key_file, options.cert_file));
    }
    c->own_subject_ = NameRfc2253(X509_get_subject_name(SSL_CTX_get0_certificate(ctx)));
  }
  // Our own send path writes whatever the engine produced; partial records
  // never reach OpenSSL's write side.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  ERR_clear_error();
  return c;
}

Result<std::shared_ptr<TlsContext>> TlsContext::ForServer(const TlsOptions& options,
                                                          bool require_client_cert) {
  if (options.cert_file.empty() || options.key_file.empty()) {
    return BadOption("cert_file", "a server needs cert_file and key_file");
  }
  std::shared_ptr<TlsContext> c(new TlsContext());
  c->server_ = true;
  c->key_password_ = options.key_password;
  c->ctx_ = SSL_CTX_new(TLS_server_method());
  if (c->ctx_ == nullptr) return Status(Error::kSystemError, "SSL_CTX_new: " + OpenSslErrors());
  SSL_CTX* ctx = c->ctx_;
  int min = VersionFromName(options.min_version.empty() ? "TLSv1.2" : options.min_version);
  int max = options.max_version.empty() ? 0 : VersionFromName(options.max_version);
  if (min == 0 || (!options.max_version.empty() && max == 0)) {
    return BadOption("min_version", "versions are TLSv1.2 or TLSv1.3");
  }
  SSL_CTX_set_min_proto_version(ctx, min);
  SSL_CTX_set_max_proto_version(ctx, max);
  if (!options.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, options.ciphers.c_str()) != 1) {
    return BadOption("ciphers", OpenSslErrors());
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
    return BadOption("cert_file", fmt::format("cannot load '{}': {}", options.cert_file,
                                              OpenSslErrors()));
  }
  SSL_CTX_set_default_passwd_cb(ctx, &PasswordCallback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, &c->key_password_);
  if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    return BadOption("key_file", fmt::format("cannot use '{}': {}", options.key_file,
                                             OpenSslErrors()));
  }
  if (!options.ca_file.empty() || !options.ca_dir.empty()) {
    if (SSL_CTX_load_verify_locations(
            ctx, options.ca_file.empty() ? nullptr : options.ca_file.c_str(),
            options.ca_dir.empty() ? nullptr : options.ca_dir.c_str()) != 1) {
      return BadOption("ca_file", OpenSslErrors());
    }
  }
  SSL_CTX_set_verify(ctx,
                     require_client_cert ? (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT)
                                         : SSL_VERIFY_NONE,
                     nullptr);
  c->own_subject_ = NameRfc2253(X509_get_subject_name(SSL_CTX_get0_certificate(ctx)));
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  ERR_clear_error();
  return c;
}

// ---------------------------------------------------------------- engine

TlsEngine::~TlsEngine() {
  if (ssl_ != nullptr) SSL_free(ssl_);  // frees both BIOs
}

Result<std::unique_ptr<TlsEngine>> TlsEngine::Create(std::shared_ptr<const TlsContext> ctx,
                                                     std::string_view host) {
  if (ctx == nullptr) return Status(Error::kBadArguments, "TLS engine without a context");
  std::unique_ptr<TlsEngine> e(new TlsEngine());
  e->ctx_ = std::move(ctx);
  e->ssl_ = SSL_new(e->ctx_->raw());
  if (e->ssl_ == nullptr) return Status(Error::kSystemError, "SSL_new: " + OpenSslErrors());
  e->in_ = BIO_new(BIO_s_mem());
  e->out_ = BIO_new(BIO_s_mem());
  if (e->in_ == nullptr || e->out_ == nullptr) {
    if (e->in_ != nullptr) BIO_free(e->in_);
    if (e->out_ != nullptr) BIO_free(e->out_);
    return Status(Error::kSystemError, "BIO_new: " + OpenSslErrors());
  }
  // An empty memory BIO is "retry later", not end of file.
  BIO_set_mem_eof_return(e->in_, -1);
  BIO_set_mem_eof_return(e->out_, -1);
  SSL_set_bio(e->ssl_, e->in_, e->out_);
  if (e->ctx_->is_server()) {
    SSL_set_accept_state(e->ssl_);
    return e;
  }
  SSL_set_connect_state(e->ssl_);
  // An IPv6 literal may carry a scope ("fe80::1%eth0"); certificates don't.
  e->host_ = std::string(host.substr(0, host.find('%')));
  if (e->host_.empty()) return e;
  ASN1_OCTET_STRING* ip = a2i_IPADDRESS(e->host_.c_str());
  const bool is_ip = ip != nullptr;
  if (ip != nullptr) ASN1_OCTET_STRING_free(ip);
  if (!is_ip) SSL_set_tlsext_host_name(e->ssl_, e->host_.c_str());
  if (e->ctx_->verify_host_name()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(e->ssl_);
    int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, e->host_.c_str())
                   : X509_VERIFY_PARAM_set1_host(param, e->host_.c_str(), 0);
    if (ok != 1) {
      return Status(Error::kBadArguments,
                    fmt::format("TLS: cannot verify against host '{}': {}", e->host_,
                                OpenSslErrors()));
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  }
  return e;
}

Status TlsEngine::Start() {
  if (!dead_.ok()) return dead_;
  started_ = true;
  return Advance(nullptr);
}

Status TlsEngine::Feed(const char* data, size_t len, std::string* plain) {
  if (!dead_.ok()) return dead_;
  started_ = true;
  while (len > 0) {
    int n = BIO_write(in_, data, static_cast<int>(std::min<size_t>(len, 1 << 30)));
    if (n <= 0) {
      dead_ = Status(Error::kConnectionLoss, "TLS: cannot buffer received bytes");
      return dead_;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  return Advance(plain);
}

Status TlsEngine::Advance(std::string* plain) {
  if (!established_) {
    ERR_clear_error();
    int rc = SSL_do_handshake(ssl_);
    if (rc != 1) {
      int err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Status();
      return Failure(err, "handshake");
    }
    established_ = true;
    Status st = FlushPendingWrites();
    if (!st.ok()) return st;
  }
  if (plain == nullptr) return Status();
  char buf[16 * 1024];
  for (;;) {
    ERR_clear_error();
    int n = SSL_read(ssl_, buf, sizeof buf);
    if (n > 0) {
      got_app_data_ = true;
      plain->append(buf, static_cast<size_t>(n));
      continue;
    }
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Status();
    if (err == SSL_ERROR_ZERO_RETURN) {
      peer_closed_ = true;
      return Status();
    }
    return Failure(err, "read");
  }
}

Status TlsEngine::Failure(int ssl_error, std::string_view during) {
  std::string errors = ssl_error == SSL_ERROR_SSL ? OpenSslErrors() : std::string();
  long verify = SSL_get_verify_result(ssl_);
  if (!ctx_->is_server() && verify != X509_V_OK) {
    dead_ = Status(Error::kAuthFailed, VerifyFailure(verify));
  } else if (ssl_error == SSL_ERROR_SSL && !got_app_data_) {
    // The peer refused us (an alert such as "certificate required" or
    // "bad certificate"; with TLS 1.3 a server's verdict on our certificate
    // arrives after our side of the handshake ended) or spoke no TLS.
    dead_ = Status(Error::kAuthFailed, fmt::format("TLS handshake failed: {}", errors));
  } else {
    dead_ = Status(Error::kConnectionLoss,
                   fmt::format("TLS {} failed: {}", during,
                               errors.empty() ? fmt::format("SSL error {}", ssl_error) : errors));
  }
  return dead_;
}

Status TlsEngine::FlushPendingWrites() {
  if (pending_plain_.empty()) return Status();
  std::string p = std::move(pending_plain_);
  pending_plain_.clear();
  return Write(p);
}

Status TlsEngine::Write(std::string_view plain) {
  if (!dead_.ok()) return dead_;
  if (!established_) {
    pending_plain_.append(plain);
    return Status();
  }
  while (!plain.empty()) {
    ERR_clear_error();
    int n = SSL_write(ssl_, plain.data(), static_cast<int>(std::min<size_t>(plain.size(), 1 << 30)));
    if (n <= 0) return Failure(SSL_get_error(ssl_, n), "write");
    plain.remove_prefix(static_cast<size_t>(n));
  }
  return Status();
}

std::string TlsEngine::TakeOutput() {
  std::string out;
  size_t pending = BIO_ctrl_pending(out_);
  if (pending == 0) return out;
  out.resize(pending);
  int n = BIO_read(out_, out.data(), static_cast<int>(pending));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

std::string TlsEngine::version() const { return established_ ? SSL_get_version(ssl_) : ""; }

std::string TlsEngine::cipher() const {
  const char* c = established_ ? SSL_get_cipher_name(ssl_) : nullptr;
  return c != nullptr ? c : "";
}

std::string TlsEngine::peer_subject() const {
  X509* peer = SSL_get0_peer_certificate(ssl_);
  return peer != nullptr ? NameRfc2253(X509_get_subject_name(peer)) : std::string();
}

}  // namespace zk::client_internal
