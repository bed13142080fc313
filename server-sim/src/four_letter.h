// Four-letter-word texts in ZooKeeper 3.8's formats.
#ifndef ZK_SIM_FOUR_LETTER_H_
#define ZK_SIM_FOUR_LETTER_H_

#include <set>
#include <string>
#include <vector>

#include "ensemble.h"
#include "server_connection.h"

namespace zk::sim {

inline constexpr const char* kZkVersion =
    "3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC";

struct FourLetterContext {
  Ensemble* ens = nullptr;
  int64_t server = 0;
  std::vector<const ServerConnection*> conns;  // live connections of the server
  std::set<std::string> whitelist;             // "*" for all
};

// The text for `word`; `word` must be one of the recognised words (shed words
// are handled by the caller and never reach here).
std::string FourLetterText(const FourLetterContext& ctx, const std::string& word);

// "srvr"-style mode name: standalone, leader, follower, observer, read-only.
std::string ModeName(Ensemble& ens, int64_t server);

// Java-style double: 0.0, 2.75, 1.8403.
std::string JavaDouble(double v);

}  // namespace zk::sim

#endif  // ZK_SIM_FOUR_LETTER_H_
