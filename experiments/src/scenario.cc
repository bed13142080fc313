// Scenario parsing: the scenario's keys and each policy's overrides are
// merged into one model configuration per policy, which hostprovider's
// ModelConfigFromJson validates (so the model's own rules and messages
// apply); only the scenario-level structure is checked here.
#include "zk/experiments/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "zk/wire/connect_string.h"

#ifndef ZKSIM_SCENARIO_DIR
#define ZKSIM_SCENARIO_DIR "experiments/scenarios"
#endif

namespace zk::experiments {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kScenarioType = "zkbalance-scenario";

Status Bad(const std::string& where, const std::string& what) {
  return Status(Error::kBadArguments, fmt::format("{}: {}", where, what));
}

// Keys copied from the scenario (and overridable per policy) into the model.
constexpr const char* kModelKeys[] = {"clients",
                                      "seed",
                                      "failover",
                                      "migration",
                                      "round_delay_ms",
                                      "failover_jitter_ms",
                                      "migration_jitter_ms",
                                      "follower_fraction",
                                      "servers",
                                      "initial_counts"};
constexpr const char* kPolicyKeys[] = {
    "failover",           "migration",           "round_delay_ms",
    "failover_jitter_ms", "migration_jitter_ms", "follower_fraction"};

bool IsWait(const Json& step) {
  return step.is_object() && step.contains("op") && step["op"] == "wait";
}

// A copy of the step with a "busiest" server replaced by `busiest`.
Json Resolve(const Json& step, const HostPort& busiest) {
  Json s = step;
  if (s.is_object() && s.contains("server") && s["server"] == kBusiest) {
    s["server"] = busiest.ToString();
  }
  return s;
}

// A shed step by "count" or "target" (end to end only; zksim's shed forms)
// rather than by "fraction".
bool IsShedByNumber(const Json& step) {
  return step.is_object() && step.value("op", "") == "shed" && !step.contains("fraction") &&
         (step.contains("count") || step.contains("target"));
}

bool IsCount(const Json& v) {
  return v.is_number_integer() && v.get<int64_t>() >= 0 && v.get<int64_t>() <= 1000000000;
}

// The keys only the end-to-end runner reads (e2e_runner.h): a shed's
// "count", "target", "window_ms"; a reconfigure's "mode" and "observers".
Status CheckEndToEndKeys(const Json& step) {
  if (!step.is_object()) return Status();
  const std::string op = step.value("op", "");
  // (A wait's "ms" is the model's too; both check it when the step runs.)
  const std::vector<const char*> ints =
      op == "shed" ? std::vector<const char*>{"count", "target", "window_ms"}
                   : std::vector<const char*>{};
  for (const char* k : ints) {
    if (step.contains(k) && !IsCount(step[k])) {
      return Status(Error::kBadArguments,
                    fmt::format("{}.{}: not an integer in [0, 1000000000]", op, k));
    }
  }
  if (op == "shed" &&
      step.contains("count") + step.contains("target") + step.contains("fraction") > 1) {
    return Status(Error::kBadArguments, "shed: give one of fraction, count, target");
  }
  if (op == "reconfigure") {
    if (step.contains("mode") && step["mode"] != "incremental" && step["mode"] != "bulk") {
      return Status(Error::kBadArguments, "reconfigure.mode: not \"incremental\" or \"bulk\"");
    }
    if (step.contains("observers")) {
      const Json& o = step["observers"];
      const Json servers = step.value("servers", Json::array());
      if (!o.is_array()) return Status(Error::kBadArguments, "reconfigure.observers: not an array");
      for (const Json& x : o) {
        if (!x.is_string() || std::find(servers.begin(), servers.end(), x) == servers.end()) {
          return Status(
              Error::kBadArguments,
              fmt::format("reconfigure.observers: {} is not one of the step's servers", x.dump()));
        }
      }
    }
  }
  return Status();
}

struct Expanded {
  std::vector<Json> steps;
  std::vector<double> t;
  std::vector<uint8_t> inserted;
};

Result<Expanded> Expand(const Json& timeline, const Json& before, const Json& after,
                        const std::string& where) {
  if (!timeline.is_array()) return Bad(where + ".timeline", "not an array");
  for (const auto* m : {&before, &after}) {
    if (!m->is_null() && !m->is_object()) {
      return Bad(where, "\"before\" and \"after\" must be objects keyed by op");
    }
    if (m->is_object()) {
      for (const auto& [op, steps] : m->items()) {
        if (!steps.is_array()) return Bad(fmt::format("{}.{}", where, op), "not an array");
      }
    }
  }
  Expanded out;
  auto insert = [&](const Json& m, const Json& step, double base, double sign) {
    if (!m.is_object() || !step.is_object() || !step.contains("op") || !step["op"].is_string()) {
      return;
    }
    const std::string op = step["op"];
    if (!m.contains(op)) return;
    const double n = double(m[op].size()) + 1;
    for (size_t k = 0; k < m[op].size(); ++k) {
      out.steps.push_back(m[op][k]);
      out.t.push_back(sign > 0 ? base + double(k + 1) / n : base - (n - double(k + 1)) / n);
      out.inserted.push_back(1);
    }
  };
  for (size_t i = 0; i < timeline.size(); ++i) {
    const Json& step = timeline[i];
    insert(before, step, double(i + 1), -1);
    out.steps.push_back(step);
    out.t.push_back(double(i + 1));
    out.inserted.push_back(0);
    insert(after, step, double(i + 1), +1);
  }
  return out;
}

Result<ScenarioPolicy> BuildPolicy(const Json& root, const Json& p, const std::string& where) {
  if (!p.is_object()) return Bad(where, "not an object");
  if (!p.contains("policy") || !p["policy"].is_string()) {
    return Bad(where + ".policy", "missing (a name such as \"herd-free\")");
  }
  ScenarioPolicy out;
  out.name = p["policy"];
  for (const auto& [key, v] : p.items()) {
    static const std::vector<std::string> known = {"policy",
                                                   "failover",
                                                   "migration",
                                                   "round_delay_ms",
                                                   "failover_jitter_ms",
                                                   "migration_jitter_ms",
                                                   "follower_fraction",
                                                   "timeline",
                                                   "before",
                                                   "after",
                                                   "description"};
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Bad(fmt::format("{}.{}", where, key), "unknown key");
    }
  }
  Json model = Json::object();
  model["type"] = "zkbalance-model";
  for (const char* k : kModelKeys) {
    if (root.contains(k)) model[k] = root[k];
  }
  for (const char* k : kPolicyKeys) {
    if (p.contains(k)) model[k] = p[k];
  }
  const Json& timeline =
      p.contains("timeline") ? p["timeline"] : root.value("timeline", Json::array());
  Result<Expanded> steps =
      Expand(timeline, p.value("before", Json()), p.value("after", Json()), where);
  if (!steps.ok()) return steps.status();
  // Validate with "busiest" standing for the first server; waits dropped.
  Json checked = Json::array();
  HostPort first;
  if (model.contains("servers") && model["servers"].is_array() && !model["servers"].empty() &&
      model["servers"][0].is_string()) {
    Result<HostPort> h = wire::ParseHostPortElement(model["servers"][0].get<std::string>());
    if (h.ok()) first = *h;
  }
  for (const Json& s : steps->steps) {
    if (Status st = CheckEndToEndKeys(s); !st.ok()) return Bad(where, st.message());
    if (IsWait(s)) continue;
    Json c = Resolve(s, first);
    // Checked above; the model refuses it when run (ParseStep).
    if (IsShedByNumber(c)) c["fraction"] = 0.0;
    checked.push_back(std::move(c));
  }
  model["timeline"] = checked;
  Result<ModelConfig> config = ModelConfigFromJson(model);
  if (!config.ok()) {
    return Bad(where, config.status().message());
  }
  out.options = config->options;
  out.steps = std::move(steps->steps);
  out.t = std::move(steps->t);
  out.inserted = std::move(steps->inserted);
  return out;
}

}  // namespace

