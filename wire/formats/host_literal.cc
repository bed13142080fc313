#include "host_literal.h"

#include <fmt/format.h>

namespace zk::wire::internal {

std::optional<uint32_t> ParseJavaIpv4(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  uint32_t bytes[4] = {0, 0, 0, 0};
  int64_t value = 0;
  int cur = 0;
  bool new_octet = true;
  for (char c : s) {
    if (c == '.') {
      if (new_octet || value > 0xff || cur == 3) return std::nullopt;
      bytes[cur++] = static_cast<uint32_t>(value);
      value = 0;
      new_octet = true;
    } else if (c >= '0' && c <= '9') {
      value = value * 10 + (c - '0');
      new_octet = false;
    } else {
      return std::nullopt;
    }
  }
  if (new_octet || value >= (int64_t{1} << ((4 - cur) * 8))) return std::nullopt;
  uint32_t addr = 0;
  for (int i = 0; i < cur; ++i) addr |= bytes[i] << (24 - 8 * i);
  return addr | static_cast<uint32_t>(value);
}

std::optional<std::array<uint8_t, 16>> ParseIpv6(std::string_view s) {
  if (s.size() < 2) return std::nullopt;
  std::array<uint8_t, 16> dst{};
  std::size_t i = 0;
  if (s[0] == ':') {
    if (s[1] != ':') return std::nullopt;
    i = 1;
  }
  int colonp = -1;
  std::size_t curtok = i;
  bool saw_xdigit = false;
  uint32_t val = 0;
  std::size_t j = 0;
  while (i < s.size()) {
    char ch = s[i++];
    int d = -1;
    if (ch >= '0' && ch <= '9') d = ch - '0';
    if (ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
    if (d >= 0) {
      val = (val << 4) | static_cast<uint32_t>(d);
      if (val > 0xffff) return std::nullopt;
      saw_xdigit = true;
      continue;
    }
    if (ch == ':') {
      curtok = i;
      if (!saw_xdigit) {
        if (colonp != -1) return std::nullopt;
        colonp = static_cast<int>(j);
        continue;
      }
      if (i == s.size()) return std::nullopt;
      if (j + 2 > 16) return std::nullopt;
      dst[j++] = static_cast<uint8_t>(val >> 8);
      dst[j++] = static_cast<uint8_t>(val);
      saw_xdigit = false;
      val = 0;
      continue;
    }
    if (ch == '.' && j + 4 <= 16) {
      std::string_view v4 = s.substr(curtok);
      int dots = 0;
      for (char x : v4) dots += x == '.' ? 1 : 0;
      if (dots != 3) return std::nullopt;
      auto a = ParseJavaIpv4(v4);
      if (!a) return std::nullopt;
      for (int k = 3; k >= 0; --k) dst[j++] = static_cast<uint8_t>(*a >> (8 * k));
      saw_xdigit = false;
      break;
    }
    return std::nullopt;
  }
  if (saw_xdigit) {
    if (j + 2 > 16) return std::nullopt;
    dst[j++] = static_cast<uint8_t>(val >> 8);
    dst[j++] = static_cast<uint8_t>(val);
  }
  if (colonp != -1) {
    if (j == 16) return std::nullopt;
    const std::size_t moved = j - static_cast<std::size_t>(colonp);
    for (std::size_t k = 1; k <= moved; ++k) {
      dst[16 - k] = dst[static_cast<std::size_t>(colonp) + moved - k];
      dst[static_cast<std::size_t>(colonp) + moved - k] = 0;
    }
    j = 16;
  }
  if (j != 16) return std::nullopt;
  return dst;
}

namespace {

std::string Ipv4Text(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

}  // namespace

std::string JavaHostString(std::string_view host) {
  if (host.empty()) return "localhost";
  const char c0 = host[0];
  const bool hex_start =
      (c0 >= '0' && c0 <= '9') || (c0 >= 'a' && c0 <= 'f') || (c0 >= 'A' && c0 <= 'F') || c0 == ':';
  if (!hex_start) return std::string(host);
  if (auto v4 = ParseJavaIpv4(host)) return Ipv4Text(*v4);
  std::string_view addr = host;
  std::string_view zone;
  if (auto pct = host.find('%'); pct != std::string_view::npos) {
    if (pct + 1 == host.size()) return std::string(host);
    addr = host.substr(0, pct);
    zone = host.substr(pct);
  }
  auto v6 = ParseIpv6(addr);
  if (!v6) return std::string(host);
  const auto& b = *v6;
  bool mapped = b[10] == 0xff && b[11] == 0xff;
  for (int k = 0; k < 10 && mapped; ++k) mapped = b[k] == 0;
  if (mapped) {
    return Ipv4Text((uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) | (uint32_t{b[14]} << 8) |
                    b[15]);
  }
  std::string out;
  for (int g = 0; g < 8; ++g) {
    if (g > 0) out += ':';
    out += fmt::format("{:x}", (unsigned{b[2 * g]} << 8) | b[2 * g + 1]);
  }
  out += zone;
  return out;
}

bool IsPlausibleHost(std::string_view host) {
  for (char c : host) {
    auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || u == 0x7f || c == '[' || c == ']' || c == ',' || c == '/' || c == '\\') {
      return false;
    }
  }
  if (host.find(':') != std::string_view::npos) {
    return ParseIpv6(host.substr(0, host.find('%'))).has_value();
  }
  return true;
}

}  // namespace zk::wire::internal
