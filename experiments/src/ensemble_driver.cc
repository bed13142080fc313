#include "ensemble_driver.h"

#include <algorithm>
#include <cmath>

#include "e2e_hooks.h"
#include "zk/hostprovider/exact_plan.h"
#include "zk/hostprovider/plan_json.h"
#include "zk/wire/dynamic_config.h"

namespace zk::experiments {
namespace {

Status Fail(std::string what) { return Status(Error::kSystemError, std::move(what)); }
Status BadArg(std::string what) { return Status(Error::kBadArguments, std::move(what)); }

}  // namespace

int EnsembleDriver::IndexOf(const HostPort& h) const {
  for (size_t k = 0; k < addrs.size(); ++k) {
    if (addrs[k] == h) return int(k);
  }
  return -1;
}

std::vector<int> EnsembleDriver::Where() const {
  std::vector<int> w(clients.size(), -1);
  for (size_t i = 0; i < clients.size(); ++i) {
    if (clients[i]->state() != SessionState::kConnected) continue;
    std::optional<HostPort> h = clients[i]->current_server();
    if (h) w[i] = IndexOf(*h);
  }
  return w;
}

uint64_t EnsembleDriver::Connects() const {
  uint64_t n = 0;
  for (const auto& c : clients) n += c->connect_count();
  return n;
}

void EnsembleDriver::Sample() {
  std::vector<int> w = Where();
  if (w != last_seen) {
    last_seen = std::move(w);
    last_change = Clock::now();
  }
  const uint64_t now = Connects();
  const auto b = size_t((Clock::now() - step_start) / Ms(100));
  if (buckets.size() <= b) buckets.resize(b + 1, 0);
  buckets[b] += now - last_connects;
  series_connects += now - last_connects;
  last_connects = now;
  const double t = std::chrono::duration<double, std::milli>(Clock::now() - run_start).count();
  if (series.empty() || t - series.back().time_ms >= 100) {
    series.push_back(CountSample{std::round(t), MemberCounts(Where()), series_connects});
    series_connects = 0;
  }
}

void EnsembleDriver::BeginStep() {
  step_start = Clock::now();
  last_connects = Connects();
  buckets.clear();
  series.clear();
  series_connects = 0;
  last_seen = Where();
  last_change = step_start;
}

double EnsembleDriver::SettleMs() const {
  return std::round(std::chrono::duration<double, std::milli>(last_change - step_start).count());
}

double EnsembleDriver::StepTimeMs() const {
  return std::round(std::chrono::duration<double, std::milli>(step_start - run_start).count());
}

bool EnsembleDriver::RunUntil(const std::function<bool()>& done, Ms limit) {
  struct State {
    EnsembleDriver* run;
    const std::function<bool()>* done;
    Clock::time_point deadline;
    bool ok = false;
  } st{this, &done, Clock::now() + limit};
  uv_timer_t timer;
  uv_timer_init(&loop, &timer);
  timer.data = &st;
  uv_timer_start(
      &timer,
      [](uv_timer_t* t) {
        auto* s = static_cast<State*>(t->data);
        s->run->Sample();
        s->ok = (*s->done)();
        if (s->ok || Clock::now() > s->deadline) {
          uv_timer_stop(t);
          uv_stop(t->loop);
        }
      },
      50, 50);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), nullptr);
  uv_run(&loop, UV_RUN_NOWAIT);
  return st.ok;
}

Status EnsembleDriver::CallStatus(const std::string& what,
                                  const std::function<Status(StatusCallback)>& start) {
  Result<bool> r = Call<bool>(what, [&start](Callback<bool> cb) {
    return start([cb](Status s) {
      if (s.ok()) {
        cb(true);
      } else {
        cb(s);
      }
    });
  });
  return r.ok() ? Status() : r.status();
}

bool EnsembleDriver::IsMember(int k) const {
  return k >= 0 && std::find(members.begin(), members.end(), size_t(k)) != members.end();
}

