#include "path.h"

namespace zk::sim {
namespace {

// Decodes one UTF-8 code point; returns false on malformed input.
bool NextCodePoint(std::string_view s, size_t* i, uint32_t* cp) {
  auto c = static_cast<unsigned char>(s[*i]);
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || *i + n > s.size()) return false;
  uint32_t v = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (int k = 1; k < n; ++k) {
    auto d = static_cast<unsigned char>(s[*i + k]);
    if ((d >> 6) != 2) return false;
    v = (v << 6) | (d & 0x3f);
  }
  *i += n;
  *cp = v;
  return true;
}

}  // namespace

bool IsValidPath(std::string_view path) {
  if (path.empty() || path[0] != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  size_t seg_start = 1;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      std::string_view seg = path.substr(seg_start, i - seg_start);
      if (seg.empty() || seg == "." || seg == "..") return false;
      seg_start = i + 1;
    }
  }
  size_t i = 0;
  while (i < path.size()) {
    uint32_t cp = 0;
    if (!NextCodePoint(path, &i, &cp)) return false;
    if (cp == 0 || (cp >= 0x01 && cp <= 0x1f) || (cp >= 0x7f && cp <= 0x9f) ||
        (cp >= 0xd800 && cp <= 0xf8ff) || (cp >= 0xfff0 && cp <= 0xffff) || cp > 0xffff) {
      // Code points above U+FFFF arrive from Java as surrogate pairs, which
      // fall in the forbidden range; reject them the same way.
      return false;
    }
  }
  return true;
}

std::string ParentPath(std::string_view path) {
  if (path == "/" || path.empty()) return "";
  auto slash = path.rfind('/');
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string_view BaseName(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool IsSpecialPath(std::string_view path) {
  return path == "/" || path == "/zookeeper" || path == "/zookeeper/quota" ||
         path == "/zookeeper/config";
}

}  // namespace zk::sim
