// The users of a JAAS login configuration's server section, as ZooKeeper's
// SaslServerCallbackHandler reads them:
//
//   Server {
//     org.apache.zookeeper.server.auth.DigestLoginModule required
//     user_super="adminsecret"
//     user_bob="bobsecret";
//   };
//
// Every `user_<name>="<password>"` option of the named section's login
// modules is a DIGEST-MD5 user. Comments (// and /* */) are skipped; values
// may be quoted or bare. Also the simpler `user=password` line format of
// `zksim serve --sasl-users` ('#' comments, blank lines skipped).
#ifndef ZK_SIM_JAAS_FILE_H_
#define ZK_SIM_JAAS_FILE_H_

#include <string>
#include <string_view>

#include "sasl_digest.h"
#include "zk/wire/status.h"

namespace zk::sim {

// Error: a syntax error (named with its line), no section `section`, or a
// section without user_ options.
Result<SaslUsers> ParseJaasUsers(std::string_view text, std::string_view section = "Server");
// Error: a line without '=' or with an empty user (named with its line).
Result<SaslUsers> ParseUserLines(std::string_view text);
// Reads `path` as a JAAS file when it has a '{', else as user=password
// lines. Errors name the file.
Result<SaslUsers> LoadSaslUsers(const std::string& path, std::string_view section = "Server");

}  // namespace zk::sim

#endif  // ZK_SIM_JAAS_FILE_H_
