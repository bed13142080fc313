#include "serve_config.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sha1.h"
#include "zk/wire/dynamic_config.h"

namespace zk::sim {
namespace {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Error::kBadArguments, fmt::format("{}: cannot read the file", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes through a temporary file and a rename, as ZooKeeper's
// AtomicFileWritingIdiom does.
Status WriteFile(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) return Status(Error::kSystemError, fmt::format("{}: cannot write", tmp));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status(Error::kSystemError, fmt::format("{}: {}", path, ec.message()));
  return Status();
}

bool IsTrue(std::string_view v) {
  std::string s(v);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "true" || s == "yes";
}

std::string Absolute(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  return ec ? path : p.string();
}

}  // namespace

std::vector<std::string> SplitSchemes(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
    if (a != std::string::npos) out.push_back(item.substr(a, b - a + 1));
  }
  return out;
}

Result<ServeConfig> ServeConfig::Load(const std::string& static_path, SimOptions* opts) {
  auto text = ReadFile(static_path);
  if (!text.ok()) return text.status();
  auto cfg = wire::ZooCfg::Parse(*text);
  if (!cfg.ok()) {
    return Status(cfg.status().code(), fmt::format("{}: {}", static_path, cfg.status().message()));
  }
  if (Status st = cfg->CheckComplete(); !st.ok())
    return Status(st.code(), fmt::format("{}: {}", static_path, st.message()));
  ServeConfig sc;
  sc.static_path_ = static_path;
  sc.cfg_ = *cfg;
  wire::DynamicConfigOptions dopts;
  dopts.standalone_enabled = cfg->standalone_enabled();
  wire::DynamicConfig dyn;
  if (auto file = cfg->dynamic_config_file()) {
    std::string path(*file);
    auto dtext = ReadFile(path);
    if (!dtext.ok()) return dtext.status();
    int64_t version = wire::VersionFromDynamicFileName(path).value_or(0);
    auto parsed = wire::DynamicConfig::ParseDynamicFile(*dtext, version, dopts);
    if (!parsed.ok())
      return Status(parsed.status().code(), fmt::format("{}: {}", path, parsed.status().message()));
    dyn = *parsed;
    opts->initial_config_version = version;
  } else if (cfg->has_dynamic_section()) {
    dyn = cfg->dynamic_section();
  } else {
    // Standalone: one server on clientPort.
    if (!cfg->client_port())
      return Status(
          Error::kBadArguments,
          fmt::format("{}: no server lines, no dynamicConfigFile and no clientPort", static_path));
    wire::ServerSpec spec;
    spec.id = 1;
    spec.addresses.push_back({"127.0.0.1", 2881, 3881});
    spec.client =
        HostPort{std::string(cfg->client_port_address().value_or("0.0.0.0")), *cfg->client_port()};
    dyn.Upsert(spec);
  }
  opts->members.clear();
  for (const wire::ServerSpec* s : dyn.Servers()) {
    if (s->is_participant() && (sc.my_id_ == 0 || s->id < sc.my_id_)) sc.my_id_ = s->id;
  }
  for (const wire::ServerSpec* s : dyn.Servers()) {
    SimMember m;
    m.id = s->id;
    m.host = s->addresses.front().host;
    m.quorum_port = s->addresses.front().quorum_port;
    m.election_port = s->addresses.front().election_port;
    m.observer = !s->is_participant();
    if (s->client) {
      m.client_host = s->client->host;
      m.client_port = s->client->port;
      m.listen_port = s->client->port;
    } else if (s->id == sc.my_id_ && cfg->client_port()) {
      m.listen_port = *cfg->client_port();
    }
    opts->members.push_back(m);
  }
  if (auto v = cfg->Get("tickTime")) opts->tick_ms = std::stoi(std::string(*v));
  sc.reconfig_enabled_ = cfg->reconfig_enabled();
  opts->reconfig_enabled = sc.reconfig_enabled_;
  opts->standalone_enabled = cfg->standalone_enabled();
  if (auto v = cfg->Get("skipACL")) opts->skip_acl = IsTrue(*v);
  // Unknown zoo.cfg keys become "zookeeper.<key>" system properties, so
  // extendedTypesEnabled=true here is -Dzookeeper.extendedTypesEnabled=true.
  // Java's Boolean.getBoolean: only "true", in any case.
  if (auto v = cfg->Get("extendedTypesEnabled")) {
    std::string b(*v);
    for (char& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    opts->extended_types_enabled = b == "true";
  }
  // TLS as ZooKeeper's NettyServerCnxnFactory takes it: secureClientPort
  // (of "myid"), PEM key and trust stores, ssl.clientAuth.
  if (auto v = cfg->Get("secureClientPort")) {
    for (SimMember& m : opts->members) {
      if (m.id == sc.my_id_) m.secure_listen_port = std::stoi(std::string(*v));
    }
  }
  for (const char* key : {"ssl.keyStore.type", "ssl.trustStore.type"}) {
    if (auto v = cfg->Get(key); v && !v->empty()) {
      std::string t(*v);
      for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (t != "PEM")
        return Status(Error::kBadArguments,
                      fmt::format("{}: {}={}: zksim reads PEM stores only", static_path, key, *v));
    }
  }
  if (auto v = cfg->Get("ssl.keyStore.password"); v && !v->empty())
    return Status(Error::kBadArguments,
                  fmt::format("{}: ssl.keyStore.password: zksim reads unencrypted PEM keys only",
                              static_path));
  if (auto v = cfg->Get("ssl.keyStore.location")) {
    opts->tls_cert = std::string(*v);
    opts->tls_key = std::string(*v);
  }
  if (auto v = cfg->Get("ssl.trustStore.location")) opts->tls_ca = std::string(*v);
  if (auto v = cfg->Get("ssl.clientAuth")) opts->tls_client_auth = std::string(*v);
  if (auto v = cfg->Get("X509AuthenticationProvider.superUser"))
    opts->x509_super_user = std::string(*v);
  // AuthenticationHelper: sessionRequireClientSASLAuth=true means the
  // scheme sasl; else enforce.auth.enabled with enforce.auth.schemes.
  // (Unknown zoo.cfg keys are zookeeper.<key> system properties;
  // Boolean.parseBoolean: "true" in any case.)
  auto java_true = [&](const char* key) {
    auto v = cfg->Get(key);
    if (!v) return false;
    std::string b(*v);
    for (char& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return b == "true";
  };
  if (java_true("sessionRequireClientSASLAuth")) {
    opts->enforce_auth_schemes = {"sasl"};
  } else if (java_true("enforce.auth.enabled")) {
    auto v = cfg->Get("enforce.auth.schemes");
    opts->enforce_auth_schemes = v ? SplitSchemes(std::string(*v)) : std::vector<std::string>{};
    if (opts->enforce_auth_schemes.empty())
      return Status(Error::kBadArguments,
                    fmt::format("{}: enforce.auth.enabled is true but enforce.auth.schemes is "
                                "not set",
                                static_path));
  }
  if (auto v = cfg->Get("DigestAuthenticationProvider.superDigest"))
    opts->super_digest = std::string(*v);
  if (auto v = cfg->Get("4lw.commands.whitelist")) {
    opts->four_letter_whitelist.clear();
    std::string list(*v);
    std::stringstream ss(list);
    std::string w;
    while (std::getline(ss, w, ',')) {
      auto a = w.find_first_not_of(" \t"), b = w.find_last_not_of(" \t");
      if (a != std::string::npos) opts->four_letter_whitelist.insert(w.substr(a, b - a + 1));
    }
  }
  return sc;
}

Status ServeConfig::OnStarted(int64_t version) {
  if (!reconfig_enabled_ || !cfg_.has_dynamic_section()) return Status();
  auto split = cfg_.SplitBackwardCompatible(static_path_, my_id_, version);
  if (!split.ok()) return split.status();
  auto original = ReadFile(static_path_);
  if (!original.ok()) return original.status();
  if (Status st = WriteFile(static_path_ + ".bak", *original); !st.ok()) return st;
  if (Status st = WriteFile(split->dynamic_file_name, split->dynamic_text); !st.ok()) return st;
  if (Status st = WriteFile(static_path_, split->static_text); !st.ok()) return st;
  auto reparsed = wire::ZooCfg::Parse(split->static_text);
  if (!reparsed.ok()) return reparsed.status();
  cfg_ = *reparsed;
  return Status();
}

Status ServeConfig::OnCommitted(const std::string& config_text) {
  auto config = wire::DynamicConfig::Parse(config_text);
  if (!config.ok()) return config.status();
  std::string dyn_path = wire::DynamicFileName(static_path_, config->version());
  if (Status st = WriteFile(dyn_path, config->ToDynamicFileText()); !st.ok()) return st;
  std::string static_text =
      cfg_.RewriteStatic(Absolute(dyn_path), wire::StaticClientPortRedundant(*config, my_id_));
  if (Status st = WriteFile(static_path_, static_text); !st.ok()) return st;
  auto reparsed = wire::ZooCfg::Parse(static_text);
  if (!reparsed.ok()) return reparsed.status();
  cfg_ = *reparsed;
  return Status();
}

}  // namespace zk::sim
