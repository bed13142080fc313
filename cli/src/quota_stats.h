// The text of /zookeeper/quota/<path>/zookeeper_limits and zookeeper_stats
// as ZooKeeper 3.8's StatsTrack reads and writes it:
//   "count=-1,bytes=-1"                      (only the soft keys set)
//   "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=10"
// (other keys follow sorted, after a stray '=' that StatsTrack writes and
// its own parser tolerates). A missing key reads as -1.
#ifndef ZK_CLI_QUOTA_STATS_H_
#define ZK_CLI_QUOTA_STATS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "zk/wire/status.h"

namespace zk::cli {

class QuotaStats {
 public:
  static constexpr std::string_view kCount = "count";
  static constexpr std::string_view kBytes = "bytes";
  static constexpr std::string_view kCountHardLimit = "countHardLimit";
  static constexpr std::string_view kByteHardLimit = "byteHardLimit";

  // Pairs "key=value" separated by runs of ',' or ';'; an empty value is
  // -1. kBadArguments for a pair without '=' or a value that is not a long.
  static Result<QuotaStats> Parse(std::string_view text);

  int64_t Get(std::string_view key) const;
  void Set(std::string_view key, int64_t value) { values_[std::string(key)] = value; }

  std::string ToString() const;

 private:
  std::map<std::string, int64_t> values_;
};

}  // namespace zk::cli

#endif  // ZK_CLI_QUOTA_STATS_H_
