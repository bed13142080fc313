#include "zk/wire/server_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "host_literal.h"
#include "text_util.h"

namespace zk::wire {

using internal::JavaSplit;
using internal::JavaTrim;
using internal::Quote;

std::string_view LearnerTypeName(LearnerType t) {
  return t == LearnerType::kObserver ? "observer" : "participant";
}

namespace {

Status Bad(std::string message) { return Status(Error::kBadArguments, std::move(message)); }
Status Unchecked(std::string message) {
  return Status(Error::kMarshallingError, std::move(message));
}

// ConfigUtils.getHostAndPort: "[v6]:a:b" -> {v6, a, b}; otherwise split on
// ':' (trailing empty fields dropped, as Java's split does).
Result<std::vector<std::string_view>> HostAndPort(std::string_view s) {
  if (s.empty() || s[0] != '[') return JavaSplit(s, ':');
  const auto close = s.find(']');
  if (close == std::string_view::npos) {
    return Bad(fmt::format("{} starts with '[' but has no matching ']'", Quote(s)));
  }
  std::vector<std::string_view> parts{s.substr(1, close - 1)};
  if (close + 1 == s.size()) return parts;
  if (s[close + 1] != ':') return Bad(fmt::format("{} does not have ':' after ']'", Quote(s)));
  if (close + 2 == s.size())
    return Bad(fmt::format("{} doesn't have a port after colon", Quote(s)));
  for (auto p : JavaSplit(s.substr(close + 2), ':')) parts.push_back(p);
  return parts;
}

// Integer.parseInt, then InetSocketAddress's range check.
Result<uint16_t> Port(std::string_view what, std::string_view text) {
  auto v = internal::JavaParseInt(text);
  if (!v) return Bad(fmt::format("{} {} is not a number", what, Quote(text)));
  if (*v < 0 || *v > 65535) return Unchecked(fmt::format("{} out of range: {}", what, *v));
  return static_cast<uint16_t>(*v);
}

Result<std::string> Host(std::string_view what, std::string_view host) {
  if (host.find(':') != std::string_view::npos &&
      !internal::ParseIpv6(host.substr(0, host.find('%')))) {
    return Bad(fmt::format("{} {}: not an IPv6 address", what, Quote(host)));
  }
  if (!internal::IsPlausibleHost(host)) {
    return Bad(fmt::format("{} {}: invalid character in host", what, Quote(host)));
  }
  return internal::JavaHostString(host);
}

std::string Bracketed(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace

Result<ServerSpec> ParseServerSpec(int64_t id, std::string_view spec,
                                   const ServerSpecOptions& options) {
  const std::string_view value = JavaTrim(spec);
  ServerSpec out;
  out.id = id;
  const auto server_client = JavaSplit(value, ';');
  if (server_client.empty()) return Unchecked(fmt::format("{}: no server address", Quote(value)));
  if (server_client.size() > 2) {
    return Bad(fmt::format("{}: more than one ';' (expected server_config[;client_config])",
                           Quote(value)));
  }

  if (server_client.size() == 2) {
    const std::string_view client = server_client[1];
    auto parts = HostAndPort(client);
    if (!parts.ok()) return Bad(fmt::format("client address: {}", parts.status().message()));
    if (parts->size() > 2) {
      return Bad(fmt::format("client address {} is not port or host:port", Quote(client)));
    }
    if (parts->empty())
      return Unchecked(fmt::format("client address {} has no port", Quote(client)));
    auto port = Port("client port", parts->back());
    if (!port.ok()) return port.status();
    auto host = Host("client address", parts->size() == 2 ? (*parts)[0] : "0.0.0.0");
    if (!host.ok()) return host.status();
    out.client = HostPort{std::move(*host), *port};
  }

  const auto addresses = JavaSplit(server_client[0], '|');
  if (addresses.size() > 1 && !options.multi_address_enabled) {
    return Bad(fmt::format(
        "multiple addresses given for server.{} but the multi-address feature is disabled", id));
  }
  if (addresses.empty()) return Bad(fmt::format("{}: no quorum address", Quote(value)));

  std::optional<LearnerType> type;
  for (std::string_view address : addresses) {
    auto parts = HostAndPort(address);
    if (!parts.ok()) return parts.status();
    if (parts->size() < 3 || parts->size() > 4) {
      return Bad(
          fmt::format("address {} has {} ':'-separated fields, expected host:port:port[:role]",
                      Quote(address), parts->size()));
    }
    auto host = Host("address", (*parts)[0]);
    if (!host.ok()) return host.status();
    auto quorum = Port("quorum port", (*parts)[1]);
    if (!quorum.ok()) return quorum.status();
    auto election = Port("election port", (*parts)[2]);
    if (!election.ok()) return election.status();
    if (*quorum == *election) {
      return Bad(fmt::format("address {}: quorum and election port must be different (both {})",
                             Quote(address), *quorum));
    }
    if (parts->size() == 4) {
      const std::string role = internal::AsciiLower(JavaTrim((*parts)[3]));
      LearnerType t;
      if (role == "participant") {
        t = LearnerType::kParticipant;
      } else if (role == "observer") {
        t = LearnerType::kObserver;
      } else {
        return Bad(fmt::format("Unrecognised peertype: {} (expected participant or observer)",
                               Quote((*parts)[3])));
      }
      if (type && *type != t) {
        return Bad(fmt::format("addresses have different roles: {} and {}", LearnerTypeName(*type),
                               LearnerTypeName(t)));
      }
      type = t;
    }
    out.addresses.push_back(QuorumAddress{std::move(*host), *quorum, *election});
  }
  if (type) out.type = *type;

  if (out.addresses.size() == 1) return out;
  std::sort(out.addresses.begin(), out.addresses.end());
  // ZooKeeper keeps quorum and election addresses in two sets, so a repeated
  // one would silently vanish and mis-pair the rest; refuse it.
  std::set<std::pair<std::string_view, uint16_t>> quorum_seen;
  std::set<std::pair<std::string_view, uint16_t>> election_seen;
  for (const auto& a : out.addresses) {
    if (!quorum_seen.emplace(a.host, a.quorum_port).second) {
      return Bad(
          fmt::format("quorum address {}:{} appears twice", Bracketed(a.host), a.quorum_port));
    }
    if (!election_seen.emplace(a.host, a.election_port).second) {
      return Bad(
          fmt::format("election address {}:{} appears twice", Bracketed(a.host), a.election_port));
    }
  }
  return out;
}

bool IsWildcardHost(std::string_view host) {
  return host == "0.0.0.0" || host == "::" || host == "0:0:0:0:0:0:0:0";
}

std::optional<HostPort> ServerSpec::ConnectAddress() const {
  if (!client) return std::nullopt;
  HostPort hp = *client;
  if (IsWildcardHost(hp.host) && !addresses.empty()) hp.host = addresses.front().host;
  return hp;
}

std::string ServerSpec::SpecString() const {
  std::vector<const QuorumAddress*> sorted;
  sorted.reserve(addresses.size());
  for (const auto& a : addresses) sorted.push_back(&a);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return *a < *b; });
  std::string out;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out += '|';
    fmt::format_to(std::back_inserter(out), "{}:{}:{}", Bracketed(sorted[i]->host),
                   sorted[i]->quorum_port, sorted[i]->election_port);
  }
  out += ':';
  out += LearnerTypeName(type);
  if (client)
    fmt::format_to(std::back_inserter(out), ";{}:{}", Bracketed(client->host), client->port);
  return out;
}

