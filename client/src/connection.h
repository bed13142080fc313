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
#include <vector>

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
  // this call. REQUIRES: listener outlives the connection or calls Close().
  static Connection* Start(uv_loop_t* loop, const HostPort& host,
                           std::chrono::milliseconds connect_timeout, Listener* listener);

  // Queues bytes for writing (written at once as far as the socket takes
  // them, the rest when it is writable). Ignored before OnConnected and
  // after the connection ended. A failed write is reported later, from the
  // loop, through OnClosed.
  void Write(std::string bytes);

  // Stops everything; no listener call after this. Frees itself later.
  void Close();

  // Bytes handed to Write() that are not yet written to the socket.
  size_t PendingWriteBytes() const { return pending_write_bytes_; }

 private:
  Connection(uv_loop_t* loop, Listener* listener);
  ~Connection() = default;

  void ConnectTo(const sockaddr* addr);
  void SetPollEvents(int events);
  void ReadSome();
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

  uv_loop_t* loop_;
  Listener* listener_;
  uv_timer_t timer_;  // the connect timeout, then a deferred failure
  uv_poll_t poll_;
  uv_getaddrinfo_t* resolve_req_ = nullptr;  // owned by libuv until its callback
  int fd_ = -1;
  uint16_t port_ = 0;
  int poll_events_ = 0;
  bool poll_open_ = false;
  bool connected_ = false;
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
