// ZooKeeper path rules (PathUtils.validatePath) and path helpers.
#ifndef ZK_SIM_PATH_H_
#define ZK_SIM_PATH_H_

#include <string>
#include <string_view>

namespace zk::sim {

// True if `path` is a valid absolute znode path: wire::ValidateZnodePath
// (znode_path.h), the one home of ZooKeeper's path rules.
bool IsValidPath(std::string_view path);

// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "".
std::string ParentPath(std::string_view path);

// "/a/b" -> "b".
std::string_view BaseName(std::string_view path);

// True for "/", "/zookeeper", "/zookeeper/quota", "/zookeeper/config".
bool IsSpecialPath(std::string_view path);

}  // namespace zk::sim

#endif  // ZK_SIM_PATH_H_
