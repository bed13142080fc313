#include "connection.h"

#include <errno.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <utility>

namespace zk::client_internal {
namespace {

// Received bytes are consumed synchronously in OnData, so one buffer per
// loop thread serves every connection and an idle session holds none. It is
// allocated on the first read of a thread: a thread_local array would add
// its 64 KiB to every thread of the application, SDK user or not.
constexpr size_t kReadBufferSize = 64 * 1024;
thread_local std::unique_ptr<char[]> tls_read_buffer;

char* ReadBuffer() {
  if (!tls_read_buffer) tls_read_buffer = std::make_unique<char[]>(kReadBufferSize);
  return tls_read_buffer.get();
}

// Reads per readiness event before other handles get their turn.
constexpr int kMaxReadsPerEvent = 16;
// Queued chunks handed to one sendmsg().
constexpr size_t kMaxIov = 64;

Status SysStatus(std::string_view what, int err) {
  return Status(Error::kConnectionLoss, fmt::format("{}: {}", what, std::strerror(err)));
}

Status UvStatus(std::string_view what, int code) {
  return Status(Error::kConnectionLoss, fmt::format("{}: {}", what, uv_strerror(code)));
}

// An IPv4 or IPv6 literal (IPv6 without brackets, optionally with a %scope).
bool IpLiteral(const HostPort& h, sockaddr_storage* out) {
  *out = sockaddr_storage{};
  return uv_ip4_addr(h.host.c_str(), h.port, reinterpret_cast<sockaddr_in*>(out)) == 0 ||
         uv_ip6_addr(h.host.c_str(), h.port, reinterpret_cast<sockaddr_in6*>(out)) == 0;
}

void SetPort(sockaddr_storage* addr, uint16_t port) {
  if (addr->ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(addr)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(addr)->sin6_port = htons(port);
  }
}

bool SameAddress(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
  const auto& y = reinterpret_cast<const sockaddr_in6&>(b);
  return x.sin6_port == y.sin6_port && x.sin6_scope_id == y.sin6_scope_id &&
         std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof x.sin6_addr) == 0;
}

// "127.0.0.1:2181" or "[::1]:2181".
std::string AddressString(const sockaddr_storage& addr) {
  char ip[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
    uv_ip4_name(&a, ip, sizeof ip);
    return fmt::format("{}:{}", ip, ntohs(a.sin_port));
  }
  const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
  uv_ip6_name(&a, ip, sizeof ip);
  return fmt::format("[{}]:{}", ip, ntohs(a.sin6_port));
}

}  // namespace

Connection::Connection(uv_loop_t* loop, Listener* listener) : loop_(loop), listener_(listener) {}

Connection* Connection::Start(uv_loop_t* loop, const HostPort& host,
                              std::chrono::milliseconds connect_timeout, Listener* listener,
                              const Resolver& resolver, uint64_t shuffle_seed,
                              std::shared_ptr<const TlsContext> tls) {
  auto* c = new Connection(loop, listener);
  c->name_ = host.ToString();
  c->host_ = host.host;
  c->tls_ctx_ = std::move(tls);
  c->port_ = host.port;
  c->shuffle_seed_ = shuffle_seed;
  uv_timer_init(loop, &c->timer_);
  c->timer_.data = c;
  c->handles_open_ = 1;
  const auto budget = static_cast<uint64_t>(std::max<int64_t>(1, connect_timeout.count()));
  c->deadline_ = uv_now(loop) + budget;
  // Covers the resolution; each address then gets its share (TryNext).
  uv_timer_start(&c->timer_, &Connection::OnTimer, budget, 0);

  sockaddr_storage addr{};
  if (IpLiteral(host, &addr)) {
    c->SetAddresses({addr});
    c->TryNext(false);
    return c;
  }
  if (resolver) {
    Result<std::vector<HostPort>> answer = resolver(host);
    if (!answer.ok()) {
      c->FailLater(Status(Error::kConnectionLoss,
                          fmt::format("resolve {}: {}", c->name_, answer.status().message())));
      return c;
    }
    std::vector<sockaddr_storage> addrs;
    for (const HostPort& a : *answer) {
      if (IpLiteral(a, &addr)) addrs.push_back(addr);
    }
    if (addrs.empty()) {
      c->FailLater(Status(Error::kConnectionLoss,
                          fmt::format("resolve {}: no IP address in the answer", c->name_)));
      return c;
    }
    c->SetAddresses(std::move(addrs));
    c->TryNext(false);
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
    c->FailLater(UvStatus("resolve", rc));
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
  std::vector<sockaddr_storage> addrs;
  for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
        ai->ai_addrlen > sizeof(sockaddr_storage)) {
      continue;
    }
    sockaddr_storage addr{};
    std::memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    SetPort(&addr, c->port_);
    bool seen = false;
    for (const auto& a : addrs) seen = seen || SameAddress(a, addr);
    if (!seen) addrs.push_back(addr);
  }
  uv_freeaddrinfo(res);
  if (addrs.empty()) {
    c->Fail(UvStatus("resolve", UV_EAI_NONAME));
    return;
  }
  c->SetAddresses(std::move(addrs));
  c->TryNext(true);
}

