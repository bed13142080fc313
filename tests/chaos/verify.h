// The chaos soak's end checks, as pure functions over what the workload
// recorded (soak.h runs the workload). No I/O, no clock: times are given.
#ifndef ZK_TESTS_CHAOS_VERIFY_H_
#define ZK_TESTS_CHAOS_VERIFY_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "zk/client/watch.h"

namespace zk::chaos {

using TimePoint = std::chrono::steady_clock::time_point;

// What went wrong, counted; every field must be 0 for a passing run.
// The last line's lost/duplicated/missed_events/doubled_events are sums of
// these (Summary below).
struct Findings {
  int64_t lost_writes = 0;           // acknowledged, not in the tree
  int64_t duplicated_writes = 0;     // a counter present more than once
  int64_t misordered_writes = 0;     // sequence numbers not increasing with the counter
  int64_t lost_ephemerals = 0;       // missing, or owned by another session
  int64_t expired_sessions = 0;      // saw Expired, or not connected at the end
  int64_t missed_events = 0;         // persistent: a change not reported (not excused)
  int64_t excused_events = 0;        // persistent: not reported, the session was disconnected then
  int64_t doubled_events = 0;        // reported twice on one connection, or not a change at all
  int64_t redelivered_events = 0;    // persistent: heard again after a reconnect (allowed, verify.cc)
  int64_t misordered_events = 0;     // persistent: not in the changes' order
  int64_t oneshot_stale = 0;         // one-shot: final read not the final cversion
  int64_t oneshot_doubled = 0;       // one-shot: a registration fired twice
  int64_t oneshot_backwards = 0;     // one-shot: a read older than the previous one
  int64_t uncompleted_requests = 0;  // callback never called
  int64_t doubled_completions = 0;   // callback called twice
  std::vector<std::string> details;  // the first problems, for the failure report

  void Note(const std::string& what);
};

// ---- writes: "n-<8-digit counter>-<10-digit sequence>" children
struct SessionWrites {
  int session = 0;
  std::map<int64_t, int64_t> acked;   // counter -> sequence the reply named
  std::vector<int64_t> uncertain;     // counters whose reply never came (connection loss, ...)
  int64_t issued = 0;                 // counters 0..issued-1 were sent
};
// `children`: the names read at the end under the session's own node.
void CheckWrites(const SessionWrites& w, const std::vector<std::string>& children, Findings* f);

// ---- the shared watched nodes
// One change the writer made, in the order it made them (zxid order).
struct Change {
  int parent = 0;        // index of the watched parent
  EventType type{};      // the event a recursive watch must report
  int64_t child = 0;     // the changed node: <watched parent>/c-<child>
  TimePoint requested{}; // when the writer first sent it
  TimePoint resolved{};  // when the writer knew it was applied
};
// A recursive-watch event, its path parsed to (parent, child); events on
// other paths are counted by the workload as foreign.
struct ReceivedEvent {
  EventType type{};
  int parent = 0;
  int64_t child = 0;
  TimePoint at{};  // when the watcher was called
};
// A disconnected stretch of a session: [from, to] (to = end of run when
// still disconnected).
struct Outage {
  TimePoint from{}, to{};
};
// Persistent recursive watch: every change reported at most once, in the
// changes' (zxid) order; a change not reported is a miss when the session
// later got an event of a later change over a connection that was up from
// `margin` before the change was sent until then (events come in zxid order
// on a connection, so that connection skipped it), or got no later event
// and was never disconnected after the change. Otherwise it is excused: the
// connection dropped first, and ZooKeeper re-registers persistent watches
// after a reconnect without replaying what happened meanwhile (a server cut
// off from its leader keeps its clients, without news, until it notices).
void CheckPersistent(int session, const std::vector<Change>& changes,
                     const std::vector<ReceivedEvent>& events, const std::vector<Outage>& outages,
                     std::chrono::milliseconds margin, Findings* f);

// One-shot child watch on one parent, re-armed by each getChildren.
struct OneShotRecord {
  std::vector<int32_t> read_cversions;  // in the order the reads answered
  int64_t registrations_fired_twice = 0;
  int64_t foreign_events = 0;  // an event other than NodeChildrenChanged/None
};
void CheckOneShot(int session, int parent, const OneShotRecord& r, int32_t final_cversion,
                  Findings* f);

// Parses "n-00000012-0000000034" -> (12, 34); false for anything else.
bool ParseWriteName(const std::string& name, int64_t* counter, int64_t* sequence);

}  // namespace zk::chaos

#endif  // ZK_TESTS_CHAOS_VERIFY_H_
