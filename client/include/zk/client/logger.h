// Logging hook for the client. Every Client takes a Logger through its
// options; there is no global logger. The default writes to stderr via fmt.
#ifndef ZK_CLIENT_LOGGER_H_
#define ZK_CLIENT_LOGGER_H_

#include <functional>
#include <memory>
#include <string_view>

#include <fmt/format.h>

namespace zk {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

std::string_view LogLevelName(LogLevel level);

// A sink for log lines. Thread-safety: called only on the loop thread of the
// client that owns it, so a sink shared by clients on different loops must
// synchronise itself.
class Logger {
 public:
  using Sink = std::function<void(LogLevel, std::string_view)>;

  // Lines below min_level are dropped before formatting.
  explicit Logger(Sink sink, LogLevel min_level = LogLevel::kInfo)
      : sink_(std::move(sink)), min_level_(min_level) {}

  // The default: "[zk WARN] message" lines on stderr, from kWarn up (the
  // level can be lowered with the ZK_LOG environment variable:
  // debug|info|warn|error|off).
  static std::shared_ptr<Logger> Stderr();
  // A logger that drops everything.
  static std::shared_ptr<Logger> Null();

  bool Enabled(LogLevel level) const { return sink_ && level >= min_level_; }

  template <typename... Args>
  void Log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) const {
    if (!Enabled(level)) return;
    sink_(level, fmt::format(f, std::forward<Args>(args)...));
  }

 private:
  Sink sink_;
  LogLevel min_level_;
};

}  // namespace zk

#endif  // ZK_CLIENT_LOGGER_H_
