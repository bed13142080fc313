// zksim's TLS listener side: one server context per ensemble (certificate,
// key, trusted CA, client-certificate policy) and one session per accepted
// connection, driven through OpenSSL memory BIOs so that it does no I/O of
// its own: ciphertext from the socket goes in through Feed(), plaintext for
// the protocol comes out; plaintext replies go in through Encrypt() and
// ciphertext for WriteNoSignal comes out (sim_server.cc does the socket side).
#ifndef ZK_SIM_TLS_SESSION_H_
#define ZK_SIM_TLS_SESSION_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "zk/wire/status.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace zk::sim {

// ZooKeeper's ssl.clientAuth: none (no certificate asked), want (asked,
// optional), need (required; ZooKeeper's default).
enum class TlsClientAuth { kNone, kWant, kNeed };

// "none" | "want" | "need", in any case (Java's ClientAuth.valueOf on the
// upper-cased value); anything else is an error naming the value.
Result<TlsClientAuth> ParseTlsClientAuth(std::string_view text);

struct TlsServerConfig {
  std::string cert_file;  // PEM: the server's certificate (chain)
  std::string key_file;   // PEM: its private key (may be the same file)
  std::string ca_file;    // PEM: CAs trusted for client certificates
  TlsClientAuth client_auth = TlsClientAuth::kNeed;
  bool enabled() const { return !cert_file.empty(); }
};

class TlsContext {
 public:
  // Loads the files (TLS 1.2 or later only). Errors name the file and
  // OpenSSL's reason: an unreadable file, a key that does not match the
  // certificate, a CA file without certificates.
  static Result<std::shared_ptr<TlsContext>> Create(const TlsServerConfig& config);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* ctx() const { return ctx_; }
  TlsClientAuth client_auth() const { return client_auth_; }

 private:
  TlsContext() = default;
  SSL_CTX* ctx_ = nullptr;
  TlsClientAuth client_auth_ = TlsClientAuth::kNeed;
};

// One accepted connection's TLS state (server side).
class TlsSession {
 public:
  explicit TlsSession(std::shared_ptr<TlsContext> ctx);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Takes ciphertext from the peer; appends the decrypted application data
  // to `*plain`. An error (handshake failure, bad record, a refused or
  // missing client certificate) means the connection must be closed; its
  // message is the reason to log. A close_notify from the peer sets
  // peer_closed().
  Status Feed(std::string_view cipher, std::string* plain);
  // Encrypts application data; returns the ciphertext to write (with any
  // handshake bytes still pending before it). REQUIRES: handshake_done().
  std::string Encrypt(std::string_view plain);
  // Ciphertext produced by the handshake (or alerts) and not taken yet.
  std::string TakeOutput();
  // The close_notify alert to send before closing the socket (empty before
  // the handshake completed or when already sent).
  std::string CloseNotify();

  bool handshake_done() const { return handshake_done_; }
  bool peer_closed() const { return peer_closed_; }
  // The verified client certificate's subject in RFC 2253 form, as Java's
  // X500Principal.getName() prints it (x509_name.h); nullopt when the
  // client sent no certificate. Valid once handshake_done().
  const std::optional<std::string>& peer_subject() const { return peer_subject_; }

 private:
  std::shared_ptr<TlsContext> ctx_;
  SSL* ssl_ = nullptr;
  bool handshake_done_ = false;
  bool peer_closed_ = false;
  std::optional<std::string> peer_subject_;
};

}  // namespace zk::sim

#endif  // ZK_SIM_TLS_SESSION_H_
