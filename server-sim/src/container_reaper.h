// The leader's container and TTL cleanup (ZooKeeper's ContainerManager):
// every check interval, each candidate of DataTree::ReapCandidates is
// deleted by its own transaction (a deleteContainer: it takes a zxid and
// fires the usual delete watches). Only a leader with a quorum reaps.
#ifndef ZK_SIM_CONTAINER_REAPER_H_
#define ZK_SIM_CONTAINER_REAPER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ensemble.h"

namespace zk::sim {

// Deletes the current candidates of the committed tree at the ensemble
// clock's wall time; returns the deleted paths (empty without a quorum).
// `max_never_used_ms` is znode.container.maxNeverUsedIntervalMs (0: never).
std::vector<std::string> ReapContainers(Ensemble& ens, int64_t max_never_used_ms);

}  // namespace zk::sim

#endif  // ZK_SIM_CONTAINER_REAPER_H_