Result<Scenario> ParseScenario(std::string_view text, const std::string& origin) {
  Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (root.is_discarded()) return Bad(origin, "not valid JSON");
  if (!root.is_object()) return Bad(origin, "not a JSON object");
  if (root.value("type", std::string(kScenarioType)) != kScenarioType) {
    return Bad(origin + ": type", fmt::format("is not \"{}\"", kScenarioType));
  }
  Scenario s;
  s.origin = origin;
  if (!root.contains("name") || !root["name"].is_string()) {
    return Bad(origin + ": name", "missing (a string)");
  }
  s.name = root["name"];
  if (root.contains("description") && root["description"].is_string()) {
    s.description = root["description"];
  }
  if (!root.contains("servers")) return Bad(origin + ": servers", "missing");
  if (!root.contains("policies") || !root["policies"].is_array() || root["policies"].empty()) {
    return Bad(origin + ": policies", "missing (a non-empty array)");
  }
  for (size_t i = 0; i < root["policies"].size(); ++i) {
    Result<ScenarioPolicy> p =
        BuildPolicy(root, root["policies"][i], fmt::format("{}: policies[{}]", origin, i));
    if (!p.ok()) return p.status();
    for (const ScenarioPolicy& q : s.policies) {
      if (q.name == p->name) {
        return Bad(fmt::format("{}: policies[{}].policy", origin, i),
                   fmt::format("\"{}\" appears twice", p->name));
      }
    }
    s.policies.push_back(std::move(*p));
  }
  s.clients = s.policies[0].options.clients;
  s.seed = s.policies[0].options.seed;
  return s;
}

