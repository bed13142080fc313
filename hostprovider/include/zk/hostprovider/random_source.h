// The injected source of randomness of the host provider, the planners and
// the model simulator. Nothing in hostprovider/ reads a global generator or a
// clock: every random decision is drawn from a RandomSource the caller owns,
// so a run is reproducible from its seed.
//
// Thread-safety: a RandomSource is not thread-safe; give each thread (and in
// the simulator, each client) its own.
#ifndef ZK_HOSTPROVIDER_RANDOM_SOURCE_H_
#define ZK_HOSTPROVIDER_RANDOM_SOURCE_H_

#include <cstdint>

namespace zk {

// The SplitMix64 output function: a bijective 64-bit mixer. Also used to
// derive independent per-client seeds and the stateless random orders of
// seeded_order.h.
inline constexpr uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

class RandomSource {
 public:
  virtual ~RandomSource() = default;

  // 64 uniformly distributed bits.
  virtual uint64_t NextU64() = 0;

  // Uniform in [0, 1), 53 bits of precision.
  double NextDouble() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n). REQUIRES: n > 0. (Lemire's multiply-shift with
  // rejection: exactly uniform.)
  uint64_t Below(uint64_t n);

  // True with probability p (p <= 0: never; p >= 1: always, and no draw is
  // made in either case, so degenerate probabilities do not consume the
  // stream).
  bool Bernoulli(double p) {
    if (p <= 0.0) return false;
    if (p >= 1.0) return true;
    return NextDouble() < p;
  }
};

// SplitMix64 (Steele, Lea, Flood 2014): 8 bytes of state, passes BigCrush
// (std::mt19937_64 holds 2.5 KiB); the default source of the SDK, the
// per-client source of the simulator and the client's seeded jitter. It is
// also a UniformRandomBitGenerator, for the <random> distributions.
class SplitMix64 final : public RandomSource {
 public:
  using result_type = uint64_t;
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t NextU64() override {
    state_ += kGoldenGamma;
    return Mix64(state_);
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() { return NextU64(); }

  uint64_t state() const { return state_; }

 private:
  uint64_t state_;
};

// The seed of the i-th of many independent streams derived from one seed
// (the simulator gives client i the stream DeriveSeed(seed, i)).
inline constexpr uint64_t DeriveSeed(uint64_t seed, uint64_t i) {
  return Mix64(seed ^ Mix64((i + 1) * kGoldenGamma));
}

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_RANDOM_SOURCE_H_
