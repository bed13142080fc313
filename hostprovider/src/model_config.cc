#include "zk/hostprovider/model_config.h"

#include <fmt/format.h>

#include <limits>

#include "json_fields.h"
#include "zk/hostprovider/plan_json.h"

namespace zk {

using json_fields::Bad;
using json_fields::Json;

namespace {

constexpr std::string_view kModelType = "zkbalance-model";

Json ServersToJson(const std::vector<HostPort>& servers) {
  Json a = Json::array();
  for (const HostPort& h : servers) a.push_back(h.ToString());
  return a;
}

Status ServersFromJson(const Json& obj, const char* key, const std::string& where, bool required,
                       std::vector<HostPort>* out) {
  const Json* a = nullptr;
  if (Status s = json_fields::FindArray(obj, key, where, required, &a); !s.ok()) return s;
  if (a == nullptr) return Status::Ok();
  out->clear();
  for (size_t i = 0; i < a->size(); ++i) {
    const std::string at = fmt::format("{}.{}[{}]", where, key, i);
    if (!(*a)[i].is_string()) return Bad(at, "not a \"host:port\" string");
    Result<HostPort> h = ParseServerAddress((*a)[i].get_ref<const std::string&>());
    if (!h.ok()) return Bad(at, h.status().message());
    out->push_back(std::move(h).value());
  }
  if (out->empty()) return Bad(fmt::format("{}.{}", where, key), "empty");
  return Status::Ok();
}

Status ReadMillis(const Json& obj, const char* key, const std::string& where,
                  std::chrono::milliseconds* out) {
  uint64_t ms = static_cast<uint64_t>(out->count());
  if (Status s = json_fields::ReadU64(obj, key, where, false, &ms); !s.ok()) return s;
  if (ms > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return Bad(fmt::format("{}.{}", where, key), "too large");
  }
  *out = std::chrono::milliseconds(static_cast<int64_t>(ms));
  return Status::Ok();
}

}  // namespace

Result<ModelStep> ModelStepFromJson(const nlohmann::json& e, const std::string& at) {
  if (!e.is_object()) return Bad(at, "not an object");
  std::string op;
  if (Status s = json_fields::ReadString(e, "op", at, true, &op); !s.ok()) return s;
  std::optional<ModelStepKind> kind = ParseModelStepKind(op);
  if (!kind) {
    return Bad(at + ".op", fmt::format("\"{}\" is not one of reconfigure, crash, recover, "
                                       "restart, plan, exact-plan, shed, wait",
                                       op));
  }
  ModelStep step;
  step.kind = *kind;
  if (Status s = json_fields::ReadString(e, "label", at, false, &step.label); !s.ok()) return s;
  switch (step.kind) {
    case ModelStepKind::kReconfigure:
      if (Status s = ServersFromJson(e, "servers", at, true, &step.servers); !s.ok()) return s;
      break;
    case ModelStepKind::kShed:
      if (Status s = json_fields::ReadDouble(e, "fraction", at, true, &step.fraction); !s.ok()) {
        return s;
      }
      if (!(step.fraction >= 0 && step.fraction <= 1)) {
        return Bad(at + ".fraction", fmt::format("{} is not in [0, 1]", step.fraction));
      }
      [[fallthrough]];
    case ModelStepKind::kCrash:
    case ModelStepKind::kRecover:
    case ModelStepKind::kRestart:
      if (Status s = json_fields::ReadServer(e, "server", at, true, &step.server); !s.ok()) {
        return s;
      }
      break;
    case ModelStepKind::kPlan: {
      uint64_t passes = 1;
      if (Status s = json_fields::ReadU64(e, "passes", at, false, &passes); !s.ok()) return s;
      if (passes == 0 || passes > 100) {
        return Bad(at + ".passes", fmt::format("{} is not in [1, 100]", passes));
      }
      step.passes = static_cast<uint32_t>(passes);
      break;
    }
    case ModelStepKind::kExactPlan:
      break;
    case ModelStepKind::kWait:
      if (Status s = ReadMillis(e, "ms", at, &step.duration); !s.ok()) return s;
      break;
  }
  return step;
}

nlohmann::json ModelConfigToJson(const ModelConfig& config) {
  const ModelOptions& o = config.options;
  Json j{{"type", kModelType},
         {"clients", o.clients},
         {"seed", o.seed},
         {"failover", FailoverPolicyName(o.provider.failover)},
         {"migration", MigrationPolicyName(o.provider.migration)},
         {"round_delay_ms", o.provider.round_delay.count()},
         {"failover_jitter_ms", o.provider.failover_jitter.count()},
         {"migration_jitter_ms", o.migration_jitter.count()},
         {"sample_period_ms", o.sample_period.count()},
         {"follower_fraction", o.follower_fraction},
         {"servers", ServersToJson(o.servers)}};
  if (!o.initial_counts.empty()) j["initial_counts"] = o.initial_counts;
  Json timeline = Json::array();
  for (const ModelStep& s : config.timeline) {
    Json e{{"op", ModelStepKindName(s.kind)}};
    switch (s.kind) {
      case ModelStepKind::kReconfigure:
        e["servers"] = ServersToJson(s.servers);
        break;
      case ModelStepKind::kShed:
        e["fraction"] = s.fraction;
        [[fallthrough]];
      case ModelStepKind::kCrash:
      case ModelStepKind::kRecover:
      case ModelStepKind::kRestart:
        e["server"] = s.server.ToString();
        break;
      case ModelStepKind::kPlan:
        if (s.passes != 1) e["passes"] = s.passes;
        break;
      case ModelStepKind::kExactPlan:
        break;
      case ModelStepKind::kWait:
        e["ms"] = s.duration.count();
        break;
    }
    if (!s.label.empty()) e["label"] = s.label;
    timeline.push_back(std::move(e));
  }
  j["timeline"] = std::move(timeline);
  return j;
}

Result<ModelConfig> ModelConfigFromJson(const nlohmann::json& j) {
  const std::string where = "model";
  if (!j.is_object()) return Bad(where, "not a JSON object");
  ModelConfig config;
  ModelOptions& o = config.options;
  std::string type(kModelType);
  if (Status s = json_fields::ReadString(j, "type", where, false, &type); !s.ok()) return s;
  if (type != kModelType)
    return Bad(where + ".type", fmt::format("\"{}\" is not \"{}\"", type, kModelType));

  uint64_t clients = o.clients;
  if (Status s = json_fields::ReadU64(j, "clients", where, false, &clients); !s.ok()) return s;
  if (clients == 0 || clients > std::numeric_limits<uint32_t>::max()) {
    return Bad(where + ".clients", fmt::format("{} is not in [1, 2^32)", clients));
  }
  o.clients = static_cast<uint32_t>(clients);
  if (Status s = json_fields::ReadU64(j, "seed", where, false, &o.seed); !s.ok()) return s;

  std::string name(FailoverPolicyName(o.provider.failover));
  if (Status s = json_fields::ReadString(j, "failover", where, false, &name); !s.ok()) return s;
  std::optional<FailoverPolicy> failover = ParseFailoverPolicy(name);
  if (!failover) return Bad(where + ".failover", fmt::format("unknown policy \"{}\"", name));
  o.provider.failover = *failover;
  name = std::string(MigrationPolicyName(o.provider.migration));
  if (Status s = json_fields::ReadString(j, "migration", where, false, &name); !s.ok()) return s;
  std::optional<MigrationPolicy> migration = ParseMigrationPolicy(name);
  if (!migration) return Bad(where + ".migration", fmt::format("unknown policy \"{}\"", name));
  o.provider.migration = *migration;
  if (Status s = ReadMillis(j, "round_delay_ms", where, &o.provider.round_delay); !s.ok()) return s;
  if (Status s = ReadMillis(j, "failover_jitter_ms", where, &o.provider.failover_jitter); !s.ok()) {
    return s;
  }
  if (Status s = ReadMillis(j, "migration_jitter_ms", where, &o.migration_jitter); !s.ok()) {
    return s;
  }
  if (Status s = ReadMillis(j, "sample_period_ms", where, &o.sample_period); !s.ok()) return s;
  if (o.sample_period.count() == 0) return Bad(where + ".sample_period_ms", "must be positive");
  if (Status s =
          json_fields::ReadDouble(j, "follower_fraction", where, false, &o.follower_fraction);
      !s.ok()) {
    return s;
  }
  if (!(o.follower_fraction >= 0 && o.follower_fraction <= 1)) {
    return Bad(where + ".follower_fraction",
               fmt::format("{} is not in [0, 1]", o.follower_fraction));
  }
  if (Status s = ServersFromJson(j, "servers", where, true, &o.servers); !s.ok()) return s;

  const Json* counts = nullptr;
  if (Status s = json_fields::FindArray(j, "initial_counts", where, false, &counts); !s.ok()) {
    return s;
  }
  if (counts != nullptr) {
    for (size_t i = 0; i < counts->size(); ++i) {
      const Json& c = (*counts)[i];
      if (!c.is_number_unsigned() && !(c.is_number_integer() && c.get<int64_t>() >= 0)) {
        return Bad(fmt::format("{}.initial_counts[{}]", where, i), "not a non-negative integer");
      }
      o.initial_counts.push_back(c.get<uint64_t>());
    }
  }

  const Json* timeline = nullptr;
  if (Status s = json_fields::FindArray(j, "timeline", where, false, &timeline); !s.ok()) return s;
  if (timeline != nullptr) {
    for (size_t i = 0; i < timeline->size(); ++i) {
      Result<ModelStep> step =
          ModelStepFromJson((*timeline)[i], fmt::format("{}.timeline[{}]", where, i));
      if (!step.ok()) return step.status();
      config.timeline.push_back(std::move(step).value());
    }
  }
  return config;
}

std::string SerializeModelConfig(const ModelConfig& config) {
  return ModelConfigToJson(config).dump(2, ' ', false, Json::error_handler_t::replace);
}

Result<ModelConfig> ParseModelConfig(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("model", "not valid JSON");
  return ModelConfigFromJson(j);
}

nlohmann::json StepReportToJson(const StepReport& r) {
  return Json{{"label", r.label},
              {"servers", ServersToJson(r.servers)},
              {"counts", r.counts},
              {"up", r.up},
              {"connected", r.connected},
              {"disconnected", r.disconnected},
              {"movers", r.movers},
              {"min_movers", r.min_movers},
              {"balanced_start_min_movers", r.balanced_start_min_movers},
              {"max_over_mean", r.max_over_mean},
              {"shed", r.shed},
              {"attempts", r.attempts},
              {"start_ms", r.start_ms},
              {"settle_ms", r.settle_ms},
              {"end_ms", r.end_ms},
              {"connects", r.connects},
              {"peak_connects_per_s", r.peak_connects_per_s}};
}

}  // namespace zk
