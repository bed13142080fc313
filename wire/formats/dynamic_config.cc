#include "zk/wire/dynamic_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "text_util.h"
#include "zk/wire/client_config.h"

namespace zk::wire {

using internal::JavaParseLong;
using internal::JavaSplit;
using internal::JavaTrim;
using internal::Quote;

namespace {

Status Bad(std::string message) { return Status(Error::kBadArguments, std::move(message)); }
Status Unchecked(std::string message) {
  return Status(Error::kMarshallingError, std::move(message));
}
Status AtLine(int line, const Status& st) {
  return Status(st.code(), fmt::format("line {}: {}", line, st.message()));
}

bool IsHierarchicalKey(std::string_view key) {
  return key.starts_with("group") || key.starts_with("weight");
}

// "group.<n>" / "weight.<n>": Long.parseLong of the text after the first '.'.
Result<int64_t> KeyId(std::string_view key) {
  const auto dot = key.find('.');
  if (dot == std::string_view::npos) {
    return Unchecked(fmt::format("{}: expected {}.<id>", Quote(key),
                                 key.starts_with("group") ? "group" : "weight"));
  }
  auto id = JavaParseLong(key.substr(dot + 1));
  if (!id)
    return Unchecked(fmt::format("{}: id {} is not a number", key, Quote(key.substr(dot + 1))));
  return *id;
}

}  // namespace

Result<DynamicConfig> DynamicConfig::FromEntries(const std::vector<PropertyEntry>& entries,
                                                 bool legacy_static_file,
                                                 const DynamicConfigOptions& options) {
  DynamicConfig cfg;
  // Pass 1, in file order so that the first error reported is the first in
  // the file: classify keys and parse every value.
  // Parsed values by entry index.
  std::vector<std::optional<ServerSpec>> specs(entries.size());
  std::vector<ServerGroup> groups(entries.size());
  std::vector<ServerWeight> weights(entries.size());
  const auto index = [&entries](const PropertyEntry& e) {
    return static_cast<std::size_t>(&e - entries.data());
  };
  std::unordered_map<int64_t, int> server_lines;
  std::unordered_map<int64_t, int> weight_lines;
  for (const auto& e : entries) {
    const std::string_view key = JavaTrim(e.key);
    const std::string_view value = JavaTrim(e.value);
    if (IsHierarchicalKey(key)) {
      cfg.hierarchical_ = true;
    } else if (!legacy_static_file && !key.starts_with("server.") && key != "version") {
      return Bad(fmt::format("line {}: Unrecognised parameter: {}", e.line, Quote(key)));
    }
    if (key.starts_with("server.")) {
      auto id = ParseServerKeyId(key);
      if (!id.ok()) return AtLine(e.line, id.status());
      auto spec = ParseServerSpec(*id, value, options.spec);
      if (!spec.ok()) {
        return Status(spec.status().code(),
                      fmt::format("line {}: server.{}: {}", e.line, *id, spec.status().message()));
      }
      if (auto [it, fresh] = server_lines.emplace(*id, e.line); !fresh) {
        return Bad(fmt::format("line {}: server.{} is already defined on line {}", e.line, *id,
                               it->second));
      }
      specs[index(e)] = std::move(*spec);
    } else if (key == "version") {
      auto v = JavaParseLong(value, 16);
      if (!v)
        return Unchecked(
            fmt::format("line {}: version {} is not a hex number", e.line, Quote(value)));
      if (*v < 0) return Bad(fmt::format("line {}: version {} is negative", e.line, Quote(value)));
      cfg.version_ = *v;
    } else if (key.starts_with("group")) {
      auto gid = KeyId(key);
      if (!gid.ok()) return AtLine(e.line, gid.status());
      ServerGroup g{*gid, {}};
      for (auto piece : JavaSplit(value, ':')) {
        auto sid = JavaParseLong(piece);
        if (!sid) {
          return Unchecked(fmt::format("line {}: group.{}: member {} is not a number", e.line, *gid,
                                       Quote(piece)));
        }
        g.members.push_back(*sid);
      }
      if (g.members.empty()) {
        // Java accepts "group.1=:" as a group without members; reading the
        // config back would then not even be hierarchical.
        return Bad(fmt::format("line {}: group.{} has no members", e.line, *gid));
      }
      groups[index(e)] = std::move(g);
    } else if (key.starts_with("weight")) {
      auto sid = KeyId(key);
      if (!sid.ok()) return AtLine(e.line, sid.status());
      auto w = JavaParseLong(value);
      if (!w) {
        return Unchecked(
            fmt::format("line {}: weight.{}: {} is not a number", e.line, *sid, Quote(value)));
      }
      if (auto [it, fresh] = weight_lines.emplace(*sid, e.line); !fresh) {
        return Bad(fmt::format("line {}: the weight of server {} is already given on line {}",
                               e.line, *sid, it->second));
      }
      weights[index(e)] = ServerWeight{*sid, *w};
    }
  }
  // Pass 2: build the maps in the order ZooKeeper iterates the Properties.
  for (const PropertyEntry* e : InJavaOrder(entries)) {
    const std::string_view key = JavaTrim(e->key);
    const std::size_t i = index(*e);
    if (key.starts_with("server.")) {
      cfg.Upsert(std::move(*specs[i]));
    } else if (key.starts_with("group")) {
      cfg.groups_.push_back(std::move(groups[i]));
    } else if (key.starts_with("weight")) {
      cfg.weights_.push_back(weights[i]);
    }
  }
  Status st = cfg.Validate(options);
  if (!st.ok()) return st;
  return cfg;
}

Result<DynamicConfig> DynamicConfig::Parse(std::string_view text,
                                           const DynamicConfigOptions& options) {
  auto entries = LoadProperties(text);
  if (!entries.ok()) return entries.status();
  return FromEntries(*entries, /*legacy_static_file=*/false, options);
}

Result<DynamicConfig> DynamicConfig::ParseMembers(std::string_view new_members,
                                                  const DynamicConfigOptions& options) {
  std::string text(new_members);
  std::replace(text.begin(), text.end(), ',', '\n');
  return Parse(text, options);
}

Result<DynamicConfig> DynamicConfig::ParseDynamicFile(std::string_view text, int64_t version,
                                                      const DynamicConfigOptions& options) {
  auto entries = LoadProperties(text);
  if (!entries.ok()) return entries.status();
  for (const auto& e : *entries) {
    if (JavaTrim(e.key) == "version") {
      return Bad(fmt::format("line {}: dynamic file shouldn't have version inside", e.line));
    }
  }
  auto cfg = FromEntries(*entries, /*legacy_static_file=*/false, options);
  if (cfg.ok()) cfg->set_version(version);
  return cfg;
}

Status DynamicConfig::Validate(const DynamicConfigOptions& options) const {
  if (hierarchical_) {
    std::set<int64_t> grouped;
    for (const auto& g : groups_) {
      for (auto sid : g.members) {
        if (!grouped.insert(sid).second)
          return Bad(fmt::format("Server {} is in multiple groups", sid));
        const ServerSpec* s = Find(sid);
        if (s == nullptr) return Bad(fmt::format("group.{}: {} is not a server", g.id, sid));
        if (!s->is_participant() &&
            std::none_of(weights_.begin(), weights_.end(),
                         [sid](const ServerWeight& w) { return w.server_id == sid; })) {
          return Bad(fmt::format("group.{}: observer {} needs a weight", g.id, sid));
        }
      }
    }
    for (auto id : order_.IterationOrder()) {
      if (servers_.at(id).is_participant() && grouped.count(id) == 0) {
        return Bad(fmt::format("Server {} is not in a group", id));
      }
    }
  }
  const std::size_t participants = ParticipantCount();
  const std::size_t observers = ObserverCount();
  if (participants == 0) {
    if (!options.standalone_enabled) {
      return Unchecked("standaloneEnabled = false then number of participants should be >0");
    }
    if (observers > 0) return Unchecked("Observers w/o participants is an invalid configuration");
  } else if (participants == 1 && options.standalone_enabled && observers > 0) {
    return Unchecked("Observers w/o quorum is an invalid configuration");
  }
  return Status::Ok();
}

int64_t DynamicConfig::WeightOf(int64_t server_id) const {
  const ServerSpec* s = Find(server_id);
  if (!hierarchical_) return s != nullptr ? 1 : 0;
  for (const auto& w : weights_) {
    if (w.server_id == server_id) return w.weight;
  }
  return s != nullptr && s->is_participant() ? 1 : 0;
}

const ServerSpec* DynamicConfig::Find(int64_t id) const {
  auto it = servers_.find(id);
  return it == servers_.end() ? nullptr : &it->second;
}

std::vector<const ServerSpec*> DynamicConfig::Servers() const {
  std::vector<const ServerSpec*> out;
  out.reserve(servers_.size());
  for (auto id : order_.IterationOrder()) out.push_back(&servers_.at(id));
  return out;
}

std::size_t DynamicConfig::ParticipantCount() const {
  return static_cast<std::size_t>(std::count_if(
      servers_.begin(), servers_.end(), [](const auto& kv) { return kv.second.is_participant(); }));
}

void DynamicConfig::Upsert(ServerSpec server) {
  const int64_t id = server.id;
  order_.Remove(id);
  order_.Put(id);
  servers_.insert_or_assign(id, std::move(server));
}

bool DynamicConfig::Remove(int64_t id) {
  order_.Remove(id);
  return servers_.erase(id) > 0;
}

DynamicConfig DynamicConfig::CopyForIncrementalReconfig() const {
  DynamicConfig copy;
  copy.version_ = version_;
  copy.servers_ = servers_;
  copy.order_ = JavaLongHashMap::CopyOf(order_.IterationOrder());
  return copy;
}

std::string DynamicConfig::ToText() const {
  std::string out;
  out.reserve(servers_.size() * 64 + 32);
  const std::vector<int64_t> ids = order_.IterationOrder();
  for (auto id : ids) {
    out += servers_.at(id).ToLine();
    out += '\n';
  }
  if (hierarchical_) {
    // QuorumHierarchical.toString: serverGroup (sid -> gid) and serverWeight
    // (sid -> weight) are HashMap<Long, Long>; group lines are built by
    // walking serverGroup into another HashMap (gid -> "sid:sid").
    JavaLongHashMap server_group;
    std::map<int64_t, int64_t> gid_of;
    for (const auto& g : groups_) {
      for (auto sid : g.members) {
        server_group.Put(sid);
        gid_of[sid] = g.id;
      }
    }
    JavaLongHashMap group_map;
    std::map<int64_t, std::string> group_text;
    for (auto sid : server_group.IterationOrder()) {
      const int64_t gid = gid_of[sid];
      if (!group_map.Contains(gid)) {
        group_map.Put(gid);
        group_text[gid] = std::to_string(sid);
      } else {
        group_text[gid] += ":" + std::to_string(sid);
      }
    }
    for (auto gid : group_map.IterationOrder()) {
      fmt::format_to(std::back_inserter(out), "group.{}={}\n", gid, group_text[gid]);
    }
    JavaLongHashMap weight_map;
    std::map<int64_t, int64_t> weight_of;
    for (const auto& w : weights_) {
      weight_map.Put(w.server_id);
      weight_of[w.server_id] = w.weight;
    }
    for (auto id : ids) {
      if (servers_.at(id).is_participant() && !weight_map.Contains(id)) {
        weight_map.Put(id);
        weight_of[id] = 1;
      }
    }
    for (auto sid : weight_map.IterationOrder()) {
      fmt::format_to(std::back_inserter(out), "weight.{}={}\n", sid, weight_of[sid]);
    }
  }
  out += "version=";
  out += internal::JavaLongToHex(version_);
  return out;
}

namespace {

// sid -> gid and sid -> effective weight (explicit, else 1 for participants).
std::pair<std::map<int64_t, int64_t>, std::map<int64_t, int64_t>> Hierarchy(
    const DynamicConfig& c) {
  std::map<int64_t, int64_t> group_of;
  std::map<int64_t, int64_t> weight_of;
  for (const auto& g : c.groups()) {
    for (auto sid : g.members) group_of[sid] = g.id;
  }
  for (const auto* s : c.Servers()) {
    if (s->is_participant()) weight_of[s->id] = 1;
  }
  for (const auto& w : c.weights()) weight_of[w.server_id] = w.weight;
  return {group_of, weight_of};
}

}  // namespace

bool operator==(const DynamicConfig& a, const DynamicConfig& b) {
  if (a.version_ != b.version_ || a.hierarchical_ != b.hierarchical_ || a.servers_ != b.servers_) {
    return false;
  }
  return !a.hierarchical_ || Hierarchy(a) == Hierarchy(b);
}

std::vector<std::string> DynamicConfig::SortedFileLines(bool keep_version) const {
  std::vector<std::string> lines;
  const std::string text = ToText();
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    start = nl + 1;
    if (!keep_version && line.starts_with("version")) continue;
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

namespace {

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    out += lines[i];
  }
  return out;
}

}  // namespace

std::string DynamicConfig::ToDynamicFileText() const { return Join(SortedFileLines(false)); }
std::string DynamicConfig::ToNextDynamicFileText() const { return Join(SortedFileLines(true)); }

std::string DynamicConfig::ClientConfigString() const {
  return ::zk::wire::ClientConfigString(ToText());
}

std::string DynamicFileName(std::string_view static_config_path, int64_t version) {
  return fmt::format("{}.dynamic.{}", static_config_path, internal::JavaLongToHex(version));
}

std::optional<int64_t> VersionFromDynamicFileName(std::string_view file_name) {
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  return JavaParseLong(file_name.substr(dot + 1), 16);
}

}  // namespace zk::wire