void Connection::SetAddresses(std::vector<sockaddr_storage> addrs) {
  // Fisher-Yates with the caller's seed, written out: std::shuffle's and
  // the distributions' results differ between standard libraries, and a
  // seed must give the same order everywhere.
  std::mt19937_64 rng(shuffle_seed_);
  for (size_t i = addrs.size(); i > 1; --i) {
    std::swap(addrs[i - 1], addrs[rng() % i]);
  }
  addrs_ = std::move(addrs);
  next_addr_ = 0;
}

void Connection::TryNext(bool in_callback) {
  DropSocket();
  while (next_addr_ < addrs_.size()) {
    const uint64_t now = uv_now(loop_);
    if (now >= deadline_) {
      failures_.push_back(fmt::format("{} more address(es) not tried: connect timeout spent",
                                      addrs_.size() - next_addr_));
      break;
    }
    const sockaddr_storage& addr = addrs_[next_addr_++];
    const uint64_t left = addrs_.size() - next_addr_ + 1;
    uv_timer_start(&timer_, &Connection::OnTimer, std::max<uint64_t>(1, (deadline_ - now) / left),
                   0);
    Status st = ConnectTo(addr);
    if (st.ok()) return;  // OnPoll or OnTimer goes on
    NoteFailure(std::move(st));
  }
  Status reason = last_failure_;
  if (failures_.size() > 1) {
    std::string all;
    for (const std::string& f : failures_) {
      if (!all.empty()) all += "; ";
      all += f;
    }
    reason = Status(Error::kConnectionLoss, fmt::format("connect to {}: {}", name_, all));
  }
  if (in_callback) {
    Fail(std::move(reason));
  } else {
    FailLater(std::move(reason));
  }
}

void Connection::NoteFailure(Status reason) {
  const sockaddr_storage& addr = addrs_[next_addr_ - 1];
  failures_.push_back(fmt::format("{}: {}", AddressString(addr), reason.message()));
  last_failure_ = std::move(reason);
}

Status Connection::ConnectTo(const sockaddr_storage& addr) {
  // Close-on-exec: a child the application forks and execs inherits none of
  // the session sockets.
  fd_ = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return SysStatus("socket", errno);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  socklen_t len = addr.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  int rc;
  do {
    rc = connect(fd_, reinterpret_cast<const sockaddr*>(&addr), len);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) {
    // The next address is tried at once; the last failure is reported
    // from the loop, never from Start().
    Status st = SysStatus("connect", errno);
    DropSocket();
    return st;
  }
  poll_ = new uv_poll_t;
  int uv_rc = uv_poll_init_socket(loop_, poll_, fd_);
  if (uv_rc != 0) {
    delete poll_;
    poll_ = nullptr;
    DropSocket();
    return UvStatus("poll", uv_rc);
  }
  poll_->data = this;
  ++handles_open_;
  // Writable once the connect completed, one way or the other.
  SetPollEvents(UV_WRITABLE);
  return Status();
}

void Connection::DropSocket() {
  ++socket_gen_;
  if (poll_ != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(poll_), &Connection::OnPollClosed);
    poll_ = nullptr;
  }
  poll_events_ = 0;
  // Bytes queued for this socket (a TLS handshake's) mean nothing to the
  // next one.
  out_.clear();
  out_head_ = 0;
  out_offset_ = 0;
  pending_write_bytes_ = 0;
  tls_.reset();
  handshaking_ = false;
  // Safe right after uv_close (libuv stops polling it there).
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void Connection::SetPollEvents(int events) {
  if (poll_ == nullptr || events == poll_events_) return;
  poll_events_ = events;
  if (events == 0) {
    uv_poll_stop(poll_);
  } else {
    uv_poll_start(poll_, events, &Connection::OnPoll);
  }
}

