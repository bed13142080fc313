// Scripted fault timelines for `zksim serve` (docs/zksim.md): a list of
// steps "at T ms after start, do ACTION to server S", from a JSON file
//   [{"at_ms": 1500, "action": "kill", "server": 2}, …]
// or from repeated `--at MS:ACTION[:ARGS]` flags. Parsing is pure; the
// runner applies each step on the loop with one log line.
//
// Actions and their fields (JSON / --at form):
//   kill     server                      1500:kill:2
//   start    server                      3000:start:2
//   isolate  server                      1500:isolate:2
//   heal     server (ends isolation)     3000:heal:2
//   lag      server, ms (>= 0)           1500:lag:2:300
//   shed     server (0: all), and one of
//            percentage (0..100) | count  1500:shed:2:50  (percentage)
#ifndef ZK_SIM_FAULT_TIMELINE_H_
#define ZK_SIM_FAULT_TIMELINE_H_

#include <uv.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "zk/sim/sim_server.h"
#include "zk/wire/status.h"

namespace zk::sim {

enum class FaultAction { kKill, kStart, kIsolate, kHeal, kLag, kShed };

struct FaultStep {
  int64_t at_ms = 0;  // after the ensemble started
  FaultAction action = FaultAction::kKill;
  int64_t server = 0;
  int64_t lag_ms = 0;       // kLag
  int32_t percentage = -1;  // kShed: -1 unless given
  int32_t count = -1;       // kShed: -1 unless given
};

// "kill server 2", "lag server 2 300 ms", "shed 50% of server 2", …
std::string Describe(const FaultStep& step);

// A JSON array of step objects. Errors name the entry: "timeline entry 2
// (at_ms 1500): …". Unknown keys are refused too (a typo must not pass).
Result<std::vector<FaultStep>> ParseTimelineJson(std::string_view text);
// One `--at` value, "MS:ACTION[:ARGS]". Errors quote the value.
Result<FaultStep> ParseAtFlag(std::string_view spec);
// Every step names a server in `ids` (shed may also name 0, all servers).
Status CheckServers(const std::vector<FaultStep>& steps, const std::vector<int64_t>& ids);

// Applies steps in at_ms order (stable for equal times) on one loop timer.
// Not thread-safe: loop thread only. `sim` must outlive the runner's use;
// Stop() closes the timer (the loop then finishes).
class FaultTimelineRunner {
 public:
  // `log` receives one line per applied step. Steps are copied and sorted.
  FaultTimelineRunner(std::vector<FaultStep> steps, SimServer* sim,
                      std::function<void(const std::string&)> log);
  FaultTimelineRunner(const FaultTimelineRunner&) = delete;
  FaultTimelineRunner& operator=(const FaultTimelineRunner&) = delete;

  // Starts the clock (t = 0 now). No-op with no steps.
  void Start(uv_loop_t* loop);
  void Stop();

 private:
  void ArmNext();
  void Fire();

  std::vector<FaultStep> steps_;
  SimServer* sim_;
  std::function<void(const std::string&)> log_;
  uv_timer_t timer_{};
  uv_loop_t* loop_ = nullptr;
  uint64_t start_ms_ = 0;
  size_t next_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace zk::sim

#endif  // ZK_SIM_FAULT_TIMELINE_H_
