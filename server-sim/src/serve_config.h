// `zksim serve --config zoo.cfg`: a real ZooKeeper static config file (split
// form with dynamicConfigFile, or the backward-compatible form with server
// lines and clientPort) turned into SimOptions, and the file updates
// ZooKeeper makes when a config is installed: zoo.cfg.dynamic.<hex version>
// plus the static file pointing at it (docs/zksim.md).
//
// zksim hosts every server of the file on one machine, so the file is read
// as the file of one server, "myid": the lowest participant id. That server
// listens on the static clientPort when its line has no client address;
// every other server listens on the port of its own line, or a free port.
#ifndef ZK_SIM_SERVE_CONFIG_H_
#define ZK_SIM_SERVE_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "zk/sim/sim_server.h"
#include "zk/wire/status.h"
#include "zk/wire/zoo_cfg.h"

namespace zk::sim {

// "a, b,c" -> {"a", "b", "c"} (empty items dropped), as ZooKeeper splits
// zookeeper.enforce.auth.schemes.
std::vector<std::string> SplitSchemes(const std::string& list);

class ServeConfig {
 public:
  // Reads `static_path` (and its dynamic file). Errors name the file and,
  // for syntax errors, the line: "zoo.cfg: line 3: …". `opts` receives the
  // members, tickTime, reconfigEnabled, standaloneEnabled, skipACL,
  // DigestAuthenticationProvider.superDigest, 4lw.commands.whitelist,
  // extendedTypesEnabled, and the dynamic file's version (its name's hex
  // suffix) as initial_config_version.
  static Result<ServeConfig> Load(const std::string& static_path, SimOptions* opts);

  // Once the first config is established (version `version`): a
  // backward-compatible file is split as ZooKeeper splits it (original saved
  // as <path>.bak) when reconfigEnabled. No-op for the split form.
  Status OnStarted(int64_t version);
  // After a committed reconfig: writes zoo.cfg.dynamic.<hex version> and
  // rewrites the static file to point at it.
  Status OnCommitted(const std::string& config_text);

  int64_t my_id() const { return my_id_; }
  const std::string& static_path() const { return static_path_; }

 private:
  std::string static_path_;
  wire::ZooCfg cfg_;
  int64_t my_id_ = 0;
  bool reconfig_enabled_ = false;
};

}  // namespace zk::sim

#endif  // ZK_SIM_SERVE_CONFIG_H_
