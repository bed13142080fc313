// The injected clock. Tests drive a ManualClock; the binary uses the loop's.
#ifndef ZK_SIM_CLOCK_H_
#define ZK_SIM_CLOCK_H_

#include <cstdint>

namespace zk::sim {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic milliseconds (session expiry, lag, latency).
  virtual int64_t NowMs() const = 0;
  // Wall-clock epoch milliseconds (ctime/mtime, `est`).
  virtual int64_t WallMs() const = 0;
};

class ManualClock : public Clock {
 public:
  int64_t NowMs() const override { return now_; }
  int64_t WallMs() const override { return wall_base_ + now_; }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  int64_t now_ = 0;
  int64_t wall_base_ = 1795316400000;  // fixed for reproducible tests
};

}  // namespace zk::sim

#endif  // ZK_SIM_CLOCK_H_
