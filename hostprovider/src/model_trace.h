// The events of one step of the model simulator (model_simulator.h) on its
// clock, and what the step's report derives from them: the settle time, the
// counts over time (StepReport::series) and the peak connection rate.
// Private to hostprovider/src.
#ifndef ZK_HOSTPROVIDER_SRC_MODEL_TRACE_H_
#define ZK_HOSTPROVIDER_SRC_MODEL_TRACE_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "zk/hostprovider/model_report.h"
#include "zk/hostprovider/server_list.h"

namespace zk {

// The events of one step, in ms from its beginning: clients leaving and
// landing on servers (indices of the step's final list; `n` stands for
// "elsewhere": disconnected or on a server the step removed), attempts.
class ModelTrace {
 public:
  // The most samples in a step's series (plus the one before the step).
  static constexpr int64_t kMaxSamples = 10000;
  // The window of PeakPerSecond.
  static constexpr int64_t kPeakWindowMs = 1000;

  // `initial`: the counts per server of the step's final list before the
  // step; `elsewhere`: the clients on none of them.
  ModelTrace(std::vector<uint64_t> initial, uint64_t elsewhere);

  // A client leaves `server` (kNoServer: a server outside the list) at t.
  void Leave(int64_t t, uint32_t server) { Change(t, server == kNoServer ? n_ : server, n_); }
  void Land(int64_t t, uint32_t server) {
    Change(t, n_, server);
    landings_.push_back(t);
  }
  void Attempted(int64_t t) { last_ = std::max(last_, t); }

  // The last change of a count (0: none), and the last event of any kind.
  int64_t last_change() const { return last_change_; }
  int64_t last() const { return std::max(last_, last_change_); }

  // The series from `start_ms` (the counts before the step) to the settle,
  // one sample every `period` ms (doubled while that would give more than
  // kMaxSamples).
  std::vector<CountsAt> Series(int64_t start_ms, int64_t period) const;

  uint64_t connects() const { return landings_.size(); }

  // The most landings in any window [x, x + kPeakWindowMs).
  uint64_t PeakPerSecond() const;

 private:
  struct Event {
    int64_t t;
    uint32_t from;  // the count that drops (n_: elsewhere)
    uint32_t to;    // the count that grows
  };

  void Change(int64_t t, uint32_t from, uint32_t to) {
    events_.push_back(Event{t, from, to});
    last_change_ = std::max(last_change_, t);
  }

  uint32_t n_;
  std::vector<uint64_t> initial_;  // per server, then elsewhere
  std::vector<Event> events_;
  std::vector<int64_t> landings_;
  int64_t last_change_ = 0;
  int64_t last_ = 0;
};

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_SRC_MODEL_TRACE_H_
