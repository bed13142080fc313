// Test helper: a TCP port of the test's own on a loopback address (plain
// blocking sockets: the peer side of the connection tests needs no loop).
#ifndef ZK_TESTS_CLIENT_LOCAL_PORT_H_
#define ZK_TESTS_CLIENT_LOCAL_PORT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string_view>

namespace zk::test {

class LocalPort {
 public:
  // Binds `ip` (an IPv4 or IPv6 literal) at port `want` (0: a free one).
  // listening: connects wait in the backlog for Accept(); otherwise they are
  // refused at once. port() is 0 when the bind failed.
  LocalPort(const char* ip, bool listening, uint16_t want = 0) {
    sockaddr_storage ss{};
    socklen_t len;
    if (std::string_view(ip).find(':') != std::string_view::npos) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(want);
      inet_pton(AF_INET6, ip, &a->sin6_addr);
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      a->sin_port = htons(want);
      inet_pton(AF_INET, ip, &a->sin_addr);
      len = sizeof *a;
    }
    fd_ = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) == 0 &&
        (!listening || listen(fd_, 4) == 0) &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
      port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    }
  }
  ~LocalPort() {
    if (fd_ >= 0) close(fd_);
  }
  LocalPort(const LocalPort&) = delete;
  LocalPort& operator=(const LocalPort&) = delete;

  uint16_t port() const { return port_; }
  // A connection waiting in the backlog, accepted non-blocking; -1 if none.
  int Accept() { return accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace zk::test

#endif  // ZK_TESTS_CLIENT_LOCAL_PORT_H_
