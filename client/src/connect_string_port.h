// TEMPORARY stand-ins for wire/'s text formats (zk/wire/connect_string.h and
// zk/wire/dynamic_config.h are being written by another engineer). Only what
// the client needs: "h:p,h:p[/chroot]" and the client addresses plus version
// of /zookeeper/config. Replace with wire's parsers when they land.
#ifndef ZK_CLIENT_SRC_CONNECT_STRING_PORT_H_
#define ZK_CLIENT_SRC_CONNECT_STRING_PORT_H_

#include <string>
#include <vector>

#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk::client_internal {

struct ParsedConnectString {
  std::vector<HostPort> hosts;
  std::string chroot;  // "" or "/app"
};

Result<ParsedConnectString> ParseConnectStringPort(const std::string& s);

struct ParsedConfig {
  int64_t version = 0;
  std::vector<HostPort> client_addresses;
};
Result<ParsedConfig> ParseConfigPort(const std::string& text);

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_CONNECT_STRING_PORT_H_