std::string ServerSpec::ToLine() const { return fmt::format("server.{}={}", id, SpecString()); }

Result<int64_t> ParseServerKeyId(std::string_view key) {
  const auto dot = key.find('.');
  const std::string_view digits = dot == std::string_view::npos ? key : key.substr(dot + 1);
  auto id = internal::JavaParseLong(digits);
  if (!id) return Unchecked(fmt::format("server id {} is not a number", Quote(digits)));
  return *id;
}

Result<ServerSpec> ParseServerLine(std::string_view line, const ServerSpecOptions& options) {
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) {
    return Bad(fmt::format("{} is not server.<id>=<spec>", Quote(JavaTrim(line))));
  }
  const std::string_view key = JavaTrim(line.substr(0, eq));
  int64_t id = 0;
  if (key.starts_with("server.")) {
    auto parsed = ParseServerKeyId(key);
    if (!parsed.ok()) return parsed.status();
    id = *parsed;
  } else if (auto parsed = internal::JavaParseLong(key)) {
    id = *parsed;  // the short "<id>=<spec>" form
  } else {
    return Unchecked(fmt::format("{} is neither server.<id> nor <id>", Quote(key)));
  }
  auto spec = ParseServerSpec(id, line.substr(eq + 1), options);
  if (!spec.ok()) {
    return Status(spec.status().code(), fmt::format("server.{}: {}", id, spec.status().message()));
  }
  return spec;
}

