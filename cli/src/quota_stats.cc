#include "quota_stats.h"

#include <fmt/format.h>

#include "command_util.h"

namespace zk::cli {

Result<QuotaStats> QuotaStats::Parse(std::string_view text) {
  QuotaStats out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find_first_of(",;", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) continue;  // a run of separators
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return Status(Error::kBadArguments, fmt::format("quota stats: no '=' in \"{}\"", pair));
    }
    // Java's split("=") drops trailing empty fields: "bytes=-1=" is bytes -1.
    std::string_view value = pair.substr(eq + 1);
    if (size_t eq2 = value.find('='); eq2 != std::string_view::npos) value = value.substr(0, eq2);
    int64_t v = -1;
    if (!value.empty()) {
      auto n = ParseLong(std::string(value));
      if (!n)
        return Status(Error::kBadArguments, fmt::format("quota stats: bad value in \"{}\"", pair));
      v = *n;
    }
    out.Set(pair.substr(0, eq), v);
  }
  return out;
}

int64_t QuotaStats::Get(std::string_view key) const {
  auto it = values_.find(std::string(key));
  return it == values_.end() ? -1 : it->second;
}

std::string QuotaStats::ToString() const {
  std::string out = fmt::format("{}={},{}={}", kCount, Get(kCount), kBytes, Get(kBytes));
  bool first = true;
  for (const auto& [key, value] : values_) {  // std::map: sorted, as StatsTrack sorts
    if (key == kCount || key == kBytes) continue;
    if (first) out += "=";
    first = false;
    out += fmt::format(";{}={}", key, value);
  }
  return out;
}

}  // namespace zk::cli
