// Scenario parsing: the scenario's keys and each policy's overrides are
// merged into one model configuration per policy, which hostprovider's
// ModelConfigFromJson validates (so the model's own rules and messages
// apply); the timeline is parsed once into typed steps (scenario_step.h).
#include "zk/experiments/scenario.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "zk/hostprovider/model_config.h"

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

// The steps of `timeline` parsed, with the policy's "before"/"after" steps
// (objects keyed by op) inserted around each. `where`: the timeline's
// location ("bad.json: timeline" or "bad.json: policies[1].timeline");
// `policy`: the policy's ("bad.json: policies[1]").
Result<std::vector<ScenarioStep>> Expand(const Json& timeline, const std::string& where,
                                         const Json& before, const Json& after,
                                         const std::string& policy) {
  if (!timeline.is_array()) return Bad(where, "not an array");
  for (const auto& [m, key] : {std::pair{&before, "before"}, std::pair{&after, "after"}}) {
    if (!m->is_null() && !m->is_object()) {
      return Bad(policy, "\"before\" and \"after\" must be objects keyed by op");
    }
    if (m->is_object()) {
      for (const auto& [op, steps] : m->items()) {
        if (!steps.is_array()) return Bad(fmt::format("{}.{}.{}", policy, key, op), "not an array");
      }
    }
  }
  std::vector<ScenarioStep> out;
  auto insert = [&](const Json& m, const char* key, const ScenarioStep& step, double base,
                    double sign) -> Status {
    const std::string op(step.op());
    if (!m.is_object() || !m.contains(op)) return Status();
    const double n = double(m[op].size()) + 1;
    for (size_t k = 0; k < m[op].size(); ++k) {
      Result<ScenarioStep> s =
          ParseScenarioStep(m[op][k], fmt::format("{}.{}.{}[{}]", policy, key, op, k));
      if (!s.ok()) return s.status();
      s->t = sign > 0 ? base + double(k + 1) / n : base - (n - double(k + 1)) / n;
      s->inserted = true;
      out.push_back(std::move(*s));
    }
    return Status();
  };
  for (size_t i = 0; i < timeline.size(); ++i) {
    Result<ScenarioStep> step = ParseScenarioStep(timeline[i], fmt::format("{}[{}]", where, i));
    if (!step.ok()) return step.status();
    step->t = double(i + 1);
    if (Status s = insert(before, "before", *step, double(i + 1), -1); !s.ok()) return s;
    out.push_back(*step);
    if (Status s = insert(after, "after", *step, double(i + 1), +1); !s.ok()) return s;
  }
  return out;
}

Result<ScenarioPolicy> BuildPolicy(const Json& root, const Json& p, const std::string& origin,
                                   size_t index) {
  const std::string where = fmt::format("{}: policies[{}]", origin, index);
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
  // The model's options, checked by the model's own rules; the timeline is
  // parsed into typed steps below.
  Json model = Json::object();
  model["type"] = "zkbalance-model";
  for (const char* k : kModelKeys) {
    if (root.contains(k)) model[k] = root[k];
  }
  for (const char* k : kPolicyKeys) {
    if (p.contains(k)) model[k] = p[k];
  }
  Result<ModelConfig> config = ModelConfigFromJson(model);
  if (!config.ok()) return Bad(where, config.status().message());
  out.options = config->options;
  const bool own = p.contains("timeline");
  Result<std::vector<ScenarioStep>> steps =
      Expand(own ? p["timeline"] : root.value("timeline", Json::array()),
             own ? where + ".timeline" : origin + ": timeline", p.value("before", Json()),
             p.value("after", Json()), where);
  if (!steps.ok()) return steps.status();
  out.steps = std::move(*steps);
  return out;
}

}  // namespace

Result<Scenario> ParseScenario(std::string_view text, const std::string& origin) {
  Json root = Json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (root.is_discarded()) return Bad(origin, "not valid JSON");
  if (!root.is_object()) return Bad(origin, "not a JSON object");
  // value() would throw for a "type" that is not a string (found by fuzz_scenario).
  if (root.contains("type") &&
      (!root["type"].is_string() || root["type"].get<std::string>() != kScenarioType)) {
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
    Result<ScenarioPolicy> p = BuildPolicy(root, root["policies"][i], origin, i);
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

}  // namespace zk::experiments
