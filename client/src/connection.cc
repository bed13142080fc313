#include "connection.h"

#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace zk::client_internal {
namespace {

// One read buffer per loop would save memory for idle sessions, but libuv
// allocates per read anyway; a small thread-local slab keeps idle sessions
// free of buffers (read data is consumed synchronously in OnData).
constexpr size_t kReadBufferSize = 64 * 1024;
thread_local char tls_read_buffer[kReadBufferSize];

struct WriteReq {
  uv_write_t req;
  std::string data;
  Connection* conn;
};

Status UvStatus(std::string_view what, int code) {
  return Status(Error::kConnectionLoss, fmt::format("{}: {}", what, uv_strerror(code)));
}

}  // namespace

Connection::Connection(uv_loop_t* loop, Listener* listener) : loop_(loop), listener_(listener) {}

Connection* Connection::Start(uv_loop_t* loop, const HostPort& host,
                              std::chrono::milliseconds connect_timeout, Listener* listener) {
  auto* c = new Connection(loop, listener);
  c->port_ = host.port;
  uv_timer_init(loop, &c->timer_);
  c->timer_.data = c;
  c->handles_open_ = 1;
  uv_timer_start(&c->timer_, &Connection::OnTimeout,
                 static_cast<uint64_t>(std::max<int64_t>(1, connect_timeout.count())), 0);

  sockaddr_storage addr{};
  if (uv_ip4_addr(host.host.c_str(), host.port, reinterpret_cast<sockaddr_in*>(&addr)) == 0 ||
      uv_ip6_addr(host.host.c_str(), host.port, reinterpret_cast<sockaddr_in6*>(&addr)) == 0) {
    c->ConnectTo(reinterpret_cast<sockaddr*>(&addr));
    return c;
  }
  c->resolve_req_ = new uv_getaddrinfo_t;
  c->resolve_req_->data = c;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = uv_getaddrinfo(loop, c->resolve_req_, &Connection::OnResolved, host.host.c_str(),
                          nullptr, &hints);
  if (rc != 0) {
    delete c->resolve_req_;
    c->resolve_req_ = nullptr;
    // Report asynchronously: the listener must not be called from Start().
    uv_timer_start(&c->timer_, &Connection::OnTimeout, 0, 0);
  }
  return c;
}

void Connection::OnResolved(uv_getaddrinfo_t* req, int status, addrinfo* res) {
  auto* c = static_cast<Connection*>(req->data);
  delete req;
  if (c == nullptr) {  // the connection was closed while resolving
    uv_freeaddrinfo(res);
    return;
  }
  c->resolve_req_ = nullptr;
  if (status != 0 || res == nullptr) {
    uv_freeaddrinfo(res);
    c->Fail(UvStatus("resolve", status != 0 ? status : UV_EAI_NONAME));
    return;
  }
  sockaddr_storage addr{};
  std::memcpy(&addr, res->ai_addr, res->ai_addrlen);
  uv_freeaddrinfo(res);
  if (addr.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&addr)->sin_port = htons(c->port_);
  } else {
    reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = htons(c->port_);
  }
  c->ConnectTo(reinterpret_cast<sockaddr*>(&addr));
}

void Connection::ConnectTo(const sockaddr* addr) {
  uv_tcp_init(loop_, &tcp_);
  tcp_.data = this;
  tcp_open_ = true;
  ++handles_open_;
  uv_tcp_nodelay(&tcp_, 1);
  connect_req_.data = this;
  int rc = uv_tcp_connect(&connect_req_, &tcp_, addr, &Connection::OnConnect);
  if (rc != 0) {
    // Deliver from the loop, never from Start().
    uv_timer_start(&timer_, &Connection::OnTimeout, 0, 0);
  }
}

void Connection::OnConnect(uv_connect_t* req, int status) {
  auto* c = static_cast<Connection*>(req->data);
  if (c->closing_) return;
  if (status != 0) {
    c->Fail(UvStatus("connect", status));
    return;
  }
  uv_timer_stop(&c->timer_);
  c->connected_ = true;
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp_), &Connection::OnAlloc,
                &Connection::OnRead);
  c->listener_->OnConnected();
}

void Connection::OnTimeout(uv_timer_t* timer) {
  auto* c = static_cast<Connection*>(timer->data);
  if (c->closing_ || c->connected_) return;
  c->Fail(Status(Error::kConnectionLoss, "connect timed out or failed"));
}

void Connection::OnAlloc(uv_handle_t*, size_t, uv_buf_t* buf) {
  buf->base = tls_read_buffer;
  buf->len = kReadBufferSize;
}

void Connection::OnRead(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(stream->data);
  if (c->closing_) return;
  if (nread > 0) {
    c->listener_->OnData(buf->base, static_cast<size_t>(nread));
  } else if (nread == UV_EOF) {
    c->Fail(Status(Error::kConnectionLoss, "server closed the connection"));
  } else if (nread < 0) {
    c->Fail(UvStatus("read", static_cast<int>(nread)));
  }
}

void Connection::Write(std::string bytes) {
  if (closing_ || !connected_ || bytes.empty()) return;
  auto* w = new WriteReq{{}, std::move(bytes), this};
  w->req.data = w;
  uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  pending_write_bytes_ += w->data.size();
  int rc = uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, &Connection::OnWrite);
  if (rc != 0) {
    pending_write_bytes_ -= w->data.size();
    delete w;
    Fail(UvStatus("write", rc));
  }
}

void Connection::OnWrite(uv_write_t* req, int status) {
  auto* w = static_cast<WriteReq*>(req->data);
  Connection* c = w->conn;
  c->pending_write_bytes_ -= w->data.size();
  delete w;
  // Write requests complete (with UV_ECANCELED) before the close callback,
  // so c is still alive here.
  if (status != 0 && !c->closing_) c->Fail(UvStatus("write", status));
}

void Connection::Fail(Status reason) {
  if (closing_) return;
  Listener* l = listener_;
  BeginClose();
  l->OnClosed(reason);
}

void Connection::Close() {
  if (closing_) return;
  BeginClose();
}

void Connection::BeginClose() {
  closing_ = true;
  listener_ = nullptr;
  if (resolve_req_ != nullptr) {
    resolve_req_->data = nullptr;  // OnResolved frees the request
    uv_cancel(reinterpret_cast<uv_req_t*>(resolve_req_));
    resolve_req_ = nullptr;
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &Connection::OnHandleClosed);
  if (tcp_open_) uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &Connection::OnHandleClosed);
}

void Connection::OnHandleClosed(uv_handle_t* handle) {
  auto* c = static_cast<Connection*>(handle->data);
  if (--c->handles_open_ == 0) delete c;
}

}  // namespace zk::client_internal
