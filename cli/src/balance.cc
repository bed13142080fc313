#include "balance.h"

#include <cstdlib>

#include <fmt/format.h>

#include "admin_client.h"
#include "zk/wire/connect_string.h"
#include "zk/wire/dynamic_config.h"

namespace zk::cli {
namespace {

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

}  // namespace

std::optional<SrvrInfo> ParseSrvr(std::string_view text) {
  SrvrInfo info;
  bool any = false;
  for (auto line : Lines(text)) {
    if (line.rfind("Mode: ", 0) == 0) {
      info.mode = std::string(line.substr(6));
      any = true;
    } else if (line.rfind("Connections: ", 0) == 0) {
      info.connections = std::atoll(std::string(line.substr(13)).c_str());
    }
  }
  if (!any) return std::nullopt;
  return info;
}

std::optional<std::vector<uint64_t>> ParseCons(std::string_view text) {
  std::vector<uint64_t> out;
  bool any = false;
  for (auto line : Lines(text)) {
    if (line.empty()) continue;
    if (line[0] != ' ' || line.find('/') == std::string_view::npos) return std::nullopt;
    any = true;
    size_t sid = line.find("sid=0x");
    if (sid == std::string_view::npos) continue;
    out.push_back(std::strtoull(std::string(line.substr(sid + 6, 16)).c_str(), nullptr, 16));
  }
  if (!any && !text.empty() && text != "\n") return std::nullopt;
  return out;
}

Result<std::vector<ServerRow>> ProbeServers(BlockingClient& client) {
  // sync first: a lagging follower may still hold an older config.
  (void)client.Sync("/");
  auto cfg = client.GetConfig();
  if (!cfg.ok()) return cfg.status();
  auto parsed = wire::DynamicConfig::Parse(cfg->text);
  if (!parsed.ok()) return parsed.status();
  std::vector<ServerRow> rows;
  for (const wire::ServerSpec* s : parsed->Servers()) {
    ServerRow row;
    row.id = s->id;
    row.role = std::string(wire::LearnerTypeName(s->type));
    if (auto where = s->ConnectAddress()) row.client = *where;
    if (row.client.port != 0) {
      if (auto srvr = FourLetter(row.client, "srvr"); srvr.ok()) {
        if (auto info = ParseSrvr(*srvr)) {
          row.up = true;
          row.mode = info->mode;
          // srvr counts the asking connection too.
          row.connections = info->connections > 0 ? info->connections - 1 : info->connections;
          auto me = client.current_server();
          if (me && *me == row.client && row.connections > 0) --row.connections;
        }
      }
      if (row.up) {
        if (auto cons = FourLetter(row.client, "cons"); cons.ok()) {
          if (auto sessions = ParseCons(*cons)) {
            row.sessions_known = true;
            std::erase(*sessions, static_cast<uint64_t>(client.session_id()));
            row.sessions = *sessions;
            row.connections = static_cast<int64_t>(sessions->size());
          }
        }
      }
    }
    if (row.up && row.mode == "follower" && !s->is_participant()) row.mode = "non-voting";
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const ServerRow& a, const ServerRow& b) { return a.id < b.id; });
  return rows;
}

nlohmann::json RowsToJson(const std::vector<ServerRow>& rows) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json j = {{"id", r.id},
                        {"role", r.role},
                        {"client", r.client.ToString()},
                        {"up", r.up},
                        {"mode", r.mode},
                        {"connections", r.connections}};
    arr.push_back(std::move(j));
  }
  return arr;
}

std::string FormatRows(const std::vector<ServerRow>& rows) {
  std::string out = fmt::format("{:<4} {:<12} {:<22} {:<5} {:<11} {:>11}\n", "id", "role", "client",
                                "state", "mode", "connections");
  for (const auto& r : rows) {
    out += fmt::format("{:<4} {:<12} {:<22} {:<5} {:<11} {:>11}\n", r.id, r.role, r.client.ToString(),
                       r.up ? "up" : "down", r.up ? r.mode : "-",
                       r.connections < 0 ? std::string("?") : std::to_string(r.connections));
  }
  return out;
}

const ServerRow* FindRow(const std::vector<ServerRow>& rows, std::string_view name) {
  for (const auto& r : rows) {
    if (std::to_string(r.id) == name) return &r;
  }
  auto hp = wire::ParseHostPortElement(name);
  if (!hp.ok()) return nullptr;
  for (const auto& r : rows) {
    if (r.client == *hp) return &r;
  }
  return nullptr;
}

}  // namespace zk::cli
