#include "config_hosts.h"

#include <algorithm>
#include <string>

#include "zk/wire/server_spec.h"

namespace zk::client_internal {

bool IsWildcardHost(std::string_view host) {
  return host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:0";
}

std::vector<HostPort> ConnectAddresses(std::string_view config_text) {
  std::vector<HostPort> out;
  size_t start = 0;
  while (start < config_text.size()) {
    size_t end = config_text.find('\n', start);
    if (end == std::string_view::npos) end = config_text.size();
    std::string_view line = config_text.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.rfind("server.", 0) != 0) continue;
    auto spec = wire::ParseServerLine(line);
    if (!spec.ok() || !spec->client || spec->client->port == 0) continue;
    HostPort hp = *spec->client;
    if (IsWildcardHost(hp.host)) {
      if (spec->addresses.empty()) continue;
      hp.host = spec->addresses.front().host;
    }
    if (std::find(out.begin(), out.end(), hp) == out.end()) out.push_back(std::move(hp));
  }
  return out;
}

}  // namespace zk::client_internal
