#include "zk/experiments/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace zk::experiments {

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

void ProgressBar::Update(const std::string& what, size_t done, size_t total) {
  if (!enabled_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  constexpr size_t kWidth = 30;
  const size_t filled = done * kWidth / total;
  fmt::print(stderr, "\r[{}{}] {:>3}% {:<40.40}", std::string(filled, '#'),
             std::string(kWidth - filled, ' '), done * 100 / total, what);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (!drawn_) return;
  fmt::print(stderr, "\r{}\r", std::string(80, ' '));
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace zk::experiments
