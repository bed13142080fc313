#include "zk/wire/znode_path.h"

#include <fmt/format.h>

#include <vector>

#include "text_util.h"

namespace zk::wire {

namespace {

// UTF-8 to UTF-16 code units; each invalid byte becomes U+FFFD.
std::vector<char16_t> ToUtf16(std::string_view s) {
  std::vector<char16_t> out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = 1;
    uint32_t cp = internal::DecodeUtf8At(s, i, &len);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

}  // namespace

Status ValidateZnodePath(std::string_view path) {
  if (path.empty()) return Status(Error::kBadArguments, "Path length must be > 0");
  if (path[0] != '/') return Status(Error::kBadArguments, "Path must start with / character");
  if (path.size() == 1) return Status::Ok();
  if (path.back() == '/') return Status(Error::kBadArguments, "Path must not end with / character");
  const std::vector<char16_t> chars = ToUtf16(path);
  const char* reason = nullptr;
  std::size_t at = 0;
  char16_t last = '/';
  for (std::size_t i = 1; i < chars.size(); last = chars[i], ++i) {
    const char16_t c = chars[i];
    const bool ends_component = i + 1 == chars.size() || chars[i + 1] == '/';
    if (c == 0) {
      reason = "null character not allowed";
    } else if (c == '/' && last == '/') {
      reason = "empty node name specified";
    } else if (c == '.' && last == '.') {
      if (chars[i - 2] == '/' && ends_component) reason = "relative paths not allowed";
    } else if (c == '.') {
      if (chars[i - 1] == '/' && ends_component) reason = "relative paths not allowed";
    } else if ((c > 0x0000 && c <= 0x001f) || (c >= 0x007f && c <= 0x009f) ||
               (c >= 0xd800 && c <= 0xf8ff) || c >= 0xfff0) {
      reason = "invalid character";
    }
    if (reason != nullptr) {
      at = i;
      break;
    }
  }
  if (reason == nullptr) return Status::Ok();
  return Status(Error::kBadArguments,
                fmt::format("Invalid path string \"{}\" caused by {} @{}", path, reason, at));
}

Status ValidateZnodePath(std::string_view path, bool sequential) {
  if (!sequential) return ValidateZnodePath(path);
  return ValidateZnodePath(std::string(path) + "1");
}

std::string StripChroot(std::string_view chroot, std::string path) {
  if (chroot.empty()) return path;
  if (path == chroot) return "/";
  if (path.size() > chroot.size() && path.compare(0, chroot.size(), chroot) == 0 &&
      path[chroot.size()] == '/') {
    return path.substr(chroot.size());
  }
  return path;
}

}  // namespace zk::wire
