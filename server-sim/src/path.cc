#include "path.h"

#include "zk/wire/znode_path.h"

namespace zk::sim {

bool IsValidPath(std::string_view path) { return wire::ValidateZnodePath(path).ok(); }

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