namespace {

// StringUtils.split: pieces trimmed, empty pieces dropped.
std::vector<std::string_view> SplitTrimmed(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto pos = s.find(sep, start);
    if (pos == std::string_view::npos) pos = s.size();
    auto piece = JavaTrim(s.substr(start, pos - start));
    if (!piece.empty()) out.push_back(piece);
    start = pos + 1;
  }
  return out;
}

}  // namespace

Result<std::vector<ServerSpec>> ParseJoiningServers(std::string_view joining,
                                                    const ServerSpecOptions& options) {
  std::vector<ServerSpec> out;
  for (std::string_view item : SplitTrimmed(joining, ',')) {
    const auto parts = SplitTrimmed(item, '=');
    if (parts.size() != 2) {
      return Bad(fmt::format("{}: wrong format of server string (expected server.<id>=<spec>)",
                             Quote(item)));
    }
    const auto dot = parts[0].rfind('.');
    auto id = internal::JavaParseLong(dot == std::string_view::npos ? parts[0]
                                                                    : parts[0].substr(dot + 1));
    if (!id) return Unchecked(fmt::format("{}: server id is not a number", Quote(parts[0])));
    auto spec = ParseServerSpec(*id, parts[1], options);
    if (!spec.ok()) {
      return Status(spec.status().code(),
                    fmt::format("server.{}: {}", *id, spec.status().message()));
    }
    if (!spec->client) {
      return Bad(fmt::format(
          "server.{}: no client address (each server should have 3 ports specified)", *id));
    }
    out.push_back(std::move(*spec));
  }
  return out;
}

Result<std::vector<int64_t>> ParseLeavingServers(std::string_view leaving) {
  std::vector<int64_t> out;
  for (std::string_view item : SplitTrimmed(leaving, ',')) {
    auto id = internal::JavaParseLong(item);
    if (!id) return Unchecked(fmt::format("server id {} is not a number", Quote(item)));
    out.push_back(*id);
  }
  return out;
}

namespace {

bool IsSpecialHost(const std::string& host) {
  if (host == "0.0.0.0" || host == "0:0:0:0:0:0:0:0" || host == "0:0:0:0:0:0:0:1") return true;
  if (internal::AsciiLower(host) == "localhost") return true;
  if (auto v4 = internal::ParseJavaIpv4(host)) return (*v4 >> 24) == 127;
  return false;
}

struct Endpoint {
  std::string host;  // lowercased for comparison
  uint16_t port;
  std::string text;
};

std::vector<Endpoint> Endpoints(const ServerSpec& s) {
  std::vector<Endpoint> out;
  auto add = [&out](const std::string& host, uint16_t port) {
    if (IsSpecialHost(host)) return;
    out.push_back(
        Endpoint{internal::AsciiLower(host), port, fmt::format("{}:{}", Bracketed(host), port)});
  };
  for (const auto& a : s.addresses) add(a.host, a.quorum_port);
  if (s.client) add(s.client->host, s.client->port);
  for (const auto& a : s.addresses) add(a.host, a.election_port);
  return out;
}

}  // namespace

std::optional<std::string> FindAddressConflict(const ServerSpec& joiner, const ServerSpec& member) {
  const auto mine = Endpoints(joiner);
  const auto theirs = Endpoints(member);
  for (const auto& m : mine) {
    for (const auto& o : theirs) {
      if (m.host == o.host && m.port == o.port) {
        return fmt::format("{} of server.{} conflicts {} of server.{}", m.text, joiner.id, o.text,
                           member.id);
      }
    }
  }
  return std::nullopt;
}

}  // namespace zk::wire
