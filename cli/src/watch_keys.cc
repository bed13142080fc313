#include "watch_keys.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace zk::cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;

void OnSigint(int) { g_interrupted = 1; }

}  // namespace

WatchKeys::WatchKeys() {
  g_interrupted = 0;
  struct sigaction sa {};
  sa.sa_handler = OnSigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() returns at once with EINTR
  sigaction(SIGINT, &sa, &saved_action_);
  if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_termios_) == 0) {
    struct termios raw = saved_termios_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    terminal_ = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
  }
}

WatchKeys::~WatchKeys() {
  if (terminal_) tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios_);
  sigaction(SIGINT, &saved_action_, nullptr);
}

bool WatchKeys::stop_requested() const { return stopped_ || g_interrupted != 0; }

bool WatchKeys::WaitForStop(std::chrono::milliseconds d) {
  auto deadline = std::chrono::steady_clock::now() + d;
  while (!stop_requested()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    // Short slices: a SIGINT that lands between the check and poll() is
    // seen within 100 ms.
    int slice = static_cast<int>(std::min<int64_t>(left.count(), 100));
    if (!terminal_) {
      poll(nullptr, 0, slice);
      continue;
    }
    struct pollfd p {
      STDIN_FILENO, POLLIN, 0
    };
    int n = poll(&p, 1, slice);
    if (n > 0 && (p.revents & (POLLIN | POLLHUP)) != 0) {
      char c = 0;
      ssize_t got = read(STDIN_FILENO, &c, 1);
      if (got <= 0 || c == 'q' || c == 'Q') stopped_ = true;
    } else if (n < 0 && errno != EINTR) {
      stopped_ = true;
    }
  }
  return true;
}

}  // namespace zk::cli
