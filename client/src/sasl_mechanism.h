// The client side of one SASL mechanism, as the session core sees it: a
// token in, maybe a token out, until the mechanism is complete. The core
// (session_core.cc) runs the ZooKeeper exchange around it (opcode sasl,
// GetSASLRequest / SetSASLResponse) and never sees the SASL library, so its
// unit tests drive the exchange with a fake mechanism and bytes. The
// Cyrus-backed implementation is sasl_cyrus.{h,cc}.
//
// Thread-safety: none; used on the session's loop thread only.
#ifndef ZK_CLIENT_SRC_SASL_MECHANISM_H_
#define ZK_CLIENT_SRC_SASL_MECHANISM_H_

#include <string>
#include <string_view>

#include "zk/wire/status.h"

namespace zk::client_internal {

// What the mechanism wants after Start or Step.
struct SaslStep {
  // Send `token` to the server (a GetSASLRequest), possibly empty.
  bool send = false;
  std::string token;
  // The mechanism has nothing more to compute. The core still waits for the
  // server's answer to a token sent with this step before it calls the
  // exchange done (a refusal of the last token is a failure too).
  bool complete = false;
};

class SaslMechanism {
 public:
  virtual ~SaslMechanism() = default;

  // The mechanism name, as logged ("DIGEST-MD5").
  virtual std::string Name() const = 0;
  // Starts a fresh exchange for a new connection to `server_host` (the host
  // of the server connected to, for principals built from it); forgets any
  // previous exchange. An error fails the session (AuthFailed).
  virtual Result<SaslStep> Start(const std::string& server_host) = 0;
  // The server's token (SetSASLResponse; empty when it sent none). REQUIRES:
  // Start succeeded and the last step was not complete.
  virtual Result<SaslStep> Step(std::string_view challenge) = 0;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_SASL_MECHANISM_H_
