#include "zk/experiments/scenario_step.h"

#include <fmt/format.h>

#include <algorithm>

#include "zk/hostprovider/model_config.h"
#include "zk/hostprovider/plan_json.h"

namespace zk::experiments {
namespace {

using Json = nlohmann::json;

// Stands for "busiest" while the model's rules check the step.
constexpr const char* kBusiestStandIn = "127.0.0.1:1";
constexpr int64_t kMaxCount = 1000000000;

Status Bad(const std::string& where, const std::string& what) {
  return Status(Error::kBadArguments, fmt::format("{}: {}", where, what));
}

// An optional integer in [0, kMaxCount] at `key`.
Status ReadCount(const Json& j, const char* key, const std::string& where,
                 std::optional<uint32_t>* out) {
  if (!j.contains(key)) return Status();
  const Json& v = j[key];
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxCount) {
    return Bad(fmt::format("{}.{}", where, key),
               fmt::format("{} is not an integer in [0, {}]", v.dump(), kMaxCount));
  }
  *out = static_cast<uint32_t>(v.get<int64_t>());
  return Status();
}

Result<ReconfigureStep> Reconfigure(const Json& j, const ModelStep& m, const std::string& where) {
  ReconfigureStep r;
  r.servers = m.servers;
  if (j.contains("mode")) {
    if (j["mode"] != "incremental" && j["mode"] != "bulk") {
      return Bad(where + ".mode",
                 fmt::format("{} is not \"incremental\" or \"bulk\"", j["mode"].dump()));
    }
    r.bulk = j["mode"] == "bulk";
  }
  if (j.contains("observers")) {
    const Json& o = j["observers"];
    if (!o.is_array()) return Bad(where + ".observers", "not an array");
    for (size_t i = 0; i < o.size(); ++i) {
      const std::string at = fmt::format("{}.observers[{}]", where, i);
      if (!o[i].is_string()) return Bad(at, "not a \"host:port\" string");
      Result<HostPort> h = ParseServerAddress(o[i].get<std::string>());
      if (!h.ok()) return Bad(at, h.status().message());
      if (std::find(r.servers.begin(), r.servers.end(), *h) == r.servers.end()) {
        return Bad(at, fmt::format("{} is not one of the step's servers", o[i].dump()));
      }
      r.observers.push_back(*h);
    }
  }
  return r;
}

Result<ShedStep> Shed(const Json& j, const ModelStep& m, StepServer server,
                      const std::string& where) {
  ShedStep s;
  s.server = std::move(server);
  if (Status st = ReadCount(j, "count", where, &s.count); !st.ok()) return st;
  if (Status st = ReadCount(j, "target", where, &s.target); !st.ok()) return st;
  std::optional<uint32_t> window;
  if (Status st = ReadCount(j, "window_ms", where, &window); !st.ok()) return st;
  s.window_ms = window.value_or(0);
  const int forms =
      int(j.contains("fraction")) + int(s.count.has_value()) + int(s.target.has_value());
  if (forms > 1) return Bad(where, "shed: give one of fraction, count, target");
  if (j.contains("fraction")) s.fraction = m.fraction;
  return s;
}

}  // namespace

std::string StepServer::ToString() const {
  return busiest ? std::string(kBusiest) : server.ToString();
}

std::string_view ScenarioStep::op() const {
  return std::visit(
      [](const auto& a) -> std::string_view {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, ReconfigureStep>) return "reconfigure";
        if constexpr (std::is_same_v<T, CrashStep>) return "crash";
        if constexpr (std::is_same_v<T, RecoverStep>) return "recover";
        if constexpr (std::is_same_v<T, RestartStep>) return "restart";
        if constexpr (std::is_same_v<T, PlanStep>) return "plan";
        if constexpr (std::is_same_v<T, ExactPlanStep>) return "exact-plan";
        if constexpr (std::is_same_v<T, ShedStep>) return "shed";
        if constexpr (std::is_same_v<T, WaitStep>) return "wait";
      },
      action);
}

