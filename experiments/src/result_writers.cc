#include "zk/experiments/result_writers.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace zk::experiments {
namespace {

using Json = nlohmann::json;

Json StepJson(const StepResult& s) {
  Json j;
  j["step"] = s.step;
  j["op"] = s.op;
  j["t"] = s.t;
  j["time_ms"] = s.time_ms;
  j["servers"] = s.servers;
  j["counts"] = s.counts;
  std::vector<int> up(s.up.begin(), s.up.end());
  j["up"] = up;
  j["movers"] = s.movers;
  j["min_movers"] = s.min_movers;
  // Rounded so that the document does not depend on printing the last bit.
  j["max_over_mean"] = std::round(s.max_over_mean * 1e6) / 1e6;
  j["settle_ms"] = s.settle_ms ? Json(*s.settle_ms) : Json(nullptr);
  j["sessions_lost"] = s.sessions_lost;
  j["shed"] = s.shed;
  j["attempts"] = s.attempts;
  j["peak_connects_per_s"] = s.peak_connects_per_s;
  return j;
}

std::string Counts(const StepResult& s) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < s.counts.size(); ++i) {
    parts.push_back(s.up.size() > i && !s.up[i] ? fmt::format("{}↓", s.counts[i])
                                                : fmt::format("{}", s.counts[i]));
  }
  return fmt::format("{}", fmt::join(parts, "/"));
}

// Display width: "↓" is one column but three bytes.
size_t Width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string Pad(const std::string& s, size_t w) {
  return s + std::string(w > Width(s) ? w - Width(s) : 0, ' ');
}

}  // namespace

Json ResultToJson(const ExperimentResult& r) {
  Json j;
  j["scenario"] = r.scenario;
  j["description"] = r.description;
  j["mode"] = r.mode;
  j["seed"] = r.seed;
  j["clients"] = r.clients;
  Json policies = Json::array();
  for (const PolicyResult& p : r.policies) {
    Json pj;
    pj["policy"] = p.policy;
    pj["failover"] = p.failover;
    pj["migration"] = p.migration;
    pj["failover_jitter_ms"] = p.failover_jitter_ms;
    pj["migration_jitter_ms"] = p.migration_jitter_ms;
    pj["start"] = StepJson(p.start);
    Json steps = Json::array();
    for (const StepResult& s : p.steps) steps.push_back(StepJson(s));
    pj["steps"] = steps;
    pj["total_movers"] = p.total_movers;
    pj["total_min_movers"] = p.total_min_movers;
    policies.push_back(pj);
  }
  j["policies"] = policies;
  return j;
}

std::string ResultToCsv(const ExperimentResult& r) {
  std::string out = "policy,t,step,op,time_ms,server,up,count\n";
  for (const PolicyResult& p : r.policies) {
    auto rows = [&](double t, const StepResult& s, double time_ms,
                    const std::vector<uint64_t>& counts, const std::vector<uint8_t>& up) {
      for (size_t i = 0; i < s.servers.size() && i < counts.size(); ++i) {
        out += fmt::format("{},{:.4g},\"{}\",{},{:.0f},{},{},{}\n", p.policy, t, s.step, s.op,
                           time_ms, s.servers[i], up.size() > i ? int(up[i]) : 1, counts[i]);
      }
    };
    const StepResult* prev = nullptr;
    auto step = [&](double t, const StepResult& s) {
      if (s.series.empty()) {
        rows(t, s, s.time_ms + s.settle_ms.value_or(0), s.counts, s.up);
      } else {
        for (size_t k = 0; k < s.series.size(); ++k) {
          // The first sample is before the step: the previous step's servers
          // were up then (when the list is the same).
          const bool before = k == 0 && prev != nullptr && prev->servers == s.servers;
          rows(t, s, s.series[k].time_ms, s.series[k].counts, before ? prev->up : s.up);
        }
      }
      prev = &s;
    };
    step(0, p.start);
    for (const StepResult& s : p.steps) step(s.t, s);
  }
  return out;
}

std::string ResultToTable(const ExperimentResult& r) {
  std::string out =
      fmt::format("scenario {} ({}), {} clients, seed {}\n", r.scenario, r.mode, r.clients, r.seed);
  if (r.policies.empty()) return out;
  size_t wp = 6, ws = 4, wc = 6;
  for (const PolicyResult& p : r.policies) {
    wp = std::max(wp, p.policy.size());
    wc = std::max(wc, Width(Counts(p.start)));
    for (const StepResult& s : p.steps) {
      ws = std::max(ws, Width(s.step));
      wc = std::max(wc, Width(Counts(s)));
    }
  }
  auto line = [&](const std::string& step, const PolicyResult& p, const StepResult& s) {
    out += fmt::format("{} {} {} {:>8.3f} {:>7} {:>7} {:>5} {:>7} {:>7}\n", Pad(step, ws),
                       Pad(p.policy, wp), Pad(Counts(s), wc), s.max_over_mean, s.movers,
                       s.min_movers, s.sessions_lost,
                       s.settle_ms ? fmt::format("{:.0f}", *s.settle_ms) : std::string("-"),
                       s.peak_connects_per_s);
  };
  out += fmt::format("{} {} {} {:>8} {:>7} {:>7} {:>5} {:>7} {:>7}\n", Pad("step", ws),
                     Pad("policy", wp), Pad("counts", wc), "max/mean", "movers", "minimum", "lost",
                     "settle", "peak/s");
  for (const PolicyResult& p : r.policies) line("start", p, p.start);
  // Steps in time order, the policies side by side at each time (a policy's
  // own steps, e.g. a plan after each restart, between the timeline's).
  std::vector<double> times;
  for (const PolicyResult& p : r.policies) {
    for (const StepResult& s : p.steps) times.push_back(s.t);
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  for (double t : times) {
    for (const PolicyResult& p : r.policies) {
      for (const StepResult& s : p.steps) {
        if (s.t == t) line(s.step, p, s);
      }
    }
  }
  out += "\ntotal movers per policy (minimum = sum of each step's fewest moves to balance):\n";
  for (const PolicyResult& p : r.policies) {
    double worst = 0;
    for (const StepResult& s : p.steps) worst = std::max(worst, s.max_over_mean);
    out += fmt::format("  {} movers {:>6}  minimum {:>6}  worst max/mean {:.3f}  final {:.3f}\n",
                       Pad(p.policy, wp), p.total_movers, p.total_min_movers, worst,
                       p.steps.empty() ? p.start.max_over_mean : p.steps.back().max_over_mean);
  }
  return out;
}

}  // namespace zk::experiments
