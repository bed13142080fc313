#include "zk/client/client_config_file.h"

#include "zk/client/sasl_options.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "zk/wire/java_properties.h"

namespace zk {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> SplitComma(const std::string& v) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(v);
  while (std::getline(in, cur, ',')) {
    std::string t = Trim(cur);
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

Status KeyError(const wire::PropertyEntry& e, std::string_view what) {
  return Status(Error::kBadArguments,
                fmt::format("line {}: {}: {}", e.line, e.key, what));
}

Result<bool> Bool(const wire::PropertyEntry& e, const std::string& v) {
  std::string l = Lower(v);
  if (l == "true") return true;
  if (l == "false") return false;
  return KeyError(e, fmt::format("'{}' is not true or false", v));
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Error::kBadArguments, fmt::format("cannot read '{}'", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A store type: PEM, or empty with a .pem location.
Status CheckPemType(const wire::PropertyEntry& e, const std::string& v) {
  if (Lower(v) == "pem") return Status();
  return KeyError(e, fmt::format("store type '{}' is not supported: only PEM (convert a JKS or "
                                 "PKCS12 store with keytool/openssl)",
                                 v));
}

}  // namespace

Result<ClientConfigFile> ParseClientConfigFile(std::string_view text) {
  auto props = wire::LoadProperties(text);
  if (!props.ok()) return props.status();
  ClientConfigFile f;
  const wire::PropertyEntry* key_type = nullptr;
  const wire::PropertyEntry* trust_type = nullptr;
  const wire::PropertyEntry* protocol = nullptr;
  const wire::PropertyEntry* enabled = nullptr;
  const wire::PropertyEntry* jaas_file = nullptr;
  const wire::PropertyEntry* jaas_section = nullptr;
  std::string key_location, trust_location;
  for (const wire::PropertyEntry& e : *props) {
    const std::string& k = e.key;
    const std::string v = Trim(e.value);
    if (IsSaslClientProperty(k) || k.rfind("zookeeper.sasl.", 0) == 0) {
      f.sasl[k] = v;
      // The JAAS file and its section are applied after the loop, whatever
      // their order in the file (Java reads the section at connect time).
      if (k == "java.security.auth.login.config") {
        jaas_file = &e;
        continue;
      }
      if (k == "zookeeper.sasl.clientconfig") {
        jaas_section = &e;
        continue;
      }
      Status st = ApplySaslClientProperty(k, v, f.sasl_options);
      if (st.code() == Error::kUnimplemented) return KeyError(e, "unknown SASL property");
      if (!st.ok()) return KeyError(e, st.message());
    } else if (k == "zookeeper.client.secure") {
      auto b = Bool(e, v);
      if (!b.ok()) return b.status();
      f.tls.enabled = *b;
    } else if (k == "zookeeper.clientCnxnSocket") {
      if (v != "org.apache.zookeeper.ClientCnxnSocketNetty" &&
          v != "org.apache.zookeeper.ClientCnxnSocketNIO") {
        return KeyError(e, fmt::format("'{}' is not org.apache.zookeeper.ClientCnxnSocketNetty "
                                       "or ...ClientCnxnSocketNIO",
                                       v));
      }
      f.client_cnxn_socket = v;
    } else if (k == "zookeeper.ssl.keyStore.location") {
      key_location = v;
      f.tls.cert_file = v;
      f.tls.key_file = v;
    } else if (k == "zookeeper.ssl.keyStore.password") {
      f.tls.key_password = v;
    } else if (k == "zookeeper.ssl.keyStore.passwordPath") {
      auto pw = ReadSmallFile(v);
      if (!pw.ok()) return KeyError(e, pw.status().message());
      std::string p = std::move(pw).value();
      while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
      f.tls.key_password = p;
    } else if (k == "zookeeper.ssl.keyStore.type") {
      key_type = &e;
      if (!v.empty()) {
        Status st = CheckPemType(e, v);
        if (!st.ok()) return st;
      }
    } else if (k == "zookeeper.ssl.trustStore.location") {
      trust_location = v;
      f.tls.ca_file = v;
    } else if (k == "zookeeper.ssl.trustStore.password" ||
               k == "zookeeper.ssl.trustStore.passwordPath") {
      // A PEM trust store is not encrypted; Java ignores its password too.
    } else if (k == "zookeeper.ssl.trustStore.type") {
      trust_type = &e;
      if (!v.empty()) {
        Status st = CheckPemType(e, v);
        if (!st.ok()) return st;
      }
    } else if (k == "zookeeper.ssl.hostnameVerification") {
      auto b = Bool(e, v);
      if (!b.ok()) return b.status();
      f.tls.verify_host_name = *b;
    } else if (k == "zookeeper.ssl.protocol") {
      if (v != "TLSv1.2" && v != "TLSv1.3") {
        return KeyError(e, fmt::format("'{}' is not supported: TLSv1.2 or TLSv1.3", v));
      }
      protocol = &e;
    } else if (k == "zookeeper.ssl.enabledProtocols") {
      enabled = &e;
    } else if (k == "zookeeper.ssl.ciphersuites") {
      std::string tls12, tls13;
      for (const std::string& name : SplitComma(v)) {
        if (name.rfind("TLS_AES_", 0) == 0 || name.rfind("TLS_CHACHA20_", 0) == 0) {
          tls13 += (tls13.empty() ? "" : ":") + name;
          continue;
        }
        const char* ossl = OPENSSL_cipher_name(name.c_str());
        if (ossl == nullptr || std::string_view(ossl) == "(NONE)") {
          return KeyError(e, fmt::format("unknown cipher suite '{}'", name));
        }
        tls12 += (tls12.empty() ? "" : ":") + std::string(ossl);
      }
      f.tls.ciphers = tls12;
      f.tls.ciphersuites = tls13;
    } else if (k == "zookeeper.ssl.crl" || k == "zookeeper.ssl.ocsp") {
      auto b = Bool(e, v);
      if (!b.ok()) return b.status();
      if (*b) return KeyError(e, "certificate revocation checks are not supported");
    } else if (k == "zookeeper.ssl.clientAuth" || k == "zookeeper.ssl.authProvider" ||
               k == "zookeeper.ssl.handshakeDetectionTimeoutMillis") {
      // Server-side settings, sometimes left in a shared file.
    } else if (k == "zookeeper.request.timeout") {
      char* end = nullptr;
      long long ms = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || end == nullptr || *end != '\0' || ms < 0) {
        return KeyError(e, fmt::format("'{}' is not a number of milliseconds", v));
      }
      f.request_timeout = std::chrono::milliseconds(ms);
    } else if (k == "zookeeper.disableAutoWatchReset") {
      auto b = Bool(e, v);
      if (!b.ok()) return b.status();
      if (*b) return KeyError(e, "not supported: the SDK always re-sets watches after a reconnect");
    } else {
      return KeyError(e, "unknown or unsupported key");
    }
  }
  // A store without a type must look like PEM (Java guesses from the name).
  auto untyped = [](const wire::PropertyEntry* type, const std::string& location,
                    std::string_view key) -> Status {
    if (location.empty() || (type != nullptr && !Trim(type->value).empty())) return Status();
    std::string l = Lower(location);
    if (l.size() >= 4 && l.compare(l.size() - 4, 4, ".pem") == 0) return Status();
    return Status(Error::kBadArguments,
                  fmt::format("{}.location '{}': not a .pem file and no {}.type=PEM; only PEM "
                              "stores are supported",
                              key, location, key));
  };
  Status st = untyped(key_type, key_location, "zookeeper.ssl.keyStore");
  if (!st.ok()) return st;
  st = untyped(trust_type, trust_location, "zookeeper.ssl.trustStore");
  if (!st.ok()) return st;

  if (enabled != nullptr) {
    std::vector<std::string> versions = SplitComma(Trim(enabled->value));
    if (versions.empty()) return KeyError(*enabled, "empty");
    bool has12 = false, has13 = false;
    for (const std::string& p : versions) {
      if (p == "TLSv1.2") {
        has12 = true;
      } else if (p == "TLSv1.3") {
        has13 = true;
      } else {
        return KeyError(*enabled,
                        fmt::format("'{}' is not supported: only TLSv1.2 and TLSv1.3", p));
      }
    }
    f.tls.min_version = has12 ? "TLSv1.2" : "TLSv1.3";
    f.tls.max_version = has13 ? "TLSv1.3" : "TLSv1.2";
  } else if (protocol != nullptr) {
    f.tls.min_version = Trim(protocol->value);
    f.tls.max_version = f.tls.min_version;
  }

  // The section name first (nothing is read yet), then the file, which
  // loads that section; an error names the line of the key it came from.
  for (const wire::PropertyEntry* e : {jaas_section, jaas_file}) {
    if (e == nullptr) continue;
    st = ApplySaslClientProperty(e->key, Trim(e->value), f.sasl_options);
    if (!st.ok()) return KeyError(*e, st.message());
  }
  return f;
}

Result<ClientConfigFile> LoadClientConfigFile(const std::string& path) {
  auto text = ReadSmallFile(path);
  if (!text.ok()) {
    return Status(Error::kBadArguments, fmt::format("client configuration: cannot read '{}'", path));
  }
  auto f = ParseClientConfigFile(*text);
  if (!f.ok()) {
    return Status(f.status().code(), fmt::format("{}: {}", path, f.status().message()));
  }
  return f;
}

void ApplyClientConfigFile(const ClientConfigFile& file, ClientOptions* options) {
  options->tls = file.tls;
  if (file.request_timeout) options->request_timeout = *file.request_timeout;
  options->sasl = file.sasl_options;
}

}  // namespace zk
