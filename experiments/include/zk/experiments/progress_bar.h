// A one-line progress bar on stderr, redrawn in place ("\r"), only when
// stderr is a terminal; long runs call Update() often, it redraws at most
// every 100 ms.
#ifndef ZK_EXPERIMENTS_PROGRESS_BAR_H_
#define ZK_EXPERIMENTS_PROGRESS_BAR_H_

#include <chrono>
#include <cstddef>
#include <string>

namespace zk::experiments {

class ProgressBar {
 public:
  // enabled: draw at all (e.g. stderr is a tty and the run is long).
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() { Finish(); }

  void Update(const std::string& what, size_t done, size_t total);
  // Clears the line.
  void Finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// Whether stderr is a terminal.
bool StderrIsTerminal();

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_PROGRESS_BAR_H_
