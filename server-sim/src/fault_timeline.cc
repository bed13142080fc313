#include "fault_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace zk::sim {
namespace {

struct ActionName {
  const char* name;
  FaultAction action;
};
constexpr ActionName kActions[] = {
    {"kill", FaultAction::kKill},       {"start", FaultAction::kStart},
    {"isolate", FaultAction::kIsolate}, {"heal", FaultAction::kHeal},
    {"lag", FaultAction::kLag},         {"shed", FaultAction::kShed}};

bool ActionOf(std::string_view name, FaultAction* out) {
  for (const auto& a : kActions) {
    if (name == a.name) {
      *out = a.action;
      return true;
    }
  }
  return false;
}

const char* NameOf(FaultAction action) {
  for (const auto& a : kActions) {
    if (a.action == action) return a.name;
  }
  return "?";
}

// The fields a step of `action` must/may carry, checked after parsing.
Status Validate(const FaultStep& s) {
  if (s.at_ms < 0) return Status(Error::kBadArguments, "at_ms must be >= 0");
  if (s.action == FaultAction::kShed) {
    if (s.server < 0) return Status(Error::kBadArguments, "server must be >= 0 (0: all)");
    if ((s.percentage >= 0) == (s.count >= 0))
      return Status(Error::kBadArguments, "shed needs exactly one of percentage or count");
    if (s.percentage > 100) return Status(Error::kBadArguments, "percentage must be in [0, 100]");
    return Status();
  }
  if (s.server <= 0) return Status(Error::kBadArguments, "server must be a server id (> 0)");
  if (s.action == FaultAction::kLag && s.lag_ms < 0)
    return Status(Error::kBadArguments, "lag needs ms >= 0");
  if (s.action != FaultAction::kLag && s.lag_ms != 0)
    return Status(Error::kBadArguments, "ms is only for lag");
  if (s.percentage >= 0 || s.count >= 0)
    return Status(Error::kBadArguments, "percentage/count are only for shed");
  return Status();
}

bool ParseInt(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

std::string Describe(const FaultStep& s) {
  switch (s.action) {
    case FaultAction::kLag:
      return fmt::format("lag server {} {} ms", s.server, s.lag_ms);
    case FaultAction::kShed: {
      std::string who = s.server == 0 ? "all servers" : fmt::format("server {}", s.server);
      return s.percentage >= 0 ? fmt::format("shed {}% of {}", s.percentage, who)
                               : fmt::format("shed {} connections of {}", s.count, who);
    }
    default:
      return fmt::format("{} server {}", NameOf(s.action), s.server);
  }
}

Result<std::vector<FaultStep>> ParseTimelineJson(std::string_view text) {
  using nlohmann::json;
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded()) return Status(Error::kBadArguments, "timeline: not valid JSON");
  if (!doc.is_array()) return Status(Error::kBadArguments, "timeline: expected a JSON array");
  std::vector<FaultStep> out;
  for (size_t i = 0; i < doc.size(); ++i) {
    const json& e = doc[i];
    std::string where = fmt::format("timeline entry {}", i + 1);
    auto fail = [&](const std::string& why) {
      return Status(Error::kBadArguments, where + ": " + why);
    };
    if (!e.is_object()) return fail("expected an object");
    FaultStep s;
    auto int_field = [&](const char* key, int64_t* v) -> bool {
      if (!e.contains(key)) return true;
      if (!e[key].is_number_integer()) return false;
      *v = e[key].get<int64_t>();
      return true;
    };
    if (!e.contains("at_ms") || !int_field("at_ms", &s.at_ms))
      return fail("needs an integer at_ms");
    where += fmt::format(" (at_ms {})", s.at_ms);
    if (!e.contains("action") || !e["action"].is_string()) return fail("needs a string action");
    std::string action = e["action"].get<std::string>();
    if (!ActionOf(action, &s.action)) return fail(fmt::format("unknown action \"{}\"", action));
    int64_t pct = -1, count = -1;
    if (!int_field("server", &s.server) || !int_field("ms", &s.lag_ms) ||
        !int_field("percentage", &pct) || !int_field("count", &count))
      return fail("server, ms, percentage and count must be integers");
    if (!e.contains("server") && s.action != FaultAction::kShed) return fail("needs a server");
    if (s.action == FaultAction::kLag && !e.contains("ms")) return fail("lag needs ms");
    if (pct > 100 || count > (int64_t{1} << 30)) return fail("percentage/count out of range");
    s.percentage = static_cast<int32_t>(pct);
    s.count = static_cast<int32_t>(count);
    for (const auto& [k, v] : e.items()) {
      if (k != "at_ms" && k != "action" && k != "server" && k != "ms" && k != "percentage" &&
          k != "count")
        return fail(fmt::format("unknown key \"{}\"", k));
    }
    if (Status st = Validate(s); !st.ok()) return fail(st.message());
    out.push_back(s);
  }
  return out;
}

Result<FaultStep> ParseAtFlag(std::string_view spec) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (true) {
    size_t c = spec.find(':', pos);
    parts.push_back(
        spec.substr(pos, c == std::string_view::npos ? std::string_view::npos : c - pos));
    if (c == std::string_view::npos) break;
    pos = c + 1;
  }
  auto fail = [&](const std::string& why) {
    return Status(Error::kBadArguments, fmt::format("--at \"{}\": {}", spec, why));
  };
  if (parts.size() < 3) return fail("expected MS:ACTION:SERVER[:ARG]");
  FaultStep s;
  if (!ParseInt(parts[0], &s.at_ms)) return fail("MS must be an integer");
  if (!ActionOf(parts[1], &s.action)) return fail(fmt::format("unknown action \"{}\"", parts[1]));
  if (!ParseInt(parts[2], &s.server)) return fail("SERVER must be an integer");
  const bool takes_arg = s.action == FaultAction::kLag || s.action == FaultAction::kShed;
  if (parts.size() != (takes_arg ? 4u : 3u))
    return fail(takes_arg ? "needs MS:ACTION:SERVER:ARG" : "takes no argument after SERVER");
  if (takes_arg) {
    int64_t arg = 0;
    if (!ParseInt(parts[3], &arg)) return fail("ARG must be an integer");
    if (s.action == FaultAction::kLag) {
      s.lag_ms = arg;
    } else {
      if (arg < 0 || arg > 100) return fail("percentage must be in [0, 100]");
      s.percentage = static_cast<int32_t>(arg);
    }
  }
  if (Status st = Validate(s); !st.ok()) return fail(st.message());
  return s;
}

