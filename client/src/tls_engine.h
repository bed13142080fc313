// The TLS engine: OpenSSL 3 driven through memory BIOs, bytes in and bytes
// out. It owns no socket and does no I/O: the connection feeds it what the
// socket delivered and writes what it produced with its own send path
// (sendmsg(MSG_NOSIGNAL)), so OpenSSL can never raise SIGPIPE or block.
//
//   TlsContext  the configuration (OpenSSL's SSL_CTX): files read once,
//               shared by every connection of a session; immutable after
//               creation, so sharing it between threads is safe.
//   TlsEngine   one connection's TLS state (OpenSSL's SSL).
//
// Driving an engine:
//   engine->Start();                 // client: the ClientHello is now output
//   send(engine->TakeOutput());
//   on bytes from the peer: engine->Feed(data, len, &plain); send(TakeOutput())
//   engine->established()            // handshake done: Write() may be used
//   engine->Write(plain); send(engine->TakeOutput());
//
// Errors are values (zk::Status). Verification and handshake failures have
// code ZAUTHFAILED and a message starting with "TLS " naming the problem
// (tls_options.h lists them); everything else is ZCONNECTIONLOSS.
//
// Thread-safety: a TlsEngine is used by one thread at a time.
#ifndef ZK_CLIENT_SRC_TLS_ENGINE_H_
#define ZK_CLIENT_SRC_TLS_ENGINE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "zk/client/tls_options.h"
#include "zk/wire/status.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace zk::client_internal {

class TlsContext {
 public:
  // A client context from the options. Errors (kBadArguments) name the
  // option and file: a missing CA file, a key that does not match its
  // certificate, a wrong key password, an unknown version or cipher list.
  static Result<std::shared_ptr<TlsContext>> ForClient(const TlsOptions& options);

  // A server context (tests, tools): certificate + key, the CAs client
  // certificates are verified against (with require_client_cert a client
  // without a valid one is refused). Same option fields as the client's;
  // verify_host_name is ignored.
  static Result<std::shared_ptr<TlsContext>> ForServer(const TlsOptions& options,
                                                       bool require_client_cert);

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  bool is_server() const { return server_; }
  bool verify_host_name() const { return verify_host_name_; }
  // The subject of our own certificate as ZooKeeper's x509 auth provider
  // names it (RFC 2253, most specific first: "CN=client,O=zk"); "" without
  // a certificate.
  const std::string& own_subject() const { return own_subject_; }

  SSL_CTX* raw() const { return ctx_; }

 private:
  TlsContext() = default;
  SSL_CTX* ctx_ = nullptr;
  bool server_ = false;
  bool verify_host_name_ = true;
  std::string own_subject_;
  std::string key_password_;
};

class TlsEngine {
 public:
  // `host`: the name or IP literal (no brackets) the peer certificate must
  // carry, and the SNI name (names only). Ignored for a server context and
  // when the context does not verify names.
  static Result<std::unique_ptr<TlsEngine>> Create(std::shared_ptr<const TlsContext> ctx,
                                                   std::string_view host);
  ~TlsEngine();
  TlsEngine(const TlsEngine&) = delete;
  TlsEngine& operator=(const TlsEngine&) = delete;

  // Begins the handshake (a client's first flight becomes output).
  Status Start();
  // Takes bytes received from the peer; advances the handshake and appends
  // the application data they complete to *plain. After an error the engine
  // is dead: every later call fails the same way.
  Status Feed(const char* data, size_t len, std::string* plain);
  // Encrypts application data into the output. Before the handshake is
  // done the data is kept and encrypted once it is.
  Status Write(std::string_view plain);
  // The bytes to send to the peer, in order (moved out).
  std::string TakeOutput();

  bool established() const { return established_; }
  // The peer sent close_notify: no more application data comes.
  bool peer_closed() const { return peer_closed_; }
  // After the handshake: "TLSv1.3", the cipher, the peer's subject (RFC
  // 2253, "" if it sent no certificate).
  std::string version() const;
  std::string cipher() const;
  std::string peer_subject() const;

 private:
  TlsEngine() = default;
  Status Advance(std::string* plain);
  Status Failure(int ssl_error, std::string_view during);
  Status FlushPendingWrites();

  std::shared_ptr<const TlsContext> ctx_;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // network bytes we received; owned by ssl_
  BIO* out_ = nullptr;  // network bytes to send; owned by ssl_
  bool started_ = false;
  bool established_ = false;
  bool peer_closed_ = false;
  bool got_app_data_ = false;
  std::string host_;
  std::string pending_plain_;  // written before the handshake ended
  Status dead_;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_TLS_ENGINE_H_
