#include "zk/hostprovider/plan_json.h"

#include <fmt/format.h>


#include "json_fields.h"
#include "zk/hostprovider/server_list.h"

namespace zk {

using json_fields::Bad;
using json_fields::Json;

namespace {

constexpr std::string_view kPlanType = "zkbalance-plan";
constexpr uint64_t kPlanFormat = 1;

}  // namespace

nlohmann::json PlanToJson(const RebalancePlan& plan) {
  Json servers = Json::array();
  for (const PlanServer& s : plan.servers) {
    servers.push_back({{"server", s.server.ToString()},
                       {"load", s.load},
                       {"target", s.target},
                       {"move_probability", s.move_probability},
                       {"weight", s.weight}});
  }
  Json sessions = Json::array();
  for (const SessionMove& m : plan.sessions) {
    sessions.push_back({{"session", json_fields::Hex64(m.session_id)}, {"to", m.to.ToString()}});
  }
  Json shed = Json::array();
  for (const ShedRequest& r : plan.shed) {
    shed.push_back({{"server", r.server.ToString()}, {"count", r.count}});
  }
  return Json{{"type", kPlanType},  {"format", kPlanFormat}, {"version", plan.version},
              {"servers", servers}, {"sessions", sessions},  {"shed", shed}};
}

Result<RebalancePlan> PlanFromJson(const nlohmann::json& j) {
  const std::string where = "plan";
  if (!j.is_object()) return Bad(where, "not a JSON object");
  std::string type;
  if (Status s = json_fields::ReadString(j, "type", where, true, &type); !s.ok()) return s;
  if (type != kPlanType)
    return Bad(where + ".type", fmt::format("\"{}\" is not \"{}\"", type, kPlanType));
  uint64_t format = 0;
  if (Status s = json_fields::ReadU64(j, "format", where, true, &format); !s.ok()) return s;
  if (format != kPlanFormat) {
    return Bad(where + ".format",
               fmt::format("format {} is not supported (only {})", format, kPlanFormat));
  }
  RebalancePlan plan;
  if (Status s = json_fields::ReadU64(j, "version", where, true, &plan.version); !s.ok()) return s;

  const Json* servers = nullptr;
  if (Status s = json_fields::FindArray(j, "servers", where, true, &servers); !s.ok()) return s;
  for (size_t i = 0; i < servers->size(); ++i) {
    const Json& e = (*servers)[i];
    const std::string at = fmt::format("{}.servers[{}]", where, i);
    if (!e.is_object()) return Bad(at, "not an object");
    PlanServer ps;
    Status s = json_fields::ReadServer(e, "server", at, true, &ps.server);
    if (s.ok()) s = json_fields::ReadDouble(e, "load", at, false, &ps.load);
    if (s.ok()) s = json_fields::ReadDouble(e, "target", at, false, &ps.target);
    if (s.ok()) s = json_fields::ReadDouble(e, "move_probability", at, true, &ps.move_probability);
    if (s.ok()) s = json_fields::ReadDouble(e, "weight", at, true, &ps.weight);
    if (!s.ok()) return s;
    plan.servers.push_back(std::move(ps));
  }

  const Json* sessions = nullptr;
  if (Status s = json_fields::FindArray(j, "sessions", where, false, &sessions); !s.ok()) return s;
  if (sessions != nullptr) {
    for (size_t i = 0; i < sessions->size(); ++i) {
      const Json& e = (*sessions)[i];
      const std::string at = fmt::format("{}.sessions[{}]", where, i);
      if (!e.is_object()) return Bad(at, "not an object");
      SessionMove m;
      Status s = json_fields::ReadU64(e, "session", at, true, &m.session_id);
      if (s.ok()) s = json_fields::ReadServer(e, "to", at, true, &m.to);
      if (!s.ok()) return s;
      plan.sessions.push_back(std::move(m));
    }
  }

  const Json* shed = nullptr;
  if (Status s = json_fields::FindArray(j, "shed", where, false, &shed); !s.ok()) return s;
  if (shed != nullptr) {
    for (size_t i = 0; i < shed->size(); ++i) {
      const Json& e = (*shed)[i];
      const std::string at = fmt::format("{}.shed[{}]", where, i);
      if (!e.is_object()) return Bad(at, "not an object");
      ShedRequest r;
      Status s = json_fields::ReadServer(e, "server", at, true, &r.server);
      if (s.ok()) s = json_fields::ReadU64(e, "count", at, true, &r.count);
      if (!s.ok()) return s;
      plan.shed.push_back(std::move(r));
    }
  }

  if (Status s = plan.Validate(); !s.ok()) return Bad(where, s.message());
  return plan;
}

std::string SerializePlan(const RebalancePlan& plan) {
  return PlanToJson(plan).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<RebalancePlan> ParsePlan(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("plan", "not valid JSON");
  return PlanFromJson(j);
}

}  // namespace zk
