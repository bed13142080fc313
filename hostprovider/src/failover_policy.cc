#include "zk/hostprovider/failover_policy.h"

#include "seeded_order.h"
#include "zk/hostprovider/server_list.h"

namespace zk {

std::string_view FailoverPolicyName(FailoverPolicy p) {
  switch (p) {
    case FailoverPolicy::kFixedOrder:
      return "fixed-order";
    case FailoverPolicy::kHerdFree:
      return "herd-free";
    case FailoverPolicy::kLoadAware:
      return "load-aware";
  }
  return "unknown";
}

std::optional<FailoverPolicy> ParseFailoverPolicy(std::string_view name) {
  for (FailoverPolicy p :
       {FailoverPolicy::kFixedOrder, FailoverPolicy::kHerdFree, FailoverPolicy::kLoadAware}) {
    if (FailoverPolicyName(p) == name) return p;
  }
  return std::nullopt;
}

uint32_t FixedOrderNext(uint64_t order_seed, uint32_t n, uint32_t position) {
  auto key_of = [order_seed](uint32_t i) {
    return order::Key{0, order::UniformKey(order_seed, i), i};
  };
  const uint32_t next = order::NextAfter(n, position, key_of);
  if (next != kNoServer) return next;
  return order::NextAfter(n, kNoServer, key_of);  // wrap around
}

uint32_t RoundNext(FailoverPolicy policy, uint64_t round_seed, uint32_t n, uint32_t cursor,
                   uint32_t last, std::span<const int64_t> load) {
  if (policy != FailoverPolicy::kLoadAware || load.size() != n) {
    return order::NextAfter(n, cursor, [round_seed, last](uint32_t i) {
      return order::Key{i == last ? 1u : 0u, order::UniformKey(round_seed, i), i};
    });
  }
  // Load-aware: the lost server's clients should land where they even out
  // the load. With the total of the known counts spread over the known
  // candidates (every server but `last`), each candidate's level is
  // `level`; a candidate below it is drawn with probability proportional to
  // its deficit.
  double total = 0;
  uint32_t known_candidates = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (load[i] < 0) continue;
    total += static_cast<double>(load[i]);
    if (i != last) ++known_candidates;
  }
  const double level = known_candidates > 0 ? total / known_candidates : 0.0;
  return order::NextAfter(n, cursor, [&](uint32_t i) {
    if (i == last) return order::Key{2, order::UniformKey(round_seed, i), i};
    const double deficit = load[i] < 0 ? 0.0 : level - static_cast<double>(load[i]);
    if (deficit > 0) return order::Key{0, order::WeightedKey(round_seed, i, deficit), i};
    return order::Key{1, order::UniformKey(round_seed, i), i};
  });
}

}  // namespace zk