std::vector<std::string> BuiltinScenarioNames() {
  return {"rolling-restart", "paper-5.1", "grow-shrink", "avalanche", "imbalanced-start"};
}

std::string BuiltinScenarioDir() {
  if (const char* d = std::getenv("ZKSIM_SCENARIOS"); d != nullptr && *d != '\0') return d;
  return ZKSIM_SCENARIO_DIR;
}

Result<Scenario> LoadScenario(const std::string& name_or_path) {
  std::string path = name_or_path;
  std::string origin = name_or_path;
  std::ifstream in(path);
  if (!in) {
    const auto names = BuiltinScenarioNames();
    if (std::find(names.begin(), names.end(), name_or_path) == names.end()) {
      return Bad(name_or_path, fmt::format("no such file, and not a built-in scenario ({})",
                                           fmt::join(names, ", ")));
    }
    path = fmt::format("{}/{}.json", BuiltinScenarioDir(), name_or_path);
    origin = "builtin:" + name_or_path;
    in.open(path);
    if (!in) return Bad(origin, fmt::format("cannot read {}", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseScenario(text.str(), origin);
}

void OverrideClients(Scenario* s, uint32_t clients) {
  s->clients = clients;
  for (ScenarioPolicy& p : s->policies) {
    std::vector<uint64_t>& ic = p.options.initial_counts;
    if (!ic.empty()) {
      // Scale by largest remainder so that the sum is exactly `clients`.
      uint64_t old_sum = 0;
      for (uint64_t c : ic) old_sum += c;
      std::vector<std::pair<uint64_t, size_t>> rem;
      uint64_t sum = 0;
      for (size_t i = 0; i < ic.size(); ++i) {
        const uint64_t x = ic[i] * clients;  // both < 2^32: no overflow
        rem.push_back({static_cast<uint64_t>(x % old_sum), i});
        ic[i] = static_cast<uint64_t>(x / old_sum);
        sum += ic[i];
      }
      std::stable_sort(rem.begin(), rem.end(), [](auto a, auto b) { return a.first > b.first; });
      for (size_t k = 0; sum < clients; ++k, ++sum) ++ic[rem[k % rem.size()].second];
    }
    p.options.clients = clients;
  }
}

void OverrideSeed(Scenario* s, uint64_t seed) {
  s->seed = seed;
  for (ScenarioPolicy& p : s->policies) p.options.seed = seed;
}

Result<ModelStep> ParseStep(const Json& step, const HostPort& busiest,
                            const std::vector<HostPort>& servers, bool* is_wait) {
  *is_wait = IsWait(step);
  if (*is_wait) {
    ModelStep w;
    w.label = step.value("label", std::string("wait"));
    return w;
  }
  if (IsShedByNumber(step)) {
    return Status(Error::kBadArguments,
                  "a shed by \"count\" or \"target\" runs end to end only (the model sheds a "
                  "\"fraction\")");
  }
  Json model = Json::object();
  model["type"] = "zkbalance-model";
  Json list = Json::array();
  for (const HostPort& h : servers) list.push_back(h.ToString());
  model["servers"] = list;
  model["timeline"] = Json::array({Resolve(step, busiest)});
  Result<ModelConfig> c = ModelConfigFromJson(model);
  if (!c.ok()) return c.status();
  return c->timeline[0];
}

}  // namespace zk::experiments
