#include "text_util.h"

#include <fmt/format.h>

#include <limits>

namespace zk::wire::internal {

uint32_t DecodeUtf8At(std::string_view s, std::size_t i, std::size_t* len) {
  const auto c = static_cast<unsigned char>(s[i]);
  *len = 1;
  if (c < 0x80) return c;
  std::size_t need = 0;
  uint32_t cp = 0;
  uint32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    need = 1, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    need = 2, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    need = 3, cp = c & 0x07, min = 0x10000;
  }
  bool ok = need > 0;
  for (std::size_t k = 1; ok && k <= need; ++k) {
    if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
      ok = false;
    } else {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
  }
  if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  *len = need + 1;
  return cp;
}

std::string_view JavaTrim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return s.substr(b, e - b);
}

std::vector<std::string_view> JavaSplit(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  if (s.find(sep) == std::string_view::npos) {
    out.push_back(s);
    return out;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  return out;
}

namespace {

int DigitValue(char c, int radix) {
  int v = -1;
  if (c >= '0' && c <= '9') v = c - '0';
  if (c >= 'a' && c <= 'z') v = c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') v = c - 'A' + 10;
  return v < radix ? v : -1;
}

}  // namespace

std::optional<int64_t> JavaParseLong(std::string_view s, int radix) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  std::size_t i = 0;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
    if (s.size() == 1) return std::nullopt;
  }
  // Accumulate negatively so that INT64_MIN is representable, as Java does.
  int64_t result = 0;
  const int64_t limit =
      negative ? std::numeric_limits<int64_t>::min() : -std::numeric_limits<int64_t>::max();
  const int64_t mult_min = limit / radix;
  for (; i < s.size(); ++i) {
    int d = DigitValue(s[i], radix);
    if (d < 0) return std::nullopt;
    if (result < mult_min) return std::nullopt;
    result *= radix;
    if (result < limit + d) return std::nullopt;
    result -= d;
  }
  return negative ? result : -result;
}

std::optional<int32_t> JavaParseInt(std::string_view s) {
  auto v = JavaParseLong(s, 10);
  if (!v || *v < std::numeric_limits<int32_t>::min() || *v > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<int32_t>(*v);
}

std::string JavaLongToHex(int64_t v) { return fmt::format("{:x}", static_cast<uint64_t>(v)); }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Quote(std::string_view s) {
  constexpr std::size_t kMax = 200;
  std::string out = "\"";
  const std::size_t n = s.size() > kMax ? kMax : s.size();
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < s.size()) out += "...";
  out += '"';
  return out;
}

}  // namespace zk::wire::internal
