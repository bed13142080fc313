// The session password a ZooKeeper server hands out: java.util.Random seeded with sessionId ^ 0xB3415C00, 16 bytes
// from nextBytes(). Being a pure function of the session id, any server of an
// ensemble can check a password on reattach, and zksim can hand out the very
// bytes a real server would.
#ifndef ZK_WIRE_PASSWORD_H_
#define ZK_WIRE_PASSWORD_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace zk::wire {

// XORed into the session id to form the java.util.Random seed.
inline constexpr int64_t kPasswordSeedXor = 0xB3415C00LL;

// The 16-byte password of `session_id`, e.g. 0x01000009725d0001 ->
// 8c648dc1b2ed52ed743cd8747f260d4b.
std::string SessionPassword(int64_t session_id);

// Whether `passwd` is the password of `session_id` (compared in constant time).
bool CheckSessionPassword(int64_t session_id, std::string_view passwd);

}  // namespace zk::wire

#endif  // ZK_WIRE_PASSWORD_H_
