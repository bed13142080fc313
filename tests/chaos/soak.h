// The chaos soak's workload: N SDK sessions on one libuv loop (one thread)
// against an ensemble that an outside driver (tests/chaos/run) disturbs.
//
// Each session keeps an ephemeral node, writes a numbered sequence to its own
// node (persistent-sequential children "n-<counter>-<sequence>", a new one
// every write_min..max ms with up to `pipeline` in flight, so that queued
// writes cross reconnects; a write that got no reply is never retried), holds a persistent
// recursive watch on the shared watched tree and a one-shot child watch on
// each watched parent, re-armed after every event. A writer session changes
// the watched tree (per parent: create c-n, set c-n, delete c-(n-1); every
// change has its own (event type, path)). It runs until stdin says `stop`
// (or closes), or for a fixed duration (ensemble tracking and plan following
// on: at the end every session must have applied the ensemble's last config); then it stops writing, waits for the
// sessions to converge (bounded), reads the tree, checks (verify.h), closes
// every session and prints the summary; the last line is
//   chaos: sessions=N writes=W lost=L duplicated=D expired=E missed_events=M doubled_events=X seed=S
#ifndef ZK_TESTS_CHAOS_SOAK_H_
#define ZK_TESTS_CHAOS_SOAK_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace zk::chaos {

struct SoakOptions {
  std::string connect;  // the SDK connect string
  int sessions = 300;
  uint64_t seed = 1;
  int watched_parents = 3;
  std::chrono::milliseconds session_timeout{30000};
  std::string plan_path = "/zkbalance/plan";  // "" = sessions do not follow plans
  std::string root;                           // default "/chaos-<seed>"
  int write_min_ms = 300, write_max_ms = 900; // pause between a session's writes
  int pipeline = 3;                           // a session's writes in flight at most
  int writer_pause_ms = 100;                  // pause between the writer's changes
  int duration_s = 0;                         // 0: until stdin says stop
  int settle_s = 90;                          // bound of the wait for convergence
  int setup_s = 120;                          // bound of the sessions' setup
};

// Runs the workload; returns the exit code (0 when every count is 0, 1 when a
// check failed, 2 when setup did not complete in time).
int RunSoak(const SoakOptions& options);

}  // namespace zk::chaos

#endif  // ZK_TESTS_CHAOS_SOAK_H_