Status EnsembleDriver::Settle(const std::function<bool()>& ready, Ms min) {
  const auto start = Clock::now();
  auto settled = [&] {
    for (size_t i = 0; i < last_seen.size(); ++i) {
      if (!IsMember(last_seen[i]) && !Lost(*clients[i])) return false;
    }
    if (ready && !ready()) return false;
    const auto now = Clock::now();
    return now - last_change >= kQuiet && now - start >= min;
  };
  if (RunUntil(settled, kSettleLimit)) return Status();
  size_t off = 0;
  for (size_t i = 0; i < last_seen.size(); ++i) {
    off += !IsMember(last_seen[i]) && !Lost(*clients[i]);
  }
  return Fail(
      fmt::format("clients did not settle within {} s ({} not on a server of the "
                  "configuration)",
                  kSettleLimit.count() / 1000, off));
}

std::vector<uint64_t> EnsembleDriver::MemberCounts(const std::vector<int>& w) const {
  std::vector<uint64_t> counts(members.size(), 0);
  for (int k : w) {
    for (size_t j = 0; j < members.size(); ++j) {
      if (k >= 0 && members[j] == size_t(k)) ++counts[j];
    }
  }
  return counts;
}

void EnsembleDriver::HintLoads() {
  const std::vector<uint64_t> seen = MemberCounts(Where());
  std::vector<ServerLoad> loads;
  for (size_t j = 0; j < members.size(); ++j) {
    const size_t k = members[j];
    const uint64_t n = sim ? uint64_t(sim->ConnectionCount(sim_ids[k])) : seen[j];
    loads.push_back(ServerLoad{addrs[k], n});
  }
  for (const auto& c : clients) c->SetServerLoads(loads);
}

std::vector<double> EnsembleDriver::UpWeights() const {
  std::vector<double> w;
  for (size_t k : members) w.push_back(up[k] ? 1.0 : 0.0);
  return w;
}

uint64_t EnsembleDriver::MinMovers(const std::vector<uint64_t>& loads,
                                   const std::vector<double>& weights) const {
  if (std::none_of(weights.begin(), weights.end(), [](double x) { return x > 0; })) return 0;
  return MinimumMovers(loads, IntegerTargets(loads, weights));
}

StepResult EnsembleDriver::Report(std::string label, std::string op,
                                  const std::vector<int>& before) const {
  StepResult s;
  s.step = std::move(label);
  s.op = std::move(op);
  const std::vector<int> w = Where();
  for (size_t k : members) {
    s.servers.push_back(names[k]);
    s.up.push_back(up[k]);
  }
  s.counts = MemberCounts(w);
  uint64_t connected = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] >= 0) {
      ++connected;
      if (!before.empty() && before[i] >= 0 && before[i] != w[i]) ++s.movers;
    }
    if (Lost(*clients[i]) || clients[i]->session_id() != session_ids[i]) ++s.sessions_lost;
  }
  const uint64_t mx = s.counts.empty() ? 0 : *std::max_element(s.counts.begin(), s.counts.end());
  s.max_over_mean = connected == 0 ? 0 : double(mx) * double(members.size()) / double(connected);
  return s;
}

Status EnsembleDriver::Kill(size_t k) {
  up[k] = 0;
  if (sim) {
    if (!sim->Kill(sim_ids[k])) return Fail(fmt::format("zksim: no server {}", names[k]));
    return Status();
  }
  return RunHook({options->hook, "kill", HookName(k), std::to_string(k + 1)});
}

Status EnsembleDriver::Start(size_t k) {
  up[k] = 1;
  if (sim) {
    if (!sim->Restart(sim_ids[k])) return Fail(fmt::format("zksim: no server {}", names[k]));
    return Status();
  }
  return RunHook({options->hook, "start", HookName(k), std::to_string(k + 1)});
}

Result<uint64_t> EnsembleDriver::Shed(size_t k, double fraction, int count, int target,
                                      int64_t window_ms) {
  if (sim) {
    return uint64_t(sim->Shed(sim_ids[k], fraction, count, target, window_ms, 0));
  }
  std::vector<std::string> argv = {options->hook, "shed", HookName(k), std::to_string(k + 1)};
  if (count >= 0) {
    argv.push_back(fmt::format("count={}", count));
  } else if (target >= 0) {
    argv.push_back(fmt::format("target={}", target));
  } else {
    argv.push_back(fmt::format("fraction={}", fraction));
  }
  if (window_ms > 0) argv.push_back(fmt::format("window_ms={}", window_ms));
  Status s = RunHook(argv);
  if (!s.ok()) return s;
  return uint64_t{0};
}

