// Test helper: a private uv loop, run until a condition holds or a deadline
// passes (every wait is bounded). The destructor checks that every handle
// was closed.
#ifndef ZK_TESTS_CLIENT_LOOP_RUNNER_H_
#define ZK_TESTS_CLIENT_LOOP_RUNNER_H_

#include <uv.h>

#include <chrono>
#include <functional>

namespace zk::test {

class LoopRunner {
 public:
  LoopRunner() { uv_loop_init(&loop_); }
  ~LoopRunner() {
    // Let closing handles finish (bounded).
    for (int i = 0; i < 2000 && uv_loop_alive(&loop_); ++i) uv_run(&loop_, UV_RUN_NOWAIT), Sleep1();
    close_rc_ = uv_loop_close(&loop_);
  }
  uv_loop_t* loop() { return &loop_; }

  // Runs the loop until cond() or timeout; returns cond().
  bool RunUntil(const std::function<bool()>& cond,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!cond()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      uv_run(&loop_, UV_RUN_NOWAIT);
      if (!cond()) Sleep1();
    }
    return true;
  }
  void RunFor(std::chrono::milliseconds d) {
    RunUntil([] { return false; }, d);
  }
  // After everything was closed: uv_loop_close() == 0.
  bool Drained() {
    for (int i = 0; i < 2000 && uv_loop_alive(&loop_); ++i) uv_run(&loop_, UV_RUN_NOWAIT), Sleep1();
    return !uv_loop_alive(&loop_);
  }

 private:
  static void Sleep1() {
    timespec ts{0, 1000000};
    nanosleep(&ts, nullptr);
  }
  uv_loop_t loop_;
  int close_rc_ = 0;
};

}  // namespace zk::test

#endif  // ZK_TESTS_CLIENT_LOOP_RUNNER_H_
