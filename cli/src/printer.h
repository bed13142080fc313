// Where zkcli's output goes. Command output is written by the thread that
// runs commands; watch and session events arrive on the client's loop
// thread. Printer serialises both. In interactive mode events are not
// written at once but queued, and the line editor drains them between
// keystrokes so that they never break the line being typed (interactive.h).
//
// Thread-safety: every method may be called from any thread.
#ifndef ZK_CLI_PRINTER_H_
#define ZK_CLI_PRINTER_H_

#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace zk::cli {

class Printer {
 public:
  // Writes to the given streams (not owned).
  Printer(FILE* out, FILE* err) : out_(out), err_(err) {}

  // Writes `text` as is (callers add the newlines).
  void Out(std::string_view text);
  void Err(std::string_view text);

  // An asynchronous event block (e.g. "\nWATCHER::\n\nWatchedEvent …\n").
  // Written at once unless deferral is on; then queued and `notify` called.
  void Event(std::string text);

  // Interactive mode: queue events, and call `notify` (from any thread)
  // when one is queued. Pass {} to write events at once again.
  void DeferEvents(std::function<void()> notify);
  // Takes the queued events.
  std::vector<std::string> TakeEvents();

 private:
  std::mutex mu_;
  FILE* out_;
  FILE* err_;
  std::function<void()> notify_;
  std::vector<std::string> queued_;
};

}  // namespace zk::cli

#endif  // ZK_CLI_PRINTER_H_
