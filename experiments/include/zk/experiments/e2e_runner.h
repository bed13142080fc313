// Runs a scenario end to end: one SDK session (zk::Client) per client, over
// TCP on loopback, against zksim's ensemble embedded in this process (on the
// same libuv loop) or against a real ZooKeeper ensemble (--ensemble). Counts
// are the clients' current servers.
//
// Every step of the model runs end to end:
//   crash / recover / restart  the embedded ensemble's kill and start
//                              controls (a restart: kill, settle, start
//                              empty, settle); on a real ensemble the hook
//                              script (below)
//   reconfigure                a real `reconfig` request by an operator
//                              session (incremental by default; "mode":
//                              "bulk" for -members; "observers": [server...]
//                              changes roles); the clients' ensemble tracking
//                              follows /zookeeper/config with their jitter;
//                              under migration "load-aware" every client
//                              first gets a load hint (Client::
//                              SetServerLoads): each current server's
//                              connection count, zksim's own (the
//                              operator's session included) or, on a real
//                              ensemble, the runner's clients counted
//                              (the role of an operator's hint service)
//   shed                       zksim's shed: "fraction" (each connection
//                              with that probability, as ZOOKEEPER-2748),
//                              "count", "target", optional "window_ms"
//   plan / exact-plan          the operator publishes the plan znode
//                              /zkbalance/plan that following clients watch
//                              (load-aware from the clients' counts; exact:
//                              naming sessions); "passes" republishes while
//                              unbalanced
//   wait                       the clients settle, and at least "ms" pass
//                              (default 5000, as in the model)
// A placed start (initial_counts) connects every client, then publishes a
// plan naming each session's assigned server (clients that do not follow
// plans read it from /zkbalance/place), so each client is on its server
// before the timeline starts. "busiest" is the server with the most clients
// when the step runs.
//
// The embedded ensemble holds every server that any configuration of the
// policy names (zk4, zk5 of grow-shrink as joiners); those not in the first
// configuration are removed by a reconfig before the clients connect. It
// also holds one more voter, with the highest id and so the leader, whose
// line has no client address: no client connects to it and no step touches
// it. (Killing or removing zksim's leader would cost an election in which
// every server drops its clients, as in ZooKeeper; the model has no leader.)
//
// Per step: settle_ms is the time from the step until the counts last changed
// (the clients settle when all are connected and nothing changed for a quiet
// period that grows with the policy's jitter); sessions_lost counts sessions
// that expired or were replaced; peak_connects_per_s is the most connections
// established (Client::connect_count, sampled every 50 ms into 100 ms
// buckets) in any window of ten consecutive buckets during the step.
//
// The steps are the scenario's typed steps (scenario_step.h), the same the
// model runner runs. Inside: src/policy_run.h (one policy, step by step),
// src/ensemble_driver.h (the loop, the ensemble, the operator and the
// clients) and src/e2e_hooks.h (the hook program of a real ensemble).
#ifndef ZK_EXPERIMENTS_E2E_RUNNER_H_
#define ZK_EXPERIMENTS_E2E_RUNNER_H_

#include <string>
#include <vector>

#include "zk/experiments/experiment_result.h"
#include "zk/experiments/model_runner.h"
#include "zk/experiments/scenario.h"
#include "zk/wire/status.h"

namespace zk::experiments {

struct EndToEndOptions {
  // Empty: the embedded zksim ensemble. Otherwise "host:port,..." of a real
  // ZooKeeper ensemble; the scenario's servers map to these in order (the
  // first configuration's servers first, then any joiner).
  std::string ensemble;
  // With `ensemble`: the program that does what the client side cannot. It
  // is run (and waited for, at most 120 s) as
  //   SCRIPT kill|start <host:port> <k>          crash, recover, restart
  //   SCRIPT shed <host:port> <k> <form>=<value> [window_ms=<w>]
  // where k is the server's 1-based position in `ensemble` and form is
  // fraction, count or target; a non-zero exit fails the run. Without a hook
  // such steps are refused before anything runs, naming the policy and step.
  std::string hook;
  // "user:password": digest authentication of the operator session (a real
  // ensemble's super user, for reconfig). Empty: none.
  std::string auth;
};

// Ok, or kBadArguments naming the first policy and step that cannot run with
// these options (a server-side step on a real ensemble without a hook; more
// servers than the real ensemble has).
Status CheckEndToEnd(const Scenario& scenario, const EndToEndOptions& options);

// `notes` receives remarks about the run (none today). Errors: CheckEndToEnd's;
// the ensemble not starting, a reconfig or hook failing, or clients not
// settling within 60 s (kSystemError).
Result<ExperimentResult> RunEndToEnd(const Scenario& scenario, const EndToEndOptions& options,
                                     std::vector<std::string>* notes,
                                     const ProgressFn& progress = {});
// On the embedded ensemble.
Result<ExperimentResult> RunEndToEnd(const Scenario& scenario, std::vector<std::string>* notes,
                                     const ProgressFn& progress = {});

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_E2E_RUNNER_H_
