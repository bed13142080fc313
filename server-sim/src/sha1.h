// SHA-1, only for ZooKeeper's digest authentication scheme
// (id = user:base64(sha1("user:password"))). Not for anything secret.
#ifndef ZK_SIM_SHA1_H_
#define ZK_SIM_SHA1_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace zk::sim {

std::array<uint8_t, 20> Sha1(std::string_view data);

// Standard base64 with '=' padding, as java.util.Base64.getEncoder().
std::string Base64(const uint8_t* data, size_t len);

// "user:password" -> "user:<base64 sha1>", as DigestAuthenticationProvider.
// The user is the text before the first ':'.
std::string DigestId(std::string_view user_password);

}  // namespace zk::sim

#endif  // ZK_SIM_SHA1_H_
