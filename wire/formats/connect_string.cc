#include "zk/wire/connect_string.h"

#include <fmt/format.h>

#include "host_literal.h"
#include "text_util.h"
#include "zk/wire/znode_path.h"

namespace zk::wire {

using internal::AsciiLower;
using internal::JavaTrim;
using internal::Quote;

namespace {

Status Bad(std::string message) { return Status(Error::kBadArguments, std::move(message)); }

Result<uint16_t> ParsePort(std::string_view element, std::string_view port) {
  // Digits only: Java's Integer.parseInt would also take "+5" and "-1".
  if (port.empty() || port.find_first_not_of("0123456789") != port.npos) {
    return Bad(fmt::format("{}: port {} is not a number", Quote(element), Quote(port)));
  }
  const auto v = internal::JavaParseLong(port);
  if (!v || *v < 1 || *v > 65535) {
    return Bad(fmt::format("{}: port {} out of range 1..65535", Quote(element), port));
  }
  return static_cast<uint16_t>(*v);
}

}  // namespace

Result<HostPort> ParseHostPortElement(std::string_view element, uint16_t default_port) {
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!element.empty() && element[0] == '[') {
    const auto close = element.rfind(']');
    if (close == std::string_view::npos) {
      return Bad(fmt::format("{} starts with '[' but has no matching ']'", Quote(element)));
    }
    host = element.substr(1, close - 1);
    if (close + 1 < element.size()) {
      if (element[close + 1] != ':') {
        return Bad(fmt::format("{} does not have : after ]", Quote(element)));
      }
      if (close + 2 == element.size()) {
        return Bad(fmt::format("{} doesn't have a port after colon", Quote(element)));
      }
      port = element.substr(close + 2);
      has_port = true;
    }
    if (host.find(':') == std::string_view::npos ||
        !internal::ParseIpv6(host.substr(0, host.find('%')))) {
      return Bad(fmt::format("{}: {} is not an IPv6 address", Quote(element), Quote(host)));
    }
  } else {
    const auto colon = element.rfind(':');
    host = element.substr(0, colon == std::string_view::npos ? element.size() : colon);
    if (colon != std::string_view::npos && colon + 1 < element.size()) {
      port = element.substr(colon + 1);
      has_port = true;
    }
    if (host.find(':') != std::string_view::npos &&
        !internal::ParseIpv6(host.substr(0, host.find('%')))) {
      return Bad(fmt::format("{}: an IPv6 address must be written in brackets, as [{}]",
                             Quote(element), element));
    }
  }
  if (host.empty()) return Bad(fmt::format("{}: empty host", Quote(element)));
  if (!internal::IsPlausibleHost(host)) {
    return Bad(fmt::format("{}: invalid character in host", Quote(element)));
  }
  HostPort hp;
  hp.host = AsciiLower(internal::JavaHostString(host));
  hp.port = default_port;
  if (has_port) {
    auto p = ParsePort(element, port);
    if (!p.ok()) return p.status();
    hp.port = *p;
  }
  return hp;
}

Result<ConnectString> ParseConnectString(std::string_view text) {
  ConnectString cs;
  std::string_view hosts = text;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    std::string_view chroot = text.substr(slash);
    hosts = text.substr(0, slash);
    if (chroot.size() > 1) {
      Status st = ValidateZnodePath(chroot);
      if (!st.ok()) return Bad(fmt::format("chroot: {}", st.message()));
      cs.chroot = std::string(chroot);
    }
  }
  std::size_t index = 0;
  std::size_t start = 0;
  while (start <= hosts.size()) {
    auto comma = hosts.find(',', start);
    if (comma == std::string_view::npos) comma = hosts.size();
    std::string_view element = JavaTrim(hosts.substr(start, comma - start));
    start = comma + 1;
    if (element.empty()) continue;
    ++index;
    auto hp = ParseHostPortElement(element);
    if (!hp.ok()) return Bad(fmt::format("host {}: {}", index, hp.status().message()));
    cs.hosts.push_back(std::move(*hp));
  }
  if (cs.hosts.empty()) return Bad(fmt::format("connect string {} has no hosts", Quote(text)));
  return cs;
}

std::string ConnectString::ToString() const {
  std::string out;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    if (i > 0) out += ',';
    out += hosts[i].ToString();
  }
  out += chroot;
  return out;
}

}  // namespace zk::wire
