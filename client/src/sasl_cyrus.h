// SaslMechanism over Cyrus SASL (libsasl2), the library ZooKeeper's C client
// 3.7+ uses: DIGEST-MD5 with a user and password, GSSAPI with the Kerberos
// credentials of the process's environment. No security layer is
// negotiated (ZooKeeper's is "auth" only); the connection stays as it is.
#ifndef ZK_CLIENT_SRC_SASL_CYRUS_H_
#define ZK_CLIENT_SRC_SASL_CYRUS_H_

#include <memory>

#include "sasl_mechanism.h"
#include "zk/client/sasl_options.h"

namespace zk::client_internal {

// REQUIRES: ValidateSaslOptions(options).ok(). Initializes the Cyrus client
// library once per process (thread-safe); an error names what failed.
Result<std::unique_ptr<SaslMechanism>> NewCyrusSaslMechanism(const SaslOptions& options);

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_SASL_CYRUS_H_
