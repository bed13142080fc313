// Random orders over the servers of a list that need no storage: server i
// gets a key computed from (seed, i), and the order visits the servers by
// increasing (tier, key, index). The state of an iteration is the seed and
// the last server visited (the cursor), so a client's whole failover round or
// migration fits in a few words whatever the size of the list. Each step
// costs O(n) hashes.
//
// Uniform keys give a uniformly random permutation: visiting it in order is
// the same as drawing uniformly among the servers not yet visited. Weighted
// keys −ln(u)/w (an exponential race, Efraimidis & Spirakis 2006) give
// sampling without replacement with probabilities proportional to w.
#ifndef ZK_HOSTPROVIDER_SRC_SEEDED_ORDER_H_
#define ZK_HOSTPROVIDER_SRC_SEEDED_ORDER_H_

#include <cmath>
#include <cstdint>

#include "zk/hostprovider/random_source.h"
#include "zk/hostprovider/server_list.h"

namespace zk::order {

inline constexpr uint32_t kExcluded = 0xffffffffu;

struct Key {
  uint32_t tier = kExcluded;  // lower tiers first; kExcluded: never visited
  double key = 0.0;
  uint32_t index = kNoServer;
};

inline bool Before(const Key& a, const Key& b) {
  if (a.tier != b.tier) return a.tier < b.tier;
  if (a.key != b.key) return a.key < b.key;
  return a.index < b.index;
}

inline uint64_t Hash(uint64_t seed, uint32_t i) {
  return Mix64(seed + (static_cast<uint64_t>(i) + 1) * kGoldenGamma);
}

// Uniform in [0, 1).
inline double UniformKey(uint64_t seed, uint32_t i) {
  return static_cast<double>(Hash(seed, i) >> 11) * 0x1.0p-53;
}

// REQUIRES: w > 0. Smaller keys for larger weights, in distribution.
inline double WeightedKey(uint64_t seed, uint32_t i, double w) {
  const double u = (static_cast<double>(Hash(seed, i) >> 11) + 0.5) * 0x1.0p-53;  // (0, 1)
  return -std::log(u) / w;
}

// The server after `cursor` (kNoServer: the first) among [0, n), or
// kNoServer when every non-excluded server has been visited. KeyFn(i) -> Key.
template <typename KeyFn>
uint32_t NextAfter(uint32_t n, uint32_t cursor, KeyFn&& key_of) {
  const bool has_cursor = cursor != kNoServer && cursor < n;
  Key after;
  if (has_cursor) after = key_of(cursor);
  Key best;
  bool found = false;
  for (uint32_t i = 0; i < n; ++i) {
    const Key k = key_of(i);
    if (k.tier == kExcluded) continue;
    if (has_cursor && !Before(after, k)) continue;
    if (!found || Before(k, best)) {
      best = k;
      found = true;
    }
  }
  return found ? best.index : kNoServer;
}

}  // namespace zk::order

#endif  // ZK_HOSTPROVIDER_SRC_SEEDED_ORDER_H_