const StepServer* ScenarioStep::server() const {
  if (const auto* c = std::get_if<CrashStep>(&action)) return &c->server;
  if (const auto* r = std::get_if<RecoverStep>(&action)) return &r->server;
  if (const auto* r = std::get_if<RestartStep>(&action)) return &r->server;
  if (const auto* s = std::get_if<ShedStep>(&action)) return &s->server;
  return nullptr;
}

Result<ScenarioStep> ParseScenarioStep(const Json& j, const std::string& where) {
  if (!j.is_object()) return Bad(where, "not an object");
  // The model's view: "busiest" stands in as an address, and a shed by
  // count or target gets a fraction, so that the model's rules check the rest.
  Json model = j;
  StepServer server;
  if (j.contains("server") && j["server"] == kBusiest) {
    server.busiest = true;
    model["server"] = kBusiestStandIn;
  }
  if (j.value("op", Json()) == "shed" && !j.contains("fraction") &&
      (j.contains("count") || j.contains("target"))) {
    model["fraction"] = 0.0;
  }
  Result<ModelStep> m = ModelStepFromJson(model, where);
  if (!m.ok()) return m.status();
  if (!server.busiest) server.server = m->server;
  ScenarioStep out;
  out.label = m->label;
  switch (m->kind) {
    case ModelStepKind::kReconfigure: {
      Result<ReconfigureStep> r = Reconfigure(j, *m, where);
      if (!r.ok()) return r.status();
      out.action = std::move(*r);
      break;
    }
    case ModelStepKind::kCrash:
      out.action = CrashStep{server};
      break;
    case ModelStepKind::kRecover:
      out.action = RecoverStep{server};
      break;
    case ModelStepKind::kRestart:
      out.action = RestartStep{server};
      break;
    case ModelStepKind::kPlan:
      out.action = PlanStep{m->passes};
      break;
    case ModelStepKind::kExactPlan:
      out.action = ExactPlanStep{};
      break;
    case ModelStepKind::kShed: {
      Result<ShedStep> s = Shed(j, *m, server, where);
      if (!s.ok()) return s.status();
      out.action = std::move(*s);
      break;
    }
    case ModelStepKind::kWait:
      out.action = WaitStep{m->duration};
      break;
  }
  return out;
}

Result<ModelStep> ToModelStep(const ScenarioStep& step, const HostPort& busiest) {
  auto resolve = [&busiest](const StepServer& s) { return s.busiest ? busiest : s.server; };
  ModelStep m;
  if (const auto* r = std::get_if<ReconfigureStep>(&step.action)) {
    m = ModelStep::Reconfigure(r->servers);
  } else if (const auto* c = std::get_if<CrashStep>(&step.action)) {
    m = ModelStep::Crash(resolve(c->server));
  } else if (const auto* rc = std::get_if<RecoverStep>(&step.action)) {
    m = ModelStep::Recover(resolve(rc->server));
  } else if (const auto* rs = std::get_if<RestartStep>(&step.action)) {
    m = ModelStep::Restart(resolve(rs->server));
  } else if (const auto* p = std::get_if<PlanStep>(&step.action)) {
    m = ModelStep::Plan(p->passes);
  } else if (std::holds_alternative<ExactPlanStep>(step.action)) {
    m = ModelStep::ExactPlan();
  } else if (const auto* s = std::get_if<ShedStep>(&step.action)) {
    if (!s->fraction) {
      return Status(Error::kBadArguments,
                    "a shed by \"count\" or \"target\" runs end to end only (the model sheds a "
                    "\"fraction\")");
    }
    m = ModelStep::Shed(resolve(s->server), *s->fraction);
  } else if (const auto* w = std::get_if<WaitStep>(&step.action)) {
    m = ModelStep::Wait(w->duration);
  }
  m.label = step.label;
  // A wait without a label is reported as "wait", as it always was.
  if (m.kind == ModelStepKind::kWait && m.label.empty()) m.label = "wait";
  return m;
}

}  // namespace zk::experiments
