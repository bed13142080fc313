// The connection adapter: the only code in the client that touches sockets.
// It connects one TCP stream (with a connect timeout), hands received bytes
// to a listener and writes what it is given. It knows nothing of ZooKeeper.
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
#include <cstddef>
#include <string>

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
    virtual void OnClosed(const Status& reason) = 0;
  };

  // Starts resolving and connecting. Never calls the listener from inside
  // this call. REQUIRES: listener outlives the connection or calls Close().
  static Connection* Start(uv_loop_t* loop, const HostPort& host,
                           std::chrono::milliseconds connect_timeout, Listener* listener);

  // Queues bytes for writing. Ignored after the connection ended.
  void Write(std::string bytes);

  // Stops everything; no listener call after this. Frees itself later.
  void Close();

  // Bytes handed to Write() that libuv has not yet written.
  size_t PendingWriteBytes() const { return pending_write_bytes_; }

 private:
  Connection(uv_loop_t* loop, Listener* listener);
  ~Connection() = default;

  void Fail(Status reason);
  void ConnectTo(const sockaddr* addr);
  void BeginClose();

  static void OnResolved(uv_getaddrinfo_t* req, int status, addrinfo* res);
  static void OnConnect(uv_connect_t* req, int status);
  static void OnTimeout(uv_timer_t* timer);
  static void OnAlloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void OnWrite(uv_write_t* req, int status);
  static void OnHandleClosed(uv_handle_t* handle);

  uv_loop_t* loop_;
  Listener* listener_;
  uv_tcp_t tcp_;
  uv_timer_t timer_;
  uv_connect_t connect_req_;
  uv_getaddrinfo_t* resolve_req_ = nullptr;  // owned by libuv until its callback
  uint16_t port_ = 0;
  bool tcp_open_ = false;
  bool connected_ = false;
  bool closing_ = false;
  int handles_open_ = 0;
  size_t pending_write_bytes_ = 0;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_CONNECTION_H_
