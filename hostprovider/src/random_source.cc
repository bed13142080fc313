#include "zk/hostprovider/random_source.h"

namespace zk {

namespace {
__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang; -Wpedantic-clean
}  // namespace

uint64_t RandomSource::Below(uint64_t n) {
  // Lemire, "Fast random integer generation in an interval" (2019).
  Uint128 m = static_cast<Uint128>(NextU64()) * n;
  auto low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Uint128>(NextU64()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

}  // namespace zk
