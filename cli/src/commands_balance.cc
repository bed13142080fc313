// The imbalance commands (new in zkcli): servers, updateserverlist, shed,
// rebalance. Each takes --json for scripts.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "admin_client.h"
#include "balance.h"
#include "command_util.h"
#include "watch_keys.h"
#include "zk/hostprovider/exact_plan.h"
#include "zk/hostprovider/follower_registry.h"
#include "zk/hostprovider/plan_json.h"
#include "zk/wire/client_config.h"
#include "zk/wire/connect_string.h"

namespace zk::cli {
namespace {

// `servers --watch` on a terminal redraws the table in place, like
// watch(1); elsewhere (a pipe, a script) tables follow each other, separated
// by a blank line. q or Ctrl-C stops it (watch_keys.h); so does --count.
CmdResult Servers(Shell& sh, const ParsedArgs& a) {
  int64_t interval = 2000, count = a.Has("watch") ? -1 : 1;
  if (auto v = a.Value("interval")) {
    auto n = ParseLong(*v);
    if (!n || *n <= 0) return UsageError(FindCommand("servers")->usage);
    interval = *n;
  }
  if (auto v = a.Value("count")) {
    auto n = ParseLong(*v);
    if (!n || *n <= 0) return UsageError(FindCommand("servers")->usage);
    count = *n;
  }
  std::optional<WatchKeys> keys;
  if (a.Has("watch")) keys.emplace();
  const bool redraw = keys && keys->terminal() && isatty(STDOUT_FILENO) && !a.Has("json");
  for (int64_t i = 0; count < 0 || i < count; ++i) {
    if (i > 0 && keys->WaitForStop(std::chrono::milliseconds(interval))) break;
    auto rows = ProbeServers(*sh.client());
    if (!rows.ok()) return KeeperError(rows.status(), "/zookeeper/config");
    if (a.Has("json")) {
      sh.printer().Out(RowsToJson(*rows).dump() + "\n");
    } else if (redraw) {
      sh.printer().Out(fmt::format("\033[H\033[2JEvery {} ms: servers ({}; q or Ctrl-C stops)\n\n{}", interval,
                                   sh.server(), FormatRows(*rows)));
    } else {
      sh.printer().Out((i > 0 ? "\n" : "") + FormatRows(*rows));
    }
    if (keys && keys->stop_requested()) break;
  }
  return std::nullopt;
}

CmdResult UpdateServerList(Shell& sh, const ParsedArgs& a) {
  std::string cs;
  if (!a.args.empty()) {
    cs = a.args[0];
  } else {
    auto cfg = sh.client()->GetConfig();
    if (!cfg.ok()) return KeeperError(cfg.status(), "/zookeeper/config");
    auto cc = wire::ParseClientConfig(wire::ClientConfigString(cfg->text));
    if (!cc.ok()) return CliError{"updateserverlist: " + cc.status().message()};
    for (const auto& h : cc->hosts) cs += (cs.empty() ? "" : ",") + h.ToString();
  }
  auto before = sh.client()->current_server();
  Status st = sh.client()->UpdateServerList(cs);
  if (!st.ok()) return CliError{"updateserverlist: " + st.message()};
  // A move drops the connection and reconnects; wait (bounded) for it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::optional<HostPort> after;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = sh.client()->current_server();
    if (sh.client()->state() == SessionState::kConnected && after && (!before || *after != *before)) break;
  }
  if (sh.client()->state() == SessionState::kConnected) after = sh.client()->current_server();
  std::string from = before ? before->ToString() : "", to = after ? after->ToString() : "";
  bool moved = from != to;
  if (a.Has("json")) {
    nlohmann::json j = {{"servers", cs}, {"from", from}, {"to", to}, {"moved", moved},
                        {"session", fmt::format("0x{:x}", sh.client()->session_id())}};
    sh.printer().Out(j.dump() + "\n");
  } else if (moved) {
    sh.printer().Out(fmt::format("Moved session 0x{:x} from {} to {}\n", sh.client()->session_id(), from, to));
  } else {
    sh.printer().Out(fmt::format("Session 0x{:x} stays on {}\n", sh.client()->session_id(), from));
  }
  return std::nullopt;
}

struct ShedOutcome {
  int64_t shed = -1;
  std::string text;
};

// Sheds on `row`: the admin endpoint when there is one (any request), else
// the four-letter words shed/sh50/sh25 (percentages 100/50/25 only).
Result<ShedOutcome> DoShed(Shell& sh, const ServerRow& row, const nlohmann::json& request,
                           const std::string& admin) {
  if (!admin.empty()) {
    auto hp = wire::ParseHostPortElement(admin);
    if (!hp.ok()) return hp.status();
    const std::string& creds = sh.options().admin_auth;
    auto r = HttpRequest(*hp, "POST", fmt::format("/commands/shed_connections?server={}", row.id),
                         request.dump(), std::chrono::seconds(5),
                         creds.empty() ? std::string() : "digest " + creds);
    if (!r.ok()) return Status(r.status().code(), fmt::format("admin endpoint {}: {}", admin, r.status().message()));
    auto j = nlohmann::json::parse(r->body, nullptr, false);
    if (j.is_discarded()) return Status(Error::kMarshallingError, "admin endpoint did not answer JSON");
    if (r->status != 200 || !j.value("error", nlohmann::json()).is_null()) {
      // A stock AdminServer answers an unknown command with an error.
      return Status(Error::kBadArguments,
                    fmt::format("admin endpoint {}: {}", admin,
                                j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>()
                                                                              : fmt::format("HTTP {}", r->status)));
    }
    ShedOutcome out;
    out.shed = j.value("connections_shed", int64_t{0});
    out.text = fmt::format("Shed {} connections", out.shed);
    return out;
  }
  std::string word;
  if (request.size() == 1 && request.contains("percentage")) {
    int64_t p = request["percentage"].get<int64_t>();
    word = p == 100 ? "shed" : p == 50 ? "sh50" : p == 25 ? "sh25" : "";
  }
  if (word.empty()) {
    return Status(Error::kBadArguments,
                  "without an admin endpoint (--admin host:port) only --percent 100, 50 or 25 works "
                  "(four-letter words shed, sh50, sh25)");
  }
  auto r = FourLetter(row.client, word);
  if (!r.ok()) return r.status();
  if (r->rfind("Shed ", 0) != 0) {
    // Stock ZooKeeper has no such word: it closes the connection (an unknown
    // word reads as a bad request length) or says it is not whitelisted.
    std::string answer = r->empty() ? "no answer" : "answer \"" + r->substr(0, r->find('\n')) + "\"";
    return Status(Error::kUnimplemented,
                  fmt::format("server {} ({}) cannot shed connections: {} to the four-letter word '{}' "
                              "(stock ZooKeeper has none; zksim has shed/sh50/sh25 and the admin command "
                              "shed_connections)",
                              row.id, row.client.ToString(), answer, word));
  }
  ShedOutcome out;
  out.text = r->substr(0, r->find('\n'));
  out.shed = std::atoll(out.text.c_str() + 5);
  return out;
}

std::string AdminOf(Shell& sh, const ParsedArgs& a) {
  return a.Value("admin").value_or(sh.options().admin);
}

CmdResult Shed(Shell& sh, const ParsedArgs& a) {
  const std::string usage = FindCommand("shed")->usage;
  if (a.args.size() != 1) return UsageError(usage);
  nlohmann::json req = nlohmann::json::object();
  int given = 0;
  for (const char* k : {"percent", "count", "target"}) {
    if (auto v = a.Value(k)) {
      auto n = ParseLong(*v);
      if (!n || *n < 0 || (std::string(k) == "percent" && *n > 100)) return UsageError(usage);
      req[std::string(k) == "percent" ? "percentage" : k] = *n;
      ++given;
    }
  }
  if (given > 1) return UsageError(usage);
  if (given == 0) req["percentage"] = 100;
  if (auto v = a.Value("window")) {
    auto n = ParseLong(*v);
    if (!n || *n < 0) return UsageError(usage);
    req["window_ms"] = *n;
  }
  auto rows = ProbeServers(*sh.client());
  if (!rows.ok()) return KeeperError(rows.status(), "/zookeeper/config");
  const ServerRow* row = FindRow(*rows, a.args[0]);
  if (row == nullptr) return CliError{fmt::format("shed: no server {} in the current config", a.args[0])};
  auto r = DoShed(sh, *row, req, AdminOf(sh, a));
  if (!r.ok()) return CliError{"shed: " + r.status().message()};
  if (a.Has("json")) {
    sh.printer().Out(nlohmann::json{{"server", row->id}, {"client", row->client.ToString()},
                                    {"connections_shed", r->shed}}
                         .dump() +
                     "\n");
  } else {
    sh.printer().Out(fmt::format("server {} ({}): {}\n", row->id, row->client.ToString(), r->text));
  }
  return std::nullopt;
}

// The version of the plan now published (0 if none).
uint64_t PublishedPlanVersion(Shell& sh, const std::string& path) {
  auto d = sh.client()->GetData(path);
  if (!d.ok()) return 0;
  auto p = ParsePlan(d->data.value_or(""));
  return p.ok() ? p->version : 0;
}

Status Publish(Shell& sh, const std::string& path, const std::string& text) {
  // Create the parents (ignoring those that exist), then create or set.
  for (size_t pos = path.find('/', 1); pos != std::string::npos; pos = path.find('/', pos + 1)) {
    auto r = sh.client()->CreateNode(path.substr(0, pos), "");
    if (!r.ok() && r.status().code() != Error::kNodeExists) return r.status();
  }
  auto r = sh.client()->CreateNode(path, text);
  if (r.ok()) return Status();
  if (r.status().code() != Error::kNodeExists) return r.status();
  auto s = sh.client()->SetData(path, text);
  return s.status();
}

// Expected movers off server i (plan.servers[i] is rows[i]): its
// probabilistic share plus the sessions on it that the plan names.
double MoversFrom(const RebalancePlan& plan, size_t i, const ServerRow& row) {
  double m = plan.servers[i].load * plan.servers[i].move_probability;
  for (uint64_t id : row.sessions) {
    if (plan.FindSession(id) != nullptr) m += 1;
  }
  return m;
}

CmdResult Rebalance(Shell& sh, const ParsedArgs& a) {
  const std::string usage = FindCommand("rebalance")->usage;
  if (!a.args.empty()) return UsageError(usage);
  double tolerance = 0.1;
  if (auto v = a.Value("tolerance")) {
    char* end = nullptr;
    tolerance = std::strtod(v->c_str(), &end);
    if (end == v->c_str() || *end != '\0' || !(tolerance >= 0)) return UsageError(usage);
  }
  bool exact = a.Has("exact") || a.Has("shed");
  auto rows = ProbeServers(*sh.client());
  if (!rows.ok()) return KeeperError(rows.status(), "/zookeeper/config");
  std::vector<ServerLoad> loads;
  std::vector<double> weights;
  std::vector<ServerSessions> sessions_in;
  std::vector<ServerConnections> conns;
  for (const auto& r : *rows) {
    uint64_t c = r.connections > 0 ? static_cast<uint64_t>(r.connections) : 0;
    loads.push_back(ServerLoad{r.client, c});
    weights.push_back(r.up ? 1.0 : 0.0);
    conns.push_back(ServerConnections{r.client, r.sessions_known, c, r.sessions});
  }
  bool any_up = false;
  for (double w : weights) any_up = any_up || w > 0;
  if (!any_up) return CliError{"rebalance: no server of the current config is up"};
  const std::string plan_path = a.Value("plan-path").value_or(sh.options().plan_path);
  uint64_t version = PublishedPlanVersion(sh, plan_path) + 1;
  Result<RebalancePlan> plan = Status(Error::kBadArguments, "");
  if (exact) {
    std::vector<std::string> followers;
    if (auto ch = sh.client()->GetChildren(std::string(kFollowersZnode)); ch.ok()) followers = ch->children;
    plan = ComputeExactPlan(version, JoinFollowers(conns, followers), weights);
  } else {
    plan = ComputeLoadAwarePlan(version, loads, weights);
  }
  if (!plan.ok()) return CliError{"rebalance: " + plan.status().message()};
  std::vector<uint64_t> raw;
  for (const auto& l : loads) raw.push_back(l.connections);
  auto targets = IntegerTargets(raw, weights);
  uint64_t minimum = MinimumMovers(raw, targets);
  uint64_t total = 0;
  for (auto l : raw) total += l;
  double mean = total > 0 ? double(total) / double(std::count_if(weights.begin(), weights.end(),
                                                                  [](double w) { return w > 0; }))
                          : 0;
  double worst = 0;
  for (size_t i = 0; i < raw.size(); ++i) worst = std::max(worst, std::fabs(double(raw[i]) - double(targets[i])));
  bool balanced = mean == 0 || worst <= tolerance * mean;
  bool publish = !balanced && !a.Has("dry-run");
  nlohmann::json shed_done = nlohmann::json::array();
  std::string shed_text;
  if (publish) {
    Status st = Publish(sh, plan_path, SerializePlan(*plan));
    if (!st.ok()) return KeeperError(st, plan_path);
    if (a.Has("shed")) {
      for (const auto& req : plan->shed) {
        const ServerRow* row = FindRow(*rows, req.server.ToString());
        if (row == nullptr || req.count == 0) continue;
        auto r = DoShed(sh, *row, nlohmann::json{{"count", req.count}, {"window_ms", 1000}}, AdminOf(sh, a));
        if (!r.ok()) return CliError{"rebalance: shed: " + r.status().message()};
        shed_done.push_back({{"server", row->id}, {"connections_shed", r->shed}});
        shed_text += fmt::format("shed on server {}: {}\n", row->id, r->text);
      }
    }
  }
  if (a.Has("json")) {
    nlohmann::json j;
    j["servers"] = nlohmann::json::array();
    for (size_t i = 0; i < rows->size(); ++i) {
      j["servers"].push_back({{"id", (*rows)[i].id},
                              {"client", (*rows)[i].client.ToString()},
                              {"up", (*rows)[i].up},
                              {"before", raw[i]},
                              {"target", targets[i]},
                              {"expected_movers", MoversFrom(*plan, i, (*rows)[i])}});
    }
    j["expected_movers"] = plan->ExpectedMovers();
    j["minimum_movers"] = minimum;
    j["balanced"] = balanced;
    j["published"] = publish;
    j["plan_path"] = plan_path;
    j["plan"] = PlanToJson(*plan);
    j["shed"] = shed_done;
    sh.printer().Out(j.dump() + "\n");
    return std::nullopt;
  }
  std::string out = fmt::format("{:<4} {:<22} {:>8} {:>15} {:>7}\n", "id", "client", "before",
                                "expected-after", "movers");
  for (size_t i = 0; i < rows->size(); ++i) {
    out += fmt::format("{:<4} {:<22} {:>8} {:>15} {:>7.1f}\n", (*rows)[i].id, (*rows)[i].client.ToString(),
                       raw[i], targets[i], MoversFrom(*plan, i, (*rows)[i]));
  }
  out += fmt::format("movers: expected {:.1f}, minimum {}\n", plan->ExpectedMovers(), minimum);
  if (balanced) {
    out += fmt::format("balanced within tolerance {} (largest deviation {:.0f}); nothing published\n",
                       tolerance, worst);
  } else if (!publish) {
    out += "dry run: plan not published\n";
  } else {
    out += fmt::format("published plan version {} to {}\n", plan->version, plan_path);
  }
  out += shed_text;
  sh.printer().Out(out);
  return std::nullopt;
}

}  // namespace

void RegisterBalanceCommands(std::vector<Command>* out) {
  out->push_back(Command{"servers",
                         "servers [--json] [--watch [--interval ms] [--count n]]",
                         {{"json"}, {"watch"}, {"interval", true}, {"count", true}},
                         true,
                         Servers});
  out->push_back(Command{"updateserverlist", "updateserverlist [--json] [host:port[,host:port...]]",
                         {{"json"}}, true, UpdateServerList});
  out->push_back(Command{"shed",
                         "shed <server id|host:port> [--percent p | --count n | --target n] [--window ms] "
                         "[--admin host:port] [--json]",
                         {{"percent", true}, {"count", true}, {"target", true}, {"window", true},
                          {"admin", true}, {"json"}},
                         true,
                         Shed});
  out->push_back(Command{"rebalance",
                         "rebalance [--dry-run] [--tolerance x] [--exact] [--shed] [--admin host:port] "
                         "[--plan-path path] [--json]",
                         {{"dry-run"}, {"tolerance", true}, {"exact"}, {"shed"}, {"admin", true},
                          {"plan-path", true}, {"json"}},
                         true,
                         Rebalance});
}

}  // namespace zk::cli
