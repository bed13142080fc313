// The connection adapter: the only code in the client that touches sockets.
// It connects one TCP stream (with a connect timeout), hands received bytes
// to a listener and writes what it is given. It knows nothing of ZooKeeper.
//
// The socket is the adapter's own (non-blocking, close-on-exec), watched by
// a uv_poll_t, and written with sendmsg(MSG_NOSIGNAL): a write to a
// connection the peer closed or reset is a connection loss reported through
// OnClosed, never a SIGPIPE in the application (libuv's uv_write uses
// write(2), which raises it). Nothing here touches signal dispositions.
//
// Addresses: a host name is resolved at every Start (never cached), by the
// system resolver or an injected zk::Resolver. Every address it yields is
// tried, in an order shuffled with the caller's seed (so that many clients
// do not all start with the first record), one at a time until one
// connects. The connect timeout is the budget of the whole attempt,
// resolution included: each address gets an equal share of what is left
// (remaining time / addresses left), so a refused address (ECONNREFUSED,
// EADDRNOTAVAIL, ENETUNREACH: no time spent) passes its share on and one
// that does not answer cannot starve the others. OnClosed comes only when
// every address failed, naming each.
//
// TLS (optional, a TlsContext given to Start): after the TCP connect the
// TLS handshake runs through a TlsEngine (memory BIOs; OpenSSL never sees
// the socket, every byte goes out through the same sendmsg(MSG_NOSIGNAL)
// path) and OnConnected comes only once it is done. The handshake counts
// against the address's share of the connect timeout: a server that never
// finishes it is "TLS handshake timed out" and the next address is tried. A
// verification failure or a handshake the server refuses (ZAUTHFAILED,
// "TLS ...") ends the whole attempt at once: the other addresses of the
// same name would fail alike. Write() and OnData() carry plaintext.
//
// Lifetime (as in uvw): a Connection is heap-allocated and deletes itself in
// libuv's close callback. Close() may be called at any time; after it returns
// the listener is never called again, so the owner may go away.
//
// Thread-safety: loop thread only.
#ifndef ZK_CLIENT_SRC_CONNECTION_H_
#define ZK_CLIENT_SRC_CONNECTION_H_

#include <uv.h>

#include <chrono>
#include <memory>
#include <cstddef>
#include <string>
#include <vector>

#include "tls_engine.h"
#include "zk/client/resolver.h"
#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk::client_internal {

class Connection {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // The TCP connection is established.
    virtual void OnConnected() = 0;
    // Bytes arrived. The span is valid only during the call.
    virtual void OnData(const char* data, size_t len) = 0;
    // The connection failed or ended (not called after Close()). reason is
    // never ok. The Connection is already closing; do not call Close().
    // Never called from inside Start() or Write().
    virtual void OnClosed(const Status& reason) = 0;
  };

  // Starts resolving and connecting. Never calls the listener from inside
  // this call. A non-empty resolver replaces getaddrinfo for a host that is
  // not an IP literal (called from inside this call only). shuffle_seed
  // fixes the order the addresses are tried in. A non-null tls makes it a
  // TLS connection verifying the server against host.host (tls_engine.h).
  // REQUIRES: listener outlives the connection or calls Close().
  static Connection* Start(uv_loop_t* loop, const HostPort& host,
                           std::chrono::milliseconds connect_timeout, Listener* listener,
                           const Resolver& resolver = {}, uint64_t shuffle_seed = 0,
                           std::shared_ptr<const TlsContext> tls = nullptr);

  // Queues bytes for writing (written at once as far as the socket takes
  // them, the rest when it is writable). Ignored before OnConnected and
  // after the connection ended. A failed write is reported later, from the
  // loop, through OnClosed.
  void Write(std::string bytes);

  // Stops everything; no listener call after this. Frees itself later.
  void Close();

  // Bytes not yet written to the socket (with TLS: encrypted bytes).
  size_t PendingWriteBytes() const { return pending_write_bytes_; }

  // The addresses tried so far that failed, in the order tried, each as
  // "127.0.0.1:2181: reason" or "[::1]:2181: reason".
  const std::vector<std::string>& failed_addresses() const { return failures_; }

 private:
  Connection(uv_loop_t* loop, Listener* listener);
  ~Connection() = default;

  // Takes the addresses to try (ports set) in the order shuffle_seed_ gives.
  void SetAddresses(std::vector<sockaddr_storage> addrs);
  // Connects to the next untried address within its share of the budget;
  // when none is left, fails with every address's reason (from a loop
  // callback when in_callback, else later).
  void TryNext(bool in_callback);
  // Opens the socket and starts the non-blocking connect. Ok: in progress.
  Status ConnectTo(const sockaddr_storage& addr);
  // Closes the current address's socket and poll handle (the handle frees
  // itself in its close callback).
  void DropSocket();
  void NoteFailure(Status reason);
  void SetPollEvents(int events);
  void ReadSome();
  // TCP is up: tell the listener, or begin the TLS handshake first.
  void OnTcpConnected();
  // Received bytes through TLS; the handshake's end calls OnConnected.
  void OnTlsBytes(const char* data, size_t len);
  // This address failed before the listener heard OnConnected: try the
  // next one (connection problems), or end the attempt (TLS refusals).
  void FailAddress(Status reason);
  // Appends bytes to the socket's write queue and writes what it takes.
  void QueueRaw(std::string bytes);
  void Flush();
  int SocketError() const;
  // Fail now (from a loop callback) or later (from a call of the owner's).
  void Fail(Status reason);
  void FailLater(Status reason);
  void BeginClose();

  static void OnResolved(uv_getaddrinfo_t* req, int status, addrinfo* res);
  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnTimer(uv_timer_t* timer);
  static void OnHandleClosed(uv_handle_t* handle);
  static void OnPollClosed(uv_handle_t* handle);

  uv_loop_t* loop_;
  Listener* listener_;
  uv_timer_t timer_;           // the connect timeout (per address), then a deferred failure
  uv_poll_t* poll_ = nullptr;  // the current address's; frees itself when closed
  uv_getaddrinfo_t* resolve_req_ = nullptr;  // owned by libuv until its callback
  int fd_ = -1;
  uint64_t socket_gen_ = 0;  // counts DropSocket calls
  std::string name_;  // "host:port" as given, for messages
  uint16_t port_ = 0;
  uint64_t shuffle_seed_ = 0;
  uint64_t deadline_ = 0;  // loop time (ms) the whole attempt must end by
  std::vector<sockaddr_storage> addrs_;
  size_t next_addr_ = 0;               // addrs_[next_addr_ - 1] is the current one
  std::vector<std::string> failures_;  // "address: reason" per address tried
  Status last_failure_;
  int poll_events_ = 0;
  bool connected_ = false;    // the listener heard OnConnected
  bool handshaking_ = false;  // TCP up, TLS handshake running
  std::string host_;          // the name certificates are checked against
  std::shared_ptr<const TlsContext> tls_ctx_;
  std::unique_ptr<TlsEngine> tls_;  // the current address's
  bool closing_ = false;
  bool failure_pending_ = false;
  Status failure_;
  int handles_open_ = 0;
  // Unwritten chunks are out_[out_head_..], the first from out_offset_. A
  // vector (no allocation while empty, as an idle session's is).
  std::vector<std::string> out_;
  size_t out_head_ = 0;
  size_t out_offset_ = 0;
  size_t pending_write_bytes_ = 0;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_CONNECTION_H_
