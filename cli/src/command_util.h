// Helpers shared by the command groups: turning SDK errors and argument
// problems into the texts zkCli.sh prints.
#ifndef ZK_CLI_COMMAND_UTIL_H_
#define ZK_CLI_COMMAND_UTIL_H_

#include <optional>
#include <string>
#include <vector>

#include "format.h"
#include "shell.h"
#include "zk/wire/znode_path.h"

namespace zk::cli {

// The usage line as zkCli prints it for a malformed command.
inline CliError UsageError(const std::string& usage) { return CliError{usage, 1}; }

// A ZooKeeper error on `path` (nullopt: no path, e.g. reconfig).
inline CliError KeeperError(const Status& s, const std::optional<std::string>& path) {
  return CliError{KeeperMessage(s.code(), path), 1};
}

// zkCli validates paths before sending (PathUtils.validatePath) and prints
// the IllegalArgumentException's message.
inline std::optional<CliError> CheckPath(const std::string& path) {
  Status s = wire::ValidateZnodePath(path);
  if (s.ok()) return std::nullopt;
  return CliError{s.message(), 1};
}

// Integer.parseInt / Long.parseLong (decimal, optional sign).
std::optional<int64_t> ParseLong(const std::string& text, int base = 10);

// Registration of each group into the command table.
void RegisterNodeCommands(std::vector<Command>* out);
void RegisterSessionCommands(std::vector<Command>* out);
void RegisterConfigCommands(std::vector<Command>* out);
void RegisterBalanceCommands(std::vector<Command>* out);
void RegisterQuotaCommands(std::vector<Command>* out);

}  // namespace zk::cli

#endif  // ZK_CLI_COMMAND_UTIL_H_
