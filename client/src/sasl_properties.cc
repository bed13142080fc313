// ValidateSaslOptions and the zkCli.sh client-configuration properties that
// concern SASL (zk/client/sasl_options.h). Property names are Java's
// (ZKClientConfig, and the JAAS system property).
#include <array>

#include "zk/client/sasl_options.h"

namespace zk {

namespace {

constexpr std::string_view kEnable = "zookeeper.sasl.client";
constexpr std::string_view kContext = "zookeeper.sasl.clientconfig";
constexpr std::string_view kJaas = "java.security.auth.login.config";
constexpr std::string_view kService = "zookeeper.sasl.client.username";
constexpr std::string_view kPrincipal = "zookeeper.server.principal";
constexpr std::string_view kRealm = "zookeeper.server.realm";
constexpr std::string_view kCanonicalize = "zookeeper.sasl.client.canonicalize.hostname";

Result<bool> ParseBool(std::string_view key, std::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return Status(Error::kBadArguments,
                fmt::format("{}: expected true or false, found '{}'", key, value));
}

// Loads the JAAS section named in o and keeps what the other properties set.
Status LoadJaasInto(SaslOptions& o) {
  auto loaded = LoadJaasClientSection(o.jaas_file, o.jaas_section);
  if (!loaded.ok()) {
    return Status(Error::kBadArguments,
                  fmt::format("{}: {}", kJaas, loaded.status().message()));
  }
  o.mechanism = loaded->mechanism;
  o.user = loaded->user;
  o.password = loaded->password;
  o.keytab = loaded->keytab;
  o.ticket_cache = loaded->ticket_cache;
  return Status();
}

}  // namespace

Status ValidateSaslOptions(const SaslOptions& o) {
  if (!o.enabled()) return Status();
  if (o.mechanism != "DIGEST-MD5" && o.mechanism != "GSSAPI") {
    return Status(Error::kBadArguments,
                  fmt::format("sasl.mechanism '{}' is not supported (DIGEST-MD5 or GSSAPI)",
                              o.mechanism));
  }
  if (o.service.empty()) return Status(Error::kBadArguments, "sasl.service is empty");
  if (o.mechanism == "DIGEST-MD5") {
    if (o.user.empty()) return Status(Error::kBadArguments, "sasl.user is empty (DIGEST-MD5)");
    if (o.password.empty() && !o.password_callback) {
      return Status(Error::kBadArguments,
                    "sasl.password is empty and there is no password_callback (DIGEST-MD5)");
    }
  }
  return Status();
}

bool IsSaslClientProperty(std::string_view key) {
  static constexpr std::array<std::string_view, 7> kKeys = {
      kEnable, kContext, kJaas, kService, kPrincipal, kRealm, kCanonicalize};
  for (std::string_view k : kKeys) {
    if (k == key) return true;
  }
  return false;
}

Status ApplySaslClientProperty(std::string_view key, std::string_view value, SaslOptions& o) {
  if (key == kEnable) {
    auto b = ParseBool(key, value);
    if (!b.ok()) return b.status();
    o.disabled = !*b;
    return Status();
  }
  if (key == kCanonicalize) {
    auto b = ParseBool(key, value);
    return b.ok() ? Status() : b.status();
  }
  if (key == kContext) {
    if (value.empty()) return Status(Error::kBadArguments, fmt::format("{} is empty", key));
    o.jaas_section = std::string(value);
    return o.jaas_file.empty() ? Status() : LoadJaasInto(o);
  }
  if (key == kJaas) {
    if (value.empty()) return Status(Error::kBadArguments, fmt::format("{} is empty", key));
    o.jaas_file = std::string(value);
    return LoadJaasInto(o);
  }
  if (key == kService) {
    if (value.empty()) return Status(Error::kBadArguments, fmt::format("{} is empty", key));
    o.service = std::string(value);
    return Status();
  }
  if (key == kPrincipal) {
    // "service/host@REALM" (Java: the principal the client expects the
    // server to have). The realm part does not reach Cyrus, which builds
    // the principal from service and host.
    std::string_view p = value;
    size_t at = p.find('@');
    std::string_view name = p.substr(0, at);
    size_t slash = name.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == name.size()) {
      return Status(Error::kBadArguments,
                    fmt::format("{}: expected service/host[@REALM], found '{}'", key, value));
    }
    o.service = std::string(name.substr(0, slash));
    o.host = std::string(name.substr(slash + 1));
    return Status();
  }
  if (key == kRealm) {
    // The Kerberos realm of the server principal: Cyrus's GSSAPI plugin
    // takes it from krb5.conf's domain mapping; SaslOptions::realm is
    // DIGEST-MD5's realm, a different thing, and stays as it is.
    return Status();
  }
  return Status(Error::kUnimplemented, fmt::format("{} is not a SASL property", key));
}

}  // namespace zk
