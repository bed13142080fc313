// Runs a scenario end to end: zksim's ensemble on a private libuv loop in
// this process, and one SDK session (zk::Client) per client on the same loop,
// over TCP on loopback. Counts are the clients' current servers.
//
// Supported now: every failover/migration policy (ClientOptions::host_provider)
// with the steps restart, crash, recover and wait. A
// restart kills the server, waits until the clients settle, starts it
// again (empty) and waits again. Other policies are skipped with a note.
// Note: killing zksim's leader costs the quorum an election and every
// server drops its clients (as in ZooKeeper); the model has no leader.
#ifndef ZK_SIM_RUN_E2E_RUNNER_H_
#define ZK_SIM_RUN_E2E_RUNNER_H_

#include <string>
#include <vector>

#include "run/experiment_result.h"
#include "run/model_runner.h"
#include "run/scenario.h"
#include "zk/wire/status.h"

namespace zk::sim {

// `notes` receives one line per skipped policy. Errors: no runnable policy
// (kBadArguments), the ensemble not starting or clients not settling within
// 60 s (kSystemError).
Result<ExperimentResult> RunEndToEnd(const Scenario& scenario, std::vector<std::string>* notes,
                                     const ProgressFn& progress = {});

}  // namespace zk::sim

#endif  // ZK_SIM_RUN_E2E_RUNNER_H_
