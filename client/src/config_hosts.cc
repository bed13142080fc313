#include "config_hosts.h"

#include <algorithm>
#include <string>

#include "zk/wire/server_spec.h"

namespace zk::client_internal {

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
    if (!spec.ok()) continue;
    std::optional<HostPort> hp = spec->ConnectAddress();
    if (!hp || hp->port == 0 || wire::IsWildcardHost(hp->host)) continue;
    if (std::find(out.begin(), out.end(), *hp) == out.end()) out.push_back(std::move(*hp));
  }
  return out;
}

}  // namespace zk::client_internal