Status EnsembleDriver::EnsureNode(const std::string& path) {
  Result<CreateResult> r =
      Call<CreateResult>("create " + path, [this, &path](Callback<CreateResult> cb) {
        return op->CreateNode(path, std::string(), wire::OpenAclUnsafe(), CreateMode::kPersistent,
                              std::move(cb));
      });
  if (!r.ok() && r.status().code() != Error::kNodeExists) return r.status();
  return Status();
}

Status EnsembleDriver::Publish(const std::string& path, const RebalancePlan& plan) {
  const std::string text = SerializePlan(plan);
  Result<Stat> r = Call<Stat>("publish " + path, [this, &path, &text](Callback<Stat> cb) {
    return op->SetData(path, text, -1, std::move(cb));
  });
  if (r.ok()) return Status();
  if (r.status().code() != Error::kNoNode) return r.status();
  Result<CreateResult> c =
      Call<CreateResult>("publish " + path, [this, &path, &text](Callback<CreateResult> cb) {
        return op->CreateNode(path, text, wire::OpenAclUnsafe(), CreateMode::kPersistent,
                              std::move(cb));
      });
  return c.ok() ? Status() : c.status();
}

Status EnsembleDriver::ReadConfig() {
  Result<ConfigResult> cfg = Call<ConfigResult>(
      "getConfig", [this](Callback<ConfigResult> cb) { return op->GetConfig({}, std::move(cb)); });
  if (!cfg.ok()) return cfg.status();
  Result<wire::DynamicConfig> config = wire::DynamicConfig::Parse(cfg->text);
  if (!config.ok()) {
    return Fail(
        fmt::format("getConfig: the configuration does not parse: {}", config.status().message()));
  }
  members.clear();
  for (const wire::ServerSpec* s : config->Servers()) {
    if (s->id == leader_id && leader_id != 0) {
      wire::ServerSpec quiet = *s;
      quiet.client.reset();
      quiet.type = wire::LearnerType::kParticipant;
      leader_line = quiet.ToLine();
      continue;
    }
    if (!s->client) continue;
    const HostPort& client = *s->client;
    for (size_t k = 0; k < addrs.size(); ++k) {
      if (addrs[k].port == client.port &&
          (wire::IsWildcardHost(client.host) || addrs[k].host == client.host)) {
        lines[k] = *s;
        observer[k] = !s->is_participant();
        members.push_back(k);
      }
    }
  }
  return Status();
}

bool EnsembleDriver::Tracked(int64_t version) const {
  for (const auto& c : clients) {
    if (!Lost(*c) && c->tracked_config_version() < version) return false;
  }
  return true;
}

Result<int64_t> EnsembleDriver::Reconfigure(const std::vector<size_t>& next,
                                            const std::set<size_t>& obs, bool bulk, bool force) {
  ReconfigSpec spec;
  bool change = force;
  if (bulk && !leader_line.empty()) spec.new_members.push_back(leader_line);
  for (size_t k : next) {
    auto it = lines.find(k);
    if (it == lines.end()) {
      return BadArg(
          fmt::format("{} is not a server the ensemble knows (not in its "
                      "configuration when the run started)",
                      names[k]));
    }
    const bool o = obs.count(k) != 0;
    wire::ServerSpec spec_k = it->second;
    spec_k.type = o ? wire::LearnerType::kObserver : wire::LearnerType::kParticipant;
    const std::string line = spec_k.ToLine();
    if (bulk) spec.new_members.push_back(line);
    if (!IsMember(int(k)) || observer[k] != o) {
      change = true;
      if (!bulk) spec.joining.push_back(line);
    }
  }
  for (size_t k : members) {
    if (std::find(next.begin(), next.end(), k) == next.end()) {
      change = true;
      if (!bulk) spec.leaving.push_back(std::to_string(lines.at(k).id));
    }
  }
  if (!change) {
    members = next;
    return int64_t{0};
  }
  Result<ConfigResult> r = Call<ConfigResult>("reconfig", [this, &spec](Callback<ConfigResult> cb) {
    return op->Reconfig(spec, std::move(cb));
  });
  if (!r.ok()) return r.status();
  members = next;
  for (size_t k : next) observer[k] = obs.count(k) != 0;
  return r->version;
}

}  // namespace zk::experiments
