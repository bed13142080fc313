// How a repeating command (`servers --watch`) learns that the user wants it
// to stop: `q` typed on the terminal, or Ctrl-C (SIGINT), which then stops
// the command only, not zkcli.
//
// While a WatchKeys lives, SIGINT sets a flag instead of ending the process,
// and, when stdin is a terminal, the terminal delivers keys at once without
// echo (ICANON and ECHO off; ISIG stays on so Ctrl-C still raises SIGINT).
// The destructor restores the terminal and the previous SIGINT disposition.
//
// Thread-safety: one thread (the one running commands) uses it; at most one
// WatchKeys may exist at a time.
#ifndef ZK_CLI_WATCH_KEYS_H_
#define ZK_CLI_WATCH_KEYS_H_

#include <signal.h>
#include <termios.h>

#include <chrono>

namespace zk::cli {

class WatchKeys {
 public:
  WatchKeys();
  ~WatchKeys();
  WatchKeys(const WatchKeys&) = delete;
  WatchKeys& operator=(const WatchKeys&) = delete;

  // Waits up to `d`; returns true as soon as the user asked to stop (now or
  // earlier), false when `d` passed without that.
  bool WaitForStop(std::chrono::milliseconds d);
  bool stop_requested() const;

  // Whether stdin is a terminal (keys are read only then).
  bool terminal() const { return terminal_; }

 private:
  bool terminal_ = false;  // stdin is a terminal, saved_termios_ holds its mode
  bool stopped_ = false;
  struct termios saved_termios_ {};
  struct sigaction saved_action_ {};
};

}  // namespace zk::cli

#endif  // ZK_CLI_WATCH_KEYS_H_
