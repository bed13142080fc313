#include "zk/client/logger.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace zk {

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
    case LogLevel::kOff: return "OFF";
  }
  return "?";
}

std::shared_ptr<Logger> Logger::Stderr() {
  LogLevel min = LogLevel::kWarn;
  if (const char* env = std::getenv("ZK_LOG")) {
    std::string v = env;
    if (v == "debug") min = LogLevel::kDebug;
    else if (v == "info") min = LogLevel::kInfo;
    else if (v == "error") min = LogLevel::kError;
    else if (v == "off") min = LogLevel::kOff;
  }
  return std::make_shared<Logger>(
      [](LogLevel level, std::string_view line) {
        fmt::print(stderr, "[zk {}] {}\n", LogLevelName(level), line);
      },
      min);
}

std::shared_ptr<Logger> Logger::Null() { return std::make_shared<Logger>(Sink{}, LogLevel::kOff); }

}  // namespace zk
