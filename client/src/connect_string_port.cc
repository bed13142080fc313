#include "connect_string_port.h"

#include <charconv>

#include <fmt/format.h>

namespace zk::client_internal {
namespace {

Result<HostPort> ParseHostPort(std::string_view item) {
  std::string_view host;
  std::string_view port;
  if (!item.empty() && item.front() == '[') {
    auto close = item.find(']');
    if (close == std::string_view::npos || close + 1 >= item.size() || item[close + 1] != ':') {
      return Status(Error::kBadArguments, fmt::format("bad IPv6 address \"{}\"", item));
    }
    host = item.substr(1, close - 1);
    port = item.substr(close + 2);
  } else {
    auto colon = item.rfind(':');
    if (colon == std::string_view::npos) {
      return Status(Error::kBadArguments, fmt::format("\"{}\" has no port", item));
    }
    host = item.substr(0, colon);
    port = item.substr(colon + 1);
  }
  if (host.empty()) return Status(Error::kBadArguments, fmt::format("\"{}\" has no host", item));
  unsigned v = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535) {
    return Status(Error::kBadArguments, fmt::format("bad port in \"{}\"", item));
  }
  std::string h(host);
  for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return HostPort{h, static_cast<uint16_t>(v)};
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<ParsedConnectString> ParseConnectStringPort(const std::string& s) {
  ParsedConnectString out;
  std::string_view rest = Trim(s);
  if (rest.empty()) return Status(Error::kBadArguments, "empty connect string");
  auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    std::string chroot(rest.substr(slash));
    rest = rest.substr(0, slash);
    while (chroot.size() > 1 && chroot.back() == '/') chroot.pop_back();
    if (chroot.find("//") != std::string::npos) {
      return Status(Error::kBadArguments, fmt::format("invalid chroot \"{}\"", chroot));
    }
    if (chroot != "/") out.chroot = chroot;
  }
  size_t start = 0;
  while (start <= rest.size()) {
    size_t comma = rest.find(',', start);
    std::string_view item = Trim(rest.substr(start, comma == std::string_view::npos
                                                        ? std::string_view::npos
                                                        : comma - start));
    if (item.empty()) {
      return Status(Error::kBadArguments,
                    fmt::format("empty server in connect string \"{}\"", s));
    }
    auto hp = ParseHostPort(item);
    if (!hp.ok()) {
      return Status(Error::kBadArguments,
                    fmt::format("connect string \"{}\": {}", s, hp.status().message()));
    }
    out.hosts.push_back(hp.value());
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<ParsedConfig> ParseConfigPort(const std::string& text) {
  ParsedConfig out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line = Trim(std::string_view(text).substr(
        start, nl == std::string::npos ? std::string::npos : nl - start));
    start = nl == std::string::npos ? text.size() : nl + 1;
    if (line.rfind("version=", 0) == 0) {
      auto v = line.substr(8);
      uint64_t x = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x, 16);
      if (ec != std::errc()) return Status(Error::kMarshallingError, "bad config version");
      out.version = static_cast<int64_t>(x);
    } else if (line.rfind("server.", 0) == 0) {
      auto semi = line.find(';');
      if (semi == std::string_view::npos) continue;  // no client address
      auto client = line.substr(semi + 1);
      auto semi2 = client.find(';');
      if (semi2 != std::string_view::npos) client = client.substr(0, semi2);
      if (client.find(':') == std::string_view::npos) {
        out.client_addresses.push_back(HostPort{"0.0.0.0", 0});
        continue;
      }
      auto hp = ParseHostPort(client);
      if (hp.ok()) out.client_addresses.push_back(hp.value());
    }
  }
  return out;
}

}  // namespace zk::client_internal
