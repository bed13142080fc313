// `zksim run <scenario>`: loads the scenario, applies the command line's
// overrides, runs it (model or end to end), prints the seed and the table,
// and writes the requested JSON, CSV and plots.
#ifndef ZK_EXPERIMENTS_RUN_COMMAND_H_
#define ZK_EXPERIMENTS_RUN_COMMAND_H_

#include <cstdint>
#include <optional>
#include <string>

namespace zk::experiments {

struct RunOptions {
  std::string scenario;  // a file or a built-in name
  bool model = false;
  std::optional<uint32_t> clients;
  std::optional<uint64_t> seed;
  std::string json_file;  // empty: none; "-": stdout
  std::string csv_file;
  std::string plot_dir;
  std::string ensemble;  // host:port,... of a real ensemble (end to end only)
  std::string hook;      // with ensemble: the script for kill/start/shed (e2e_runner.h)
  std::string auth;      // with ensemble: "user:password" for the operator's reconfig
  bool progress = true;  // a bar on stderr when it is a terminal
};

// Returns the process exit status: 0 ok, 1 the run failed, 2 bad arguments
// or scenario. Messages go to stderr.
int RunCommand(const RunOptions& options);

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_RUN_COMMAND_H_
