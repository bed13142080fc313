#include "admin_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

namespace zk::cli {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Connects (non-blocking, bounded) and returns the socket, or -1.
Result<int> Dial(const HostPort& server, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(server.port);
  if (getaddrinfo(server.host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    return Status(Error::kConnectionLoss, fmt::format("cannot resolve {}", server));
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    return Status(Error::kConnectionLoss, "socket failed");
  }
  int rc = connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    close(fd);
    return Status(Error::kConnectionLoss, fmt::format("cannot connect to {}", server));
  }
  pollfd p{fd, POLLOUT, 0};
  if (poll(&p, 1, RemainingMs(deadline)) <= 0) {
    close(fd);
    return Status(Error::kOperationTimeout, fmt::format("timed out connecting to {}", server));
  }
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    close(fd);
    return Status(Error::kConnectionLoss, fmt::format("cannot connect to {}", server));
  }
  return fd;
}

Result<std::string> Exchange(const HostPort& server, std::string_view request,
                             std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  auto fd = Dial(server, deadline);
  if (!fd.ok()) return fd.status();
  size_t sent = 0;
  while (sent < request.size()) {
    pollfd p{*fd, POLLOUT, 0};
    if (poll(&p, 1, RemainingMs(deadline)) <= 0) break;
    ssize_t n = send(*fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  if (sent < request.size()) {
    close(*fd);
    return Status(Error::kConnectionLoss, fmt::format("cannot send to {}", server));
  }
  std::string out;
  char buf[4096];
  while (true) {
    pollfd p{*fd, POLLIN, 0};
    int pr = poll(&p, 1, RemainingMs(deadline));
    if (pr <= 0) {
      close(*fd);
      return Status(Error::kOperationTimeout, fmt::format("timed out reading from {}", server));
    }
    ssize_t n = recv(*fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (16u << 20)) break;
  }
  close(*fd);
  return out;
}

}  // namespace

Result<std::string> FourLetter(const HostPort& server, std::string_view word,
                               std::chrono::milliseconds timeout) {
  return Exchange(server, word, timeout);
}

Result<HttpResponse> HttpRequest(const HostPort& server, std::string_view method,
                                 std::string_view target, std::string_view body,
                                 std::chrono::milliseconds timeout,
                                 std::string_view authorization) {
  std::string auth_header =
      authorization.empty() ? std::string() : fmt::format("Authorization: {}\r\n", authorization);
  std::string req = fmt::format(
      "{} {} HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "{}Connection: close\r\n\r\n{}",
      method, target, server.ToString(), body.size(), auth_header, body);
  auto raw = Exchange(server, req, timeout);
  if (!raw.ok()) return raw.status();
  HttpResponse r;
  size_t sp = raw->find(' ');
  size_t hdr_end = raw->find("\r\n\r\n");
  if (raw->compare(0, 5, "HTTP/") != 0 || sp == std::string::npos || hdr_end == std::string::npos) {
    return Status(Error::kMarshallingError, fmt::format("{} did not answer HTTP", server));
  }
  r.status = std::atoi(raw->c_str() + sp + 1);
  r.body = raw->substr(hdr_end + 4);
  return r;
}

}  // namespace zk::cli
