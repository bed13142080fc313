#include "zk/wire/zoo_cfg.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "host_literal.h"
#include "text_util.h"

namespace zk::wire {

using internal::JavaTrim;
using internal::Quote;

namespace {

Status Bad(int line, std::string message) {
  return Status(Error::kBadArguments, fmt::format("line {}: {}", line, message));
}

constexpr std::array<std::string_view, 16> kIntKeys = {
    "clientPort",
    "secureClientPort",
    "observerMasterPort",
    "clientPortListenBacklog",
    "tickTime",
    "maxClientCnxns",
    "minSessionTimeout",
    "maxSessionTimeout",
    "initLimit",
    "syncLimit",
    "connectToLearnerMasterLimit",
    "electionAlg",
    "autopurge.snapRetainCount",
    "autopurge.purgeInterval",
    "quorum.cnxn.threads.size",
    "multiAddress.reachabilityCheckTimeoutMs",
};

constexpr std::array<std::string_view, 3> kLongKeys = {
    "jvm.pause.info-threshold.ms", "jvm.pause.warn-threshold.ms", "jvm.pause.sleep.time.ms"};

constexpr std::array<std::string_view, 15> kBoolKeys = {
    "localSessionsEnabled",
    "localSessionsUpgradingEnabled",
    "quorumListenOnAllIPs",
    "syncEnabled",
    "standaloneEnabled",
    "reconfigEnabled",
    "sslQuorum",
    "portUnification",
    "sslQuorumReloadCertFiles",
    "quorum.auth.enableSasl",
    "quorum.auth.serverRequireSasl",
    "quorum.auth.learnerRequireSasl",
    "jvm.pause.monitor",
    "multiAddress.enabled",
    "multiAddress.reachabilityCheckEnabled",
};

template <std::size_t N>
bool OneOf(const std::array<std::string_view, N>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool IsDynamicKey(std::string_view key) {
  return key.starts_with("server.") || key.starts_with("group") || key.starts_with("weight");
}

std::optional<bool> JavaBool(std::string_view v) {
  const std::string lower = internal::AsciiLower(v);
  if (lower == "true") return true;
  if (lower == "false") return false;
  return std::nullopt;
}

Status CheckStaticEntry(const PropertyEntry& e, bool has_dynamic_file) {
  const std::string_view key = JavaTrim(e.key);
  const std::string_view value = JavaTrim(e.value);
  if (OneOf(kIntKeys, key)) {
    auto v = internal::JavaParseInt(value);
    if (!v) return Bad(e.line, fmt::format("{}: {} is not a number", key, Quote(value)));
    if ((key == "clientPort" || key == "secureClientPort") && (*v < 0 || *v > 65535)) {
      return Bad(e.line, fmt::format("{}: port out of range: {}", key, *v));
    }
    if (key == "electionAlg" && *v != 3) {
      return Bad(e.line, "Invalid electionAlg value. Only 3 is supported.");
    }
  } else if (OneOf(kLongKeys, key)) {
    if (!internal::JavaParseLong(value)) {
      return Bad(e.line, fmt::format("{}: {} is not a number", key, Quote(value)));
    }
  } else if (OneOf(kBoolKeys, key)) {
    if (!JavaBool(value)) {
      return Bad(e.line, fmt::format("Invalid option {} for {}. Choose 'true' or 'false.'",
                                     Quote(value), key));
    }
  } else if (key == "peerType") {
    const std::string lower = internal::AsciiLower(value);
    if (lower != "observer" && lower != "participant") {
      return Bad(e.line, fmt::format("Unrecognised peertype: {}", Quote(value)));
    }
  } else if (IsDynamicKey(key) && has_dynamic_file) {
    return Bad(e.line, fmt::format("parameter: {} must be in a separate dynamic config file", key));
  }
  return Status::Ok();
}

}  // namespace

Result<ZooCfg> ZooCfg::Parse(std::string_view text, const ServerSpecOptions& options) {
  auto entries = LoadProperties(text);
  if (!entries.ok()) return entries.status();
  ZooCfg cfg;
  cfg.entries_ = std::move(*entries);
  const bool has_dynamic_file = cfg.Get("dynamicConfigFile").has_value();
  for (const auto& e : cfg.entries_) {
    Status st = CheckStaticEntry(e, has_dynamic_file);
    if (!st.ok()) return st;
  }
  if (!has_dynamic_file) {
    DynamicConfigOptions dyn_options;
    dyn_options.spec = options;
    dyn_options.standalone_enabled = cfg.standalone_enabled();
    auto dynamic =
        DynamicConfig::FromEntries(cfg.entries_, /*legacy_static_file=*/true, dyn_options);
    if (!dynamic.ok()) return dynamic.status();
    cfg.dynamic_ = std::move(*dynamic);
  }
  return cfg;
}

std::optional<std::string_view> ZooCfg::Get(std::string_view key) const {
  for (const auto& e : entries_) {
    if (JavaTrim(e.key) == key) return JavaTrim(e.value);
  }
  return std::nullopt;
}

std::optional<uint16_t> ZooCfg::client_port() const {
  auto v = Get("clientPort");
  if (!v) return std::nullopt;
  auto port = internal::JavaParseInt(*v);
  if (!port || *port <= 0 || *port > 65535) return std::nullopt;
  return static_cast<uint16_t>(*port);
}

bool ZooCfg::standalone_enabled() const {
  auto v = Get("standaloneEnabled");
  return v ? JavaBool(*v).value_or(true) : true;
}

bool ZooCfg::reconfig_enabled() const {
  auto v = Get("reconfigEnabled");
  return v ? JavaBool(*v).value_or(false) : false;
}

Status ZooCfg::CheckComplete() const {
  if (!Get("dataDir")) return Status(Error::kBadArguments, "dataDir is not set");
  auto tick = Get("tickTime");
  const int32_t tick_time = tick ? internal::JavaParseInt(*tick).value_or(0) : 0;
  if (tick_time == 0) return Status(Error::kBadArguments, "tickTime is not set");
  if (!client_port() && Get("clientPortAddress")) {
    return Status(Error::kBadArguments, "clientPortAddress is set but clientPort is not set");
  }
  auto timeout = [this](std::string_view key, int64_t fallback) -> int64_t {
    auto v = Get(key);
    const int32_t t = v ? internal::JavaParseInt(*v).value_or(-1) : -1;
    return t == -1 ? fallback : t;
  };
  if (timeout("minSessionTimeout", int64_t{tick_time} * 2) >
      timeout("maxSessionTimeout", int64_t{tick_time} * 20)) {
    return Status(Error::kBadArguments,
                  "minSessionTimeout must not be larger than maxSessionTimeout");
  }
  return Status::Ok();
}

std::string ZooCfg::RewriteStatic(std::string_view dynamic_file_path, bool erase_client_port,
                                  StaticKeyOrder order) const {
  std::vector<const PropertyEntry*> list;
  if (order == StaticKeyOrder::kJava) {
    list = InJavaOrder(entries_);
  } else {
    for (const auto& e : entries_) list.push_back(&e);
  }
  std::string out;
  for (const PropertyEntry* e : list) {
    const std::string_view key = JavaTrim(e->key);
    if (IsDynamicKey(key) || key.starts_with("dynamicConfigFile") || key.starts_with("peerType") ||
        (erase_client_port && key.starts_with("clientPort"))) {
      continue;
    }
    fmt::format_to(std::back_inserter(out), "{}={}\n", key, JavaTrim(e->value));
  }
  fmt::format_to(std::back_inserter(out), "dynamicConfigFile={}\n", dynamic_file_path);
  return out;
}

bool StaticClientPortRedundant(const DynamicConfig& config, int64_t my_id) {
  const ServerSpec* s = config.Find(my_id);
  return s != nullptr && s->client.has_value();
}

Result<ZooCfg::Split> ZooCfg::SplitBackwardCompatible(std::string_view static_config_path,
                                                      int64_t my_id, int64_t version) const {
  const bool legacy = std::any_of(entries_.begin(), entries_.end(), [](const PropertyEntry& e) {
    return IsDynamicKey(JavaTrim(e.key));
  });
  if (!legacy) {
    return Status(
        Error::kBadArguments,
        "no server, group or weight keys: the file is not in the backward-compatible form");
  }
  // QuorumPeerConfig.setupClientPort: the static client address must agree
  // with the one in server.<my_id>, if both exist.
  const ServerSpec* me = dynamic_.Find(my_id);
  if (auto port = client_port(); port && me != nullptr && me->client) {
    const std::string host = internal::JavaHostString(client_port_address().value_or("0.0.0.0"));
    const bool wildcard = host == "0.0.0.0" || host == "0:0:0:0:0:0:0:0";
    const bool same = wildcard
                          ? *port == me->client->port
                          : internal::AsciiLower(host) == internal::AsciiLower(me->client->host) &&
                                *port == me->client->port;
    if (!same) {
      return Status(Error::kBadArguments,
                    fmt::format("client address for this server (id = {}) in static config file is "
                                "{} is different from client address found in dynamic file: {}",
                                my_id, HostPort{host, *port}, me->client->ToString()));
    }
  }
  DynamicConfig dynamic = dynamic_;
  dynamic.set_version(version);
  Split split;
  split.dynamic_file_name = DynamicFileName(static_config_path, version);
  split.dynamic_text = dynamic.ToDynamicFileText();
  split.static_text =
      RewriteStatic(split.dynamic_file_name, StaticClientPortRedundant(dynamic, my_id));
  return split;
}

}  // namespace zk::wire
