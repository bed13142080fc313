#include "zk/wire/host_port.h"

namespace zk {

std::string HostPort::ToString() const {
  if (IsIpv6Literal()) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

}  // namespace zk
