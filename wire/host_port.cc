#include "zk/wire/host_port.h"

#include <charconv>
#include <system_error>

namespace zk {

std::string HostPort::ToString() const {
  if (IsIpv6Literal()) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<HostPort> ParseServerAddress(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status(Error::kBadArguments, fmt::format("\"{}\" is not host:port ({})", text, why));
  };
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return bad("unclosed '['");
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') return bad("no port");
    port_text = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no port");
    host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) return bad("IPv6 literal without brackets");
    port_text = text.substr(colon + 1);
  }
  if (host.empty()) return bad("empty host");
  if (host.find_first_of(" \t\r\n,/[]") != std::string_view::npos) return bad("bad character");
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
      port == 0 || port > 65535) {
    return bad("port must be 1..65535");
  }
  HostPort out{std::string(host), static_cast<uint16_t>(port)};
  for (char& c : out.host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace zk
