// SimServerImpl's TLS side (sim_server_impl.h): the context, the secure
// listeners, and the adapter between a TLS connection's socket bytes and its
// ServerConnection. Ciphertext read from libuv goes through the connection's
// TlsSession (decrypt after read); replies are sealed before WriteNoSignal
// (encrypt before write); handshake records are written as they come.
#include <fmt/format.h>

#include "sim_server_impl.h"
#include "tcp_write.h"

namespace zk::sim {

Status SimServerImpl::SetUpTls() {
  if (opts.tls_cert.empty()) return Status();
  auto auth = ParseTlsClientAuth(opts.tls_client_auth);
  if (!auth.ok()) return auth.status();
  TlsServerConfig config;
  config.cert_file = opts.tls_cert;
  config.key_file = opts.tls_key.empty() ? opts.tls_cert : opts.tls_key;
  config.ca_file = opts.tls_ca;
  config.client_auth = *auth;
  auto ctx = TlsContext::Create(config);
  if (!ctx.ok()) return ctx.status();
  tls = *ctx;
  return Status();
}

Status SimServerImpl::ListenSecure(int64_t server, int port) {
  if (!tls) return Status();
  uv_tcp_t* l = nullptr;
  int bound = 0;
  Status st = Listen(server, port, &l, &bound, /*secure=*/true);
  if (!st.ok()) return st;
  secure_listeners[server] = l;
  secure_ports[server] = bound;
  return Status();
}

void SimServerImpl::OnSecureRead(UvConn* c, std::string_view cipher) {
  const bool was_done = c->tls->handshake_done();
  std::string plain;
  Status st = c->tls->Feed(cipher, &plain);
  std::string out = c->tls->TakeOutput();
  if (!out.empty() && !WriteNoSignal(&c->tcp, std::move(out))) {
    Close(c->id, "client closed the connection");
    return;
  }
  if (!st.ok()) {
    Close(c->id, st.message());
    return;
  }
  if (!was_done && c->tls->handshake_done()) {
    // NettyServerCnxnFactory's CertificateVerifier: a client certificate
    // (asked for with want/need) authenticates the connection as x509.
    // X509AuthenticationProvider: the super user also gets super:"" (what a
    // real ZooKeeper 3.8.0 shows in whoami), added before x509:<subject>.
    if (const auto& subject = c->tls->peer_subject()) {
      if (!opts.x509_super_user.empty() && *subject == opts.x509_super_user)
        c->proto->AddAuth({"super", ""});
      c->proto->AddAuth({"x509", *subject});
    }
  }
  const uint64_t id = c->id;
  if (!plain.empty()) c->proto->Feed(plain);
  // Feed may have closed (and freed on the next loop turn) the connection.
  auto it = conns.find(id);
  if (it != conns.end() && it->second->tls->peer_closed())
    Close(id, "client closed the connection");
}

std::string SimServerImpl::Seal(UvConn* c, std::string bytes) {
  if (!c->tls || !c->tls->handshake_done()) return bytes;
  return c->tls->Encrypt(bytes);
}

}  // namespace zk::sim
