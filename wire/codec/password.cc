#include "zk/wire/password.h"

#include "zk/wire/protocol.h"

namespace zk::wire {
namespace {

// java.util.Random's 48-bit linear congruential generator.
constexpr uint64_t kMultiplier = 0x5DEECE66DULL;
constexpr uint64_t kAddend = 0xBULL;
constexpr uint64_t kMask = (uint64_t{1} << 48) - 1;

class JavaRandom {
 public:
  explicit JavaRandom(int64_t seed) : seed_((static_cast<uint64_t>(seed) ^ kMultiplier) & kMask) {}

  int32_t NextInt() {
    seed_ = (seed_ * kMultiplier + kAddend) & kMask;
    return static_cast<int32_t>(static_cast<uint32_t>(seed_ >> 16));
  }

 private:
  uint64_t seed_;
};

}  // namespace

std::string SessionPassword(int64_t session_id) {
  JavaRandom rnd(session_id ^ kPasswordSeedXor);
  std::string out(kSessionPasswordLength, '\0');
  // Random.nextBytes: each int fills up to 4 bytes, least significant first.
  for (std::size_t i = 0; i < out.size();) {
    auto r = static_cast<uint32_t>(rnd.NextInt());
    for (int n = 0; n < 4 && i < out.size(); ++n, r >>= 8) out[i++] = static_cast<char>(r & 0xff);
  }
  return out;
}

bool CheckSessionPassword(int64_t session_id, std::string_view passwd) {
  const std::string expected = SessionPassword(session_id);
  if (passwd.size() != expected.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    diff |= static_cast<unsigned char>(expected[i] ^ passwd[i]);
  }
  return diff == 0;
}

}  // namespace zk::wire
