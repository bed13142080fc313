// zkCli.sh's client configuration file (`zkCli.sh -client-configuration
// FILE`, Java's ZKClientConfig): a java.util.Properties text with ZooKeeper's
// property names, read into ClientOptions.
//
// Keys (names as ZooKeeper 3.8's ZKClientConfig and ClientX509Util spell
// them; values trimmed):
//   zookeeper.client.secure=true|false       TLS on (TlsOptions::enabled)
//   zookeeper.clientCnxnSocket               ClientCnxnSocketNetty or
//                                            ClientCnxnSocketNIO (org.apache.zookeeper.);
//                                            accepted, the SDK has its own socket
//   zookeeper.ssl.keyStore.location          PEM holding the client key and
//                                            certificate (cert_file, key_file)
//   zookeeper.ssl.keyStore.password          the key's password (key_password)
//   zookeeper.ssl.keyStore.passwordPath      a file holding it (trailing newline dropped)
//   zookeeper.ssl.keyStore.type              PEM only (empty: a .pem location)
//   zookeeper.ssl.trustStore.location        PEM CA certificates (ca_file)
//   zookeeper.ssl.trustStore.password(Path)  accepted; a PEM trust store has none
//   zookeeper.ssl.trustStore.type            PEM only (empty: a .pem location)
//   zookeeper.ssl.hostnameVerification       true|false (verify_host_name)
//   zookeeper.ssl.protocol                   TLSv1.2|TLSv1.3: with no
//                                            enabledProtocols, that version only
//                                            (Java enables just the context's protocol)
//   zookeeper.ssl.enabledProtocols           comma list of TLSv1.2, TLSv1.3
//   zookeeper.ssl.ciphersuites               comma list of IANA names as Java
//                                            takes them (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
//                                            TLS_AES_128_GCM_SHA256), mapped to OpenSSL's
//   zookeeper.ssl.crl, zookeeper.ssl.ocsp    false only (revocation checks unsupported)
//   zookeeper.ssl.clientAuth, zookeeper.ssl.authProvider,
//   zookeeper.ssl.handshakeDetectionTimeoutMillis
//                                            server-side settings: accepted, ignored
//   zookeeper.request.timeout                milliseconds (request_timeout)
//   zookeeper.disableAutoWatchReset          false only (the SDK always re-sets watches)
//   zookeeper.sasl.client, zookeeper.sasl.clientconfig,
//   java.security.auth.login.config, zookeeper.sasl.client.username,
//   zookeeper.server.principal, zookeeper.server.realm,
//   zookeeper.sasl.client.canonicalize.hostname
//                                            SASL (zk/client/sasl_options.h,
//                                            ApplySaslClientProperty): the JAAS
//                                            file's client section is read here,
//                                            its errors name the key's line
// Any other key, and an unsupported value (a JKS or PKCS12 store, TLSv1.1,
// ssl.context.supplier.class, crl=true, ...) is a kBadArguments error naming
// the key and its line.
#ifndef ZK_CLIENT_CLIENT_CONFIG_FILE_H_
#define ZK_CLIENT_CLIENT_CONFIG_FILE_H_

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "zk/client/client.h"
#include "zk/client/sasl_options.h"
#include "zk/client/tls_options.h"
#include "zk/wire/status.h"

namespace zk {

struct ClientConfigFile {
  // TLS settings; tls.enabled is zookeeper.client.secure. The other fields
  // are filled from the zookeeper.ssl.* keys whether or not it is on.
  TlsOptions tls;
  // zookeeper.clientCnxnSocket as given ("" when absent).
  std::string client_cnxn_socket;
  std::optional<std::chrono::milliseconds> request_timeout;
  // The SASL keys as given, key -> value, and what they configure.
  std::map<std::string, std::string> sasl;
  SaslOptions sasl_options;
};

// Parses the text of a configuration file. Relative paths (locations,
// passwordPath files) are used as given, relative to the working directory,
// as Java does.
Result<ClientConfigFile> ParseClientConfigFile(std::string_view text);

// Reads and parses `path`; errors name the file.
Result<ClientConfigFile> LoadClientConfigFile(const std::string& path);

// Copies what the file sets into *options (tls, sasl; request_timeout when
// set).
void ApplyClientConfigFile(const ClientConfigFile& file, ClientOptions* options);

}  // namespace zk

#endif  // ZK_CLIENT_CLIENT_CONFIG_FILE_H_
