#include "zk/wire/client_config.h"

#include <fmt/format.h>

#include "text_util.h"
#include "zk/wire/connect_string.h"
#include "zk/wire/java_properties.h"

namespace zk::wire {

using internal::JavaTrim;
using internal::Quote;

std::string ClientConfigString(std::string_view config_data, const ServerSpecOptions& options) {
  auto entries = LoadProperties(config_data);
  // Java prints a stack trace and returns "" when load fails (a malformed
  // \u escape).
  if (!entries.ok()) return "";
  std::string version;
  std::string elements;
  bool first = true;
  for (const PropertyEntry* e : InJavaOrder(*entries)) {
    const std::string_view key = JavaTrim(e->key);
    const std::string_view value = JavaTrim(e->value);
    if (key == "version") version = std::string(value);
    if (!key.starts_with("server.")) continue;
    auto spec = ParseServerSpec(-1, value, options);
    if (!spec.ok()) continue;
    if (!first) elements += ',';
    first = false;
    if (spec->client)
      fmt::format_to(std::back_inserter(elements), "{}:{}", spec->client->host, spec->client->port);
  }
  return version + " " + elements;
}

std::string ClientConfig::ToString() const {
  std::string out = internal::JavaLongToHex(version);
  out += ' ';
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    if (i > 0) out += ',';
    fmt::format_to(std::back_inserter(out), "{}:{}", hosts[i].host, hosts[i].port);
  }
  return out;
}

Result<ClientConfig> ParseClientConfig(std::string_view line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) {
    return Status(Error::kBadArguments,
                  fmt::format("{}: expected \"<version> <hosts>\"", Quote(line)));
  }
  ClientConfig cc;
  auto version = internal::JavaParseLong(line.substr(0, space), 16);
  if (!version || *version < 0) {
    return Status(Error::kBadArguments,
                  fmt::format("version {} is not a hex number", Quote(line.substr(0, space))));
  }
  cc.version = *version;
  const std::string_view hosts = line.substr(space + 1);
  std::size_t start = 0;
  int index = 0;
  while (start <= hosts.size()) {
    auto comma = hosts.find(',', start);
    if (comma == std::string_view::npos) comma = hosts.size();
    const std::string_view element = JavaTrim(hosts.substr(start, comma - start));
    start = comma + 1;
    ++index;
    if (element.empty()) continue;
    auto hp = ParseHostPortElement(element);
    if (!hp.ok()) {
      return Status(Error::kBadArguments,
                    fmt::format("element {}: {}", index, hp.status().message()));
    }
    cc.hosts.push_back(std::move(*hp));
  }
  if (cc.hosts.empty()) {
    return Status(Error::kBadArguments, fmt::format("{} names no client address", Quote(line)));
  }
  return cc;
}

}  // namespace zk::wire
