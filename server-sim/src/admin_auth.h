// Who may run the admin endpoint's control commands (docs/zksim.md,
// "Admin endpoint"). Read-only commands stay open, as ZooKeeper 3.8's
// AdminServer; the commands that change state — shed_connections (shed),
// kill, start, isolate, lag — need credentials:
//
//   Authorization: digest user:password      (ZooKeeper 3.9's scheme)
//   Authorization: Basic base64(user:password)   (HTTP Basic, curl -u)
//
// accepted when DigestId(user:password) is the configured admin digest
// (`zksim serve --admin-auth user:password` / `--admin-auth-file FILE`) or
// the super digest (`--super`). With neither configured, control commands
// are refused. Pure functions; admin_http.cc applies them.
#ifndef ZK_SIM_ADMIN_AUTH_H_
#define ZK_SIM_ADMIN_AUTH_H_

#include <string>
#include <string_view>

#include "zk/wire/status.h"

namespace zk::sim {

// True for the commands that change state (after alias resolution:
// "shed" is "shed_connections").
bool IsControlCommand(std::string_view name);

// "user:password" from an Authorization value "digest user:password" or
// "Basic <base64>" (scheme names in any case). kAuthFailed naming the
// problem otherwise.
Result<std::string> CredentialsOf(std::string_view authorization);

struct AdminAuthDecision {
  int http_status = 200;  // 200: allowed; 401: no or wrong credentials; 403: disabled
  std::string error;      // the JSON "error" text when refused
};

// `admin_digest`, `super_digest`: "user:<base64 sha1>" ids, "" for none.
AdminAuthDecision CheckControlAuth(std::string_view command, std::string_view authorization,
                                   const std::string& admin_digest,
                                   const std::string& super_digest);

// The first line of an --admin-auth-file (trailing CR/LF and blanks cut):
// "user:password". kBadArguments when it is not of that form.
Result<std::string> ParseAdminCredentials(std::string_view text);

}  // namespace zk::sim

#endif  // ZK_SIM_ADMIN_AUTH_H_
