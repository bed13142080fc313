// SASL authentication of a session (ClientOptions::sasl), through Cyrus SASL
// as ZooKeeper's C client 3.7+ does, and the ways Java users configure it: a
// JAAS file's client section and zkCli.sh's client-configuration properties.
//
// With a mechanism set, every connection runs the SASL exchange (opcode
// sasl, 102) right after the server accepted the session and before anything
// else is sent; requests made meanwhile wait in the queue. The session is
// Connected only once the exchange succeeded. A refusal is the terminal
// AuthFailed state (docs/client.md, "SASL").
#ifndef ZK_CLIENT_SASL_OPTIONS_H_
#define ZK_CLIENT_SASL_OPTIONS_H_

#include <functional>
#include <string>
#include <string_view>

#include "zk/wire/status.h"

namespace zk {

struct SaslOptions {
  // "" (default): no SASL. "DIGEST-MD5", or "GSSAPI" (Kerberos; needs the
  // Cyrus GSSAPI plugin, Debian libsasl2-modules-gssapi-mit, and Kerberos
  // credentials in the process's environment, see keytab below).
  std::string mechanism;
  // DIGEST-MD5: the user name (authentication and authorization id; the
  // server's identity for ACLs is then "sasl:<user>"). GSSAPI: optional
  // client principal ("bob@EXAMPLE.COM"); "" = the credential cache's.
  std::string user;
  // DIGEST-MD5's password. If password_callback is set it is asked instead,
  // on the loop thread, at each exchange that needs the password; an error
  // it returns fails the exchange (AuthFailed).
  std::string password;
  std::function<Result<std::string>()> password_callback;
  // The service name: the first part of the server principal
  // ("zookeeper/host@REALM"; Java's zookeeper.sasl.client.username).
  std::string service = "zookeeper";
  // The host part of the server principal. "" = per mechanism:
  // "zk-sasl-md5" for DIGEST-MD5 (the server name every ZooKeeper server
  // uses for it), the host of the server connected to for GSSAPI.
  std::string host;
  // DIGEST-MD5: the realm to answer with; "" = the first the server offers
  // (ZooKeeper offers "zk-sasl-md5").
  std::string realm;
  // From a JAAS Krb5LoginModule (keyTab=, ticketCache=), for the record:
  // Cyrus's GSSAPI plugin takes credentials from the Kerberos environment
  // (KRB5_CLIENT_KTNAME, KRB5CCNAME), which the SDK never changes; set
  // those variables to these paths before the first connect.
  std::string keytab;
  std::string ticket_cache;

  // Where ApplySaslClientProperty found the configuration (informational;
  // "" = not from a JAAS file).
  std::string jaas_file;
  std::string jaas_section = "Client";
  // zookeeper.sasl.client=false: SASL stays off whatever else is set.
  bool disabled = false;

  bool enabled() const { return !disabled && !mechanism.empty(); }
};

// Checks the options a Client is created with: a known mechanism, a user
// and a password (or callback) for DIGEST-MD5, a non-empty service. The
// error names the field.
Status ValidateSaslOptions(const SaslOptions& o);

// Reads the section `section` of a JAAS login configuration file, as Java
// clients configure ZooKeeper:
//
//   Client {
//     org.apache.zookeeper.server.auth.DigestLoginModule required
//     username="bob" password="pw";
//   };
//
// DigestLoginModule gives mechanism DIGEST-MD5 with username/password.
// com.sun.security.auth.module.Krb5LoginModule gives GSSAPI: principal ->
// user, keyTab -> keytab, ticketCache -> ticket_cache; useKeyTab,
// storeKey, useTicketCache, doNotPrompt, debug, refreshKrb5Config,
// isInitiator are accepted and have no effect here. Comments (// and /* */)
// are allowed. Errors are ZBADARGUMENTS with "path:line: problem" (a
// missing file or section, a syntax error, an unknown login module, an
// unknown option of a known one).
Result<SaslOptions> LoadJaasClientSection(const std::string& path,
                                          std::string_view section = "Client");
// The same on text in memory; `origin` names it in errors.
Result<SaslOptions> ParseJaasClientSection(std::string_view text, std::string_view section,
                                           std::string_view origin);

// Applies one of zkCli.sh's client-configuration properties (Java's
// ZKClientConfig names) to `o`, for the client-configuration loader:
//   zookeeper.sasl.client          "true"/"false": false disables SASL
//   zookeeper.sasl.clientconfig    the JAAS section (default "Client")
//   java.security.auth.login.config  the JAAS file; its section is loaded
//                                  (again when the section name comes later)
//   zookeeper.sasl.client.username the service name (default "zookeeper")
//   zookeeper.server.principal     "service/host@REALM": service and host
//   zookeeper.server.realm         accepted, no effect (GSSAPI's server
//                                  realm comes from krb5.conf)
//   zookeeper.sasl.client.canonicalize.hostname  accepted ("true"/"false"),
//                                  no effect: the SDK never canonicalizes
// Returns ZBADARGUMENTS naming the key for a bad value, and ZUNIMPLEMENTED
// for a key this function does not handle (the loader decides about those).
Status ApplySaslClientProperty(std::string_view key, std::string_view value, SaslOptions& o);

// True for the keys ApplySaslClientProperty handles.
bool IsSaslClientProperty(std::string_view key);

}  // namespace zk

#endif  // ZK_CLIENT_SASL_OPTIONS_H_