void Connection::OnPoll(uv_poll_t* handle, int status, int events) {
  auto* c = static_cast<Connection*>(handle->data);
  if (c->closing_) return;
  if (status < 0) {
    // libuv stopped the handle (POLLERR); the socket's own error says why.
    c->poll_events_ = 0;
    int err = c->SocketError();
    Status reason = err != 0 ? SysStatus(c->connected_ ? "socket" : "connect", err)
                             : UvStatus(c->connected_ ? "socket" : "connect", status);
    if (c->connected_) {
      c->Fail(std::move(reason));
    } else {
      c->NoteFailure(std::move(reason));
      c->TryNext(true);
    }
    return;
  }
  if (!c->connected_ && !c->handshaking_) {
    if ((events & UV_WRITABLE) == 0) return;
    int err = c->SocketError();
    if (err != 0) {
      c->NoteFailure(SysStatus("connect", err));
      c->TryNext(true);
      return;
    }
    c->OnTcpConnected();
    return;
  }
  if (events & UV_READABLE) {
    c->ReadSome();
    // Closed, or this address failed its TLS handshake and the next one is
    // being tried on a new socket (and poll handle).
    if (c->closing_ || c->poll_ != handle) return;
  }
  if (events & UV_WRITABLE) c->Flush();
}

void Connection::OnTcpConnected() {
  if (tls_ctx_ == nullptr) {
    uv_timer_stop(&timer_);
    connected_ = true;
    SetPollEvents(UV_READABLE);
    listener_->OnConnected();  // may Write() or Close()
    return;
  }
  // The handshake runs within this address's share of the connect timeout
  // (the timer keeps running).
  auto engine = TlsEngine::Create(tls_ctx_, host_);
  if (!engine.ok()) {
    Fail(engine.status());
    return;
  }
  tls_ = std::move(engine).value();
  handshaking_ = true;
  SetPollEvents(UV_READABLE);
  Status st = tls_->Start();
  if (!st.ok()) {
    FailAddress(std::move(st));
    return;
  }
  QueueRaw(tls_->TakeOutput());
}

void Connection::OnTlsBytes(const char* data, size_t len) {
  std::string plain;
  Status st = tls_->Feed(data, len, &plain);
  // Handshake messages, and an alert telling the server why we give up.
  std::string out = tls_->TakeOutput();
  if (!out.empty()) QueueRaw(std::move(out));
  if (!st.ok()) {
    if (handshaking_) {
      FailAddress(std::move(st));
    } else {
      Fail(std::move(st));
    }
    return;
  }
  if (handshaking_ && tls_->established()) {
    handshaking_ = false;
    connected_ = true;
    uv_timer_stop(&timer_);
    listener_->OnConnected();  // may Write() or Close()
    if (closing_) return;
  }
  if (!plain.empty()) {
    listener_->OnData(plain.data(), plain.size());
    if (closing_) return;
  }
  if (tls_->peer_closed()) {
    Fail(Status(Error::kConnectionLoss, "server closed the TLS session"));
  }
}

void Connection::FailAddress(Status reason) {
  if (reason.code() == Error::kAuthFailed) {
    // A certificate problem: this server's other addresses fail alike.
    NoteFailure(reason);
    Fail(std::move(reason));
    return;
  }
  NoteFailure(std::move(reason));
  TryNext(true);
}

