#include "container_reaper.h"

namespace zk::sim {

std::vector<std::string> ReapContainers(Ensemble& ens, int64_t max_never_used_ms) {
  if (!ens.quorum_up()) return {};
  std::vector<std::string> paths =
      ens.committed().ReapCandidates(ens.clock()->WallMs(), max_never_used_ms);
  for (const std::string& path : paths) {
    // Session 0: the server itself, as ContainerManager's requests.
    ens.Submit(ens.leader(), 0, DeleteTxn{path}, nullptr);
  }
  return paths;
}

}  // namespace zk::sim
