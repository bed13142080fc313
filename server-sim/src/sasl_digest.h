// SASL DIGEST-MD5 (RFC 2831), server side, as ZooKeeper 3.8's SASL server
// runs it (ZooKeeperSaslServer: protocol "zookeeper", server name and realm
// "zk-sasl-md5", qop "auth" only: no integrity or privacy layer).
//
// The exchange over ZooKeeper's sasl packets (OpCode 102):
//   1. client: empty token        -> server: the digest-challenge
//   2. client: the digest-response -> server: "rspauth=<hex>"; complete,
//      the identity is the user name, also when an authzid was sent
//      (ZooKeeper's SaslServerCallbackHandler authorizes the authentication
//      id).
// Any bad step is an error value naming the problem (the connection then
// gets AUTHFAILED, sasl_packet.h). User names and passwords are compared
// and hashed as the bytes given (ASCII; charset=utf-8 is announced).
#ifndef ZK_SIM_SASL_DIGEST_H_
#define ZK_SIM_SASL_DIGEST_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "zk/wire/status.h"

namespace zk::sim {

// user -> password.
using SaslUsers = std::map<std::string, std::string>;

// The directives of a digest-challenge/response: key=value or
// key="quoted \"value\"", comma-separated, optional spaces. Keys are
// lower-cased. Error: a malformed list (names the position), a repeated key.
Result<std::map<std::string, std::string>> ParseDigestDirectives(std::string_view text);

struct DigestInputs {
  std::string username, realm, password, nonce, cnonce, nc, qop, digest_uri, authzid;
};
// The hex "response" value of RFC 2831 §2.1.2.1 (a2_prefix "AUTHENTICATE")
// or the server's rspauth (§2.1.3, a2_prefix ""). MD5 via OpenSSL.
std::string DigestMd5Value(const DigestInputs& in, bool rspauth);

class DigestMd5Server {
 public:
  // `nonce` makes the server's nonce (tests pass a fixed one; the default
  // is 24 random bytes from OpenSSL, base64).
  explicit DigestMd5Server(const SaslUsers* users, std::function<std::string()> nonce = {});

  // One step: the client's token in, the server's token out.
  Result<std::string> Step(std::string_view client_token);
  bool complete() const { return state_ == State::kDone; }
  // The authenticated user. Valid once complete().
  const std::string& authorization_id() const { return authorization_id_; }

  static constexpr const char* kRealm = "zk-sasl-md5";
  static constexpr const char* kDigestUri = "zookeeper/zk-sasl-md5";

 private:
  enum class State { kStart, kChallenged, kDone, kFailed };
  const SaslUsers* users_;
  std::function<std::string()> make_nonce_;
  State state_ = State::kStart;
  std::string nonce_;
  std::string authorization_id_;
};

}  // namespace zk::sim

#endif  // ZK_SIM_SASL_DIGEST_H_
