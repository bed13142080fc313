// The command table: every group registers its commands; `help` lists them
// sorted by name (zkCli keeps them in a TreeMap, so "addWatch" < "addauth").
#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "command_util.h"

namespace zk::cli {

const std::vector<Command>& Commands() {
  static const std::vector<Command> table = [] {
    std::vector<Command> t;
    RegisterNodeCommands(&t);
    RegisterSessionCommands(&t);
    RegisterConfigCommands(&t);
    RegisterBalanceCommands(&t);
    RegisterQuotaCommands(&t);
    std::sort(t.begin(), t.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
    return t;
  }();
  return table;
}

const Command* FindCommand(std::string_view name) {
  for (const auto& c : Commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::optional<int64_t> ParseLong(const std::string& text, int base) {
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, base);
  if (errno != 0 || end == text.c_str() || *end != '\0' || std::isspace(static_cast<unsigned char>(text[0]))) {
    return std::nullopt;
  }
  // Java's parse methods do not accept a "0x" prefix.
  if (base == 16 && text.find_first_of("xX") != std::string::npos) return std::nullopt;
  return v;
}

}  // namespace zk::cli