int Connection::SocketError() const {
  int err = 0;
  socklen_t len = sizeof err;
  if (fd_ < 0 || getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return 0;
  return err;
}

void Connection::ReadSome() {
  char* buf = ReadBuffer();
  // A failed TLS handshake moves on to the next address: a new socket,
  // which may reuse the descriptor's number.
  const uint64_t socket_gen = socket_gen_;
  for (int i = 0; i < kMaxReadsPerEvent; ++i) {
    ssize_t n = recv(fd_, buf, kReadBufferSize, 0);
    if (n > 0) {
      if (tls_ != nullptr) {
        OnTlsBytes(buf, static_cast<size_t>(n));
      } else {
        listener_->OnData(buf, static_cast<size_t>(n));
      }
      if (closing_ || socket_gen_ != socket_gen) return;     // closed, or next address
      if (static_cast<size_t>(n) < kReadBufferSize) return;  // drained for now
      continue;
    }
    if (n == 0) {
      if (handshaking_) {
        FailAddress(Status(Error::kConnectionLoss,
                           "server closed the connection during the TLS handshake"));
      } else {
        Fail(Status(Error::kConnectionLoss, "server closed the connection"));
      }
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    if (handshaking_) {
      FailAddress(SysStatus("read during the TLS handshake", errno));
    } else {
      Fail(SysStatus("read", errno));
    }
    return;
  }
}

void Connection::Write(std::string bytes) {
  if (closing_ || !connected_ || failure_pending_ || bytes.empty()) return;
  if (tls_ != nullptr) {
    Status st = tls_->Write(bytes);
    if (!st.ok()) {
      FailLater(std::move(st));
      return;
    }
    QueueRaw(tls_->TakeOutput());
    return;
  }
  QueueRaw(std::move(bytes));
}

void Connection::QueueRaw(std::string bytes) {
  if (closing_ || failure_pending_ || bytes.empty()) return;
  pending_write_bytes_ += bytes.size();
  bool idle = out_head_ == out_.size();
  out_.push_back(std::move(bytes));
  // Write at once when nothing waits for the socket, as libuv's uv_write
  // does; otherwise the writable event sends it in order.
  if (idle) Flush();
}

void Connection::Flush() {
  while (out_head_ < out_.size()) {
    iovec iov[kMaxIov];
    size_t n_iov = 0;
    for (size_t i = out_head_; i < out_.size() && n_iov < kMaxIov; ++i, ++n_iov) {
      const std::string& chunk = out_[i];
      size_t skip = i == out_head_ ? out_offset_ : 0;
      iov[n_iov].iov_base = const_cast<char*>(chunk.data() + skip);
      iov[n_iov].iov_len = chunk.size() - skip;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = n_iov;
    // MSG_NOSIGNAL: a peer that closed or reset the connection is an EPIPE
    // here, never a SIGPIPE for the application (docs/client.md).
    ssize_t sent = sendmsg(fd_, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      // Report from the loop: Write() is called from inside the owner's own
      // processing, which must not be re-entered with OnClosed.
      FailLater(SysStatus("write", errno));
      return;
    }
    size_t left = static_cast<size_t>(sent);
    pending_write_bytes_ -= left;
    while (left > 0) {
      size_t rest = out_[out_head_].size() - out_offset_;
      if (left < rest) {
        out_offset_ += left;
        left = 0;
      } else {
        left -= rest;
        std::string().swap(out_[out_head_]);
        ++out_head_;
        out_offset_ = 0;
      }
    }
  }
  bool drained = out_head_ == out_.size();
  if (drained) {
    out_.clear();
    out_head_ = 0;
  } else if (out_head_ >= kMaxIov && out_head_ * 2 >= out_.size()) {
    // A socket that never catches up must not grow the vector forever.
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_head_));
    out_head_ = 0;
  }
  SetPollEvents(drained ? UV_READABLE : (UV_READABLE | UV_WRITABLE));
}

void Connection::FailLater(Status reason) {
  if (closing_ || failure_pending_) return;
  failure_pending_ = true;
  failure_ = std::move(reason);
  SetPollEvents(0);
  uv_timer_start(&timer_, &Connection::OnTimer, 0, 0);
}

void Connection::OnTimer(uv_timer_t* timer) {
  auto* c = static_cast<Connection*>(timer->data);
  if (c->closing_) return;
  if (c->failure_pending_) {
    c->Fail(c->failure_);
    return;
  }
  if (c->connected_) return;
  if (c->next_addr_ == 0) {  // still resolving
    c->Fail(Status(Error::kConnectionLoss, "connect timed out"));
    return;
  }
  // This address had its share of the budget; the next one gets the rest.
  c->NoteFailure(Status(Error::kConnectionLoss,
                        c->handshaking_ ? "TLS handshake timed out" : "connect timed out"));
  c->TryNext(true);
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
  out_.clear();
  out_head_ = 0;
  pending_write_bytes_ = 0;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &Connection::OnHandleClosed);
  DropSocket();
}

void Connection::OnHandleClosed(uv_handle_t* handle) {
  auto* c = static_cast<Connection*>(handle->data);
  if (--c->handles_open_ == 0) delete c;
}

void Connection::OnPollClosed(uv_handle_t* handle) {
  auto* c = static_cast<Connection*>(handle->data);
  delete reinterpret_cast<uv_poll_t*>(handle);
  if (--c->handles_open_ == 0) delete c;
}

}  // namespace zk::client_internal