Status CheckServers(const std::vector<FaultStep>& steps, const std::vector<int64_t>& ids) {
  for (const FaultStep& s : steps) {
    if (s.action == FaultAction::kShed && s.server == 0) continue;
    if (std::find(ids.begin(), ids.end(), s.server) == ids.end())
      return Status(Error::kBadArguments, fmt::format("timeline step at {} ms ({}): no server {}",
                                                      s.at_ms, Describe(s), s.server));
  }
  return Status();
}

FaultTimelineRunner::FaultTimelineRunner(std::vector<FaultStep> steps, SimServer* sim,
                                         std::function<void(const std::string&)> log)
    : steps_(std::move(steps)), sim_(sim), log_(std::move(log)) {
  std::stable_sort(steps_.begin(), steps_.end(),
                   [](const FaultStep& a, const FaultStep& b) { return a.at_ms < b.at_ms; });
}

void FaultTimelineRunner::Start(uv_loop_t* loop) {
  if (steps_.empty() || started_) return;
  started_ = true;
  loop_ = loop;
  uv_update_time(loop);
  start_ms_ = uv_now(loop);
  uv_timer_init(loop, &timer_);
  timer_.data = this;
  ArmNext();
}

void FaultTimelineRunner::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
}

void FaultTimelineRunner::ArmNext() {
  if (stopped_ || next_ >= steps_.size()) return;
  const uint64_t due = start_ms_ + static_cast<uint64_t>(steps_[next_].at_ms);
  const uint64_t now = uv_now(loop_);
  uv_timer_start(
      &timer_, [](uv_timer_t* t) { static_cast<FaultTimelineRunner*>(t->data)->Fire(); },
      due > now ? due - now : 0, 0);
}

void FaultTimelineRunner::Fire() {
  const uint64_t now = uv_now(loop_);
  while (next_ < steps_.size() && start_ms_ + static_cast<uint64_t>(steps_[next_].at_ms) <= now) {
    const FaultStep& s = steps_[next_++];
    bool ok = true;
    int shed = 0;
    switch (s.action) {
      case FaultAction::kKill:
        ok = sim_->Kill(s.server);
        break;
      case FaultAction::kStart:
        ok = sim_->Restart(s.server);
        break;
      case FaultAction::kIsolate:
        ok = sim_->Isolate(s.server, true);
        break;
      case FaultAction::kHeal:
        ok = sim_->Isolate(s.server, false);
        break;
      case FaultAction::kLag:
        ok = sim_->SetLag(s.server, s.lag_ms);
        break;
      case FaultAction::kShed:
        shed =
            sim_->Shed(s.server, s.percentage >= 0 ? s.percentage / 100.0 : 0.0, s.count, -1, 0, 0);
        break;
    }
    std::string line = fmt::format("zksim: timeline t={}ms: {}", now - start_ms_, Describe(s));
    if (s.action == FaultAction::kShed) line += fmt::format(" ({} closed)", shed);
    if (!ok) line += fmt::format(" failed: no server {}", s.server);
    if (log_) log_(line);
  }
  ArmNext();
}

}  // namespace zk::sim
