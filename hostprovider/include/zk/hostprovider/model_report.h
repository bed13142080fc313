// What the model simulator (model_simulator.h) reports after each step: a
// StepReport gives per-server counts, movers, the minimum movers for a
// balanced result, max/mean, and the step on the clock (its settle time, the
// peak connection rate and the counts over time).
#ifndef ZK_HOSTPROVIDER_MODEL_REPORT_H_
#define ZK_HOSTPROVIDER_MODEL_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "zk/wire/host_port.h"

namespace zk {

// The counts at one instant of a step.
struct CountsAt {
  int64_t time_ms = 0;           // on the simulator's clock
  std::vector<uint64_t> counts;  // per server of the report's `servers`
  // Clients not on a server of `servers`: disconnected, or still connected
  // to a server the step removed from the list.
  uint64_t elsewhere = 0;
  // Connections established in (previous sample, this one].
  uint64_t connects = 0;
};

struct StepReport {
  std::string label;
  std::vector<HostPort> servers;
  std::vector<uint64_t> counts;  // per server of `servers`
  std::vector<uint8_t> up;       // per server: 1 if up
  uint64_t connected = 0;
  uint64_t disconnected = 0;
  uint64_t movers = 0;      // connected clients whose server changed
  uint64_t min_movers = 0;  // fewest moves that reach integer balance over the up servers
  // The minimum from a balanced start, C·max(|O|/|S|, |N|/|S'|), for
  // reconfigure steps (the paper's yardstick); min_movers for other steps.
  double balanced_start_min_movers = 0;
  double max_over_mean = 0;  // max count / (connected / servers)
  uint64_t shed = 0;         // connections shed by the step
  uint64_t attempts = 0;     // connection attempts made in the step

  // The step on the clock (see "Time" in model_simulator.h).
  int64_t start_ms = 0;  // when it began
  // From start_ms to the last change of a count the step caused (a client
  // leaving or landing on a server); 0 when it changed nothing.
  int64_t settle_ms = 0;
  // When the next step may begin: start_ms + max(settle_ms, the time of its
  // last attempt); a wait: start_ms + duration.
  int64_t end_ms = 0;
  uint64_t connects = 0;  // connections established in the step
  // The most connections established in any window [x, x + 1000 ms).
  uint64_t peak_connects_per_s = 0;
  // The counts from start_ms (before anything happened) every sample_period
  // to start_ms + settle_ms (the settled counts, equal to `counts`), and at
  // end_ms if later (the same counts); at least two samples, the first at
  // start_ms.
  std::vector<CountsAt> series;

  // movers / min_movers (1 when both are 0).
  double MoversOverMinimum() const;
  // movers / balanced_start_min_movers (1 when both are 0).
  double MoversOverBalancedStartMinimum() const;
  // One line: label, counts, movers, minimum, max/mean.
  std::string ToString() const;
};

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_MODEL_REPORT_H_
