#include "zk/experiments/e2e_runner.h"

#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "zk/client/client.h"
#include "zk/client/logger.h"
#include "zk/hostprovider/exact_plan.h"
#include "zk/hostprovider/plan_json.h"
#include "zk/hostprovider/random_source.h"
#include "zk/hostprovider/rebalance_plan.h"
#include "zk/sim/sim_server.h"
#include "zk/wire/connect_string.h"

extern char** environ;

namespace zk::experiments {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;
using Ms = std::chrono::milliseconds;

constexpr const char* kPlanPath = "/zkbalance/plan";
constexpr const char* kPlacePath = "/zkbalance/place";
constexpr Ms kQuiet{700};          // nothing changed for this long: settled
constexpr Ms kSettleLimit{60000};  // clients not settled after this: the run fails
constexpr Ms kCallLimit{30000};    // an operator request unanswered after this: fails

Status Fail(std::string what) { return Status(Error::kSystemError, std::move(what)); }
Status BadArg(std::string what) { return Status(Error::kBadArguments, std::move(what)); }

bool ServerSide(const std::string& op) {
  return op == "crash" || op == "recover" || op == "restart" || op == "shed";
}

// A string member, or "" (absent or not a string).
std::string Str(const Json& s, const char* key) {
  return s.is_object() && s.contains(key) && s[key].is_string() ? s[key].get<std::string>() : "";
}

std::string Canonical(const std::string& text) {
  Result<HostPort> h = ParseServerAddress(text);
  return h.ok() ? h->ToString() : text;
}

// Every server any configuration of the policy names: the first
// configuration's, then joiners in order of appearance.
std::vector<std::string> Universe(const ScenarioPolicy& p) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  for (const HostPort& h : p.options.servers) add(h.ToString());
  for (const Json& s : p.steps) {
    if (Str(s, "op") != "reconfigure" || !s.contains("servers") || !s["servers"].is_array()) {
      continue;
    }
    for (const Json& x : s["servers"]) {
      if (x.is_string()) add(Canonical(x.get<std::string>()));
    }
  }
  return out;
}

std::string StepName(const Json& s, size_t si) {
  std::string label = Str(s, "label");
  if (label.empty()) label = Str(s, "op");
  const size_t b = label.find_first_not_of(' ');
  return fmt::format("step {} (\"{}\")", si + 1, b == std::string::npos ? label : label.substr(b));
}

// The largest number of connects in any 10 consecutive 100 ms buckets.
uint64_t PeakPerSecond(const std::vector<uint64_t>& buckets) {
  uint64_t best = 0, window = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    window += buckets[i];
    if (i >= 10) window -= buckets[i - 10];
    best = std::max(best, window);
  }
  return best;
}

// Runs `argv` and waits for it (at most `limit`); ok iff it exits with 0.
Status RunHook(const std::vector<std::string>& argv, Ms limit) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (int rc = posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ); rc != 0) {
    return Fail(fmt::format("hook {}: cannot run: {}", argv[0], std::strerror(rc)));
  }
  const auto deadline = Clock::now() + limit;
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) return Fail(fmt::format("hook {}: waitpid failed", argv[0]));
    if (Clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return Fail(fmt::format("hook \"{}\" did not finish within {} s", fmt::join(argv, " "),
                              limit.count() / 1000));
    }
    std::this_thread::sleep_for(Ms(20));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Fail(fmt::format("hook \"{}\" failed (exit status {})", fmt::join(argv, " "),
                            WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  return Status();
}

// One server line of /zookeeper/config: "server.<id>=<quorum spec>;<client>".
struct ConfigLine {
  int64_t id = 0;
  std::string spec;  // between '=' and ';', without the role
  bool observer = false;
  std::string client;  // after ';' ("" if none)
};

std::vector<ConfigLine> ParseConfigLines(const std::string& text) {
  std::vector<ConfigLine> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("server.", 0) != 0) continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    ConfigLine c;
    c.id = std::strtoll(line.c_str() + 7, nullptr, 10);
    std::string rest = line.substr(eq + 1);
    const size_t semi = rest.find(';');
    if (semi != std::string::npos) {
      c.client = rest.substr(semi + 1);
      rest = rest.substr(0, semi);
    }
    for (const char* role : {":participant", ":observer"}) {
      const std::string r = role;
      if (rest.size() > r.size() && rest.compare(rest.size() - r.size(), r.size(), r) == 0) {
        c.observer = r == ":observer";
        rest.resize(rest.size() - r.size());
      }
    }
    c.spec = rest;
    out.push_back(std::move(c));
  }
  return out;
}

std::string LineOf(const ConfigLine& c, bool observer) {
  return fmt::format("server.{}={}:{}{}{}", c.id, c.spec, observer ? "observer" : "participant",
                     c.client.empty() ? "" : ";", c.client);
}

struct Run {
  uv_loop_t loop{};
  std::unique_ptr<sim::SimServer> sim;  // the embedded ensemble, or null
  const ScenarioPolicy* policy = nullptr;
  const EndToEndOptions* options = nullptr;
  std::vector<std::string> names;  // per server of the universe: the scenario's name
  std::vector<HostPort> addrs;     // its address
  std::vector<int64_t> sim_ids;    // embedded: its zksim id
  // Embedded: the line of the extra voter that leads (the highest id) and
  // has no client address, so no client sees it and no step touches it.
  std::string leader_line;
  int64_t leader_id = 0;
  std::map<size_t, ConfigLine> lines;  // its line in the first configuration read
  std::vector<size_t> members;         // the current configuration, in the step's order
  std::vector<uint8_t> observer;       // per universe server
  std::vector<uint8_t> up;             // per universe server
  std::shared_ptr<Client> op;          // the operator's session
  std::vector<std::shared_ptr<Client>> clients;
  std::vector<int64_t> session_ids;
  std::vector<uint8_t> follower;
  uint64_t plan_version = 0;
  Ms jitter{0};
  // Connects during the current step, in 100 ms buckets, and the counts
  // every 100 ms.
  Clock::time_point run_start = Clock::now();
  Clock::time_point step_start = Clock::now();
  uint64_t last_connects = 0;
  std::vector<uint64_t> buckets;
  std::vector<CountSample> series;
  uint64_t series_connects = 0;
  // Where the clients were at the last sample, and when that last changed.
  std::vector<int> last_seen;
  Clock::time_point last_change = Clock::now();

  ~Run() = default;

  int IndexOf(const HostPort& h) const {
    for (size_t k = 0; k < addrs.size(); ++k) {
      if (addrs[k] == h) return int(k);
    }
    return -1;
  }

  static bool Lost(const Client& c) {
    const SessionState s = c.state();
    return s == SessionState::kExpired || s == SessionState::kAuthFailed ||
           s == SessionState::kClosed;
  }

  // Per client: the universe index of its server, or -1.
  std::vector<int> Where() const {
    std::vector<int> w(clients.size(), -1);
    for (size_t i = 0; i < clients.size(); ++i) {
      if (clients[i]->state() != SessionState::kConnected) continue;
      std::optional<HostPort> h = clients[i]->current_server();
      if (h) w[i] = IndexOf(*h);
    }
    return w;
  }

  uint64_t Connects() const {
    uint64_t n = 0;
    for (const auto& c : clients) n += c->connect_count();
    return n;
  }

  void Sample() {
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

  void BeginStep() {
    step_start = Clock::now();
    last_connects = Connects();
    buckets.clear();
    series.clear();
    series_connects = 0;
    last_seen = Where();
    last_change = step_start;
  }

  // From the step's beginning to the last change of where the clients are.
  double SettleMs() const {
    return std::round(std::chrono::duration<double, std::milli>(last_change - step_start).count());
  }

  double StepTimeMs() const {
    return std::round(std::chrono::duration<double, std::milli>(step_start - run_start).count());
  }

  // Runs the loop, sampling every 50 ms, until `done` or `limit`; false on
  // the limit.
  bool RunUntil(const std::function<bool()>& done, Ms limit) {
    struct State {
      Run* run;
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

  // An operator request: starts it, runs the loop until its answer.
  template <typename T>
  Result<T> Call(const std::string& what, const std::function<Status(Callback<T>)>& start) {
    auto out = std::make_shared<std::optional<Result<T>>>();
    Status s = start([out](Result<T> r) { out->emplace(std::move(r)); });
    if (!s.ok()) return Status(s.code(), fmt::format("{}: {}", what, s.message()));
    if (!RunUntil([&out] { return out->has_value(); }, kCallLimit)) {
      return Fail(fmt::format("{}: no answer within {} s", what, kCallLimit.count() / 1000));
    }
    if (!(*out)->ok()) {
      return Status((*out)->status().code(),
                    fmt::format("{}: {}", what, (*out)->status().message()));
    }
    return std::move(**out);
  }

  Status CallStatus(const std::string& what, const std::function<Status(StatusCallback)>& start) {
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

  bool IsMember(int k) const {
    return k >= 0 && std::find(members.begin(), members.end(), size_t(k)) != members.end();
  }

  // Runs the loop until every client (but lost sessions) is connected to a
  // member, `ready` holds, at least `min` has passed and nothing changed for
  // kQuiet (SettleMs() then tells when the last change was).
  Status Settle(const std::function<bool()>& ready = {}, Ms min = Ms(0)) {
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

  std::vector<uint64_t> MemberCounts(const std::vector<int>& w) const {
    std::vector<uint64_t> counts(members.size(), 0);
    for (int k : w) {
      for (size_t j = 0; j < members.size(); ++j) {
        if (k >= 0 && members[j] == size_t(k)) ++counts[j];
      }
    }
    return counts;
  }

  // The operator's hint service: every client gets the connection count of
  // each server of the current configuration — zksim's own count when
  // embedded (the operator's session included, as `srvr` would show),
  // otherwise the runner's clients counted where they are.
  void HintLoads() {
    const std::vector<uint64_t> seen = MemberCounts(Where());
    std::vector<ServerLoad> loads;
    for (size_t j = 0; j < members.size(); ++j) {
      const size_t k = members[j];
      const uint64_t n = sim ? uint64_t(sim->ConnectionCount(sim_ids[k])) : seen[j];
      loads.push_back(ServerLoad{addrs[k], n});
    }
    for (const auto& c : clients) c->SetServerLoads(loads);
  }

  std::vector<double> UpWeights() const {
    std::vector<double> w;
    for (size_t k : members) w.push_back(up[k] ? 1.0 : 0.0);
    return w;
  }

  // Σ max(0, L_i − T_i) over the up members (0 if none is up).
  uint64_t MinMovers(const std::vector<uint64_t>& loads, const std::vector<double>& weights) const {
    if (std::none_of(weights.begin(), weights.end(), [](double x) { return x > 0; })) return 0;
    return MinimumMovers(loads, IntegerTargets(loads, weights));
  }

  StepResult Report(std::string label, std::string op, const std::vector<int>& before) const {
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

  // ------------------------------------------------------------ server side
  std::string HookName(size_t k) const { return addrs[k].ToString(); }

  Status Kill(size_t k) {
    up[k] = 0;
    if (sim) {
      if (!sim->Kill(sim_ids[k])) return Fail(fmt::format("zksim: no server {}", names[k]));
      return Status();
    }
    return RunHook({options->hook, "kill", HookName(k), std::to_string(k + 1)}, Ms(120000));
  }

  Status Start(size_t k) {
    up[k] = 1;
    if (sim) {
      if (!sim->Restart(sim_ids[k])) return Fail(fmt::format("zksim: no server {}", names[k]));
      return Status();
    }
    return RunHook({options->hook, "start", HookName(k), std::to_string(k + 1)}, Ms(120000));
  }

  // Returns the number of connections closed (embedded), or 0 (hook).
  Result<uint64_t> Shed(size_t k, double fraction, int count, int target, int64_t window_ms) {
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
    Status s = RunHook(argv, Ms(120000));
    if (!s.ok()) return s;
    return uint64_t{0};
  }

  // ------------------------------------------------------------ operator
  Status EnsureNode(const std::string& path) {
    Result<CreateResult> r =
        Call<CreateResult>("create " + path, [this, &path](Callback<CreateResult> cb) {
          return op->CreateNode(path, std::string(), wire::OpenAclUnsafe(), CreateMode::kPersistent,
                                std::move(cb));
        });
    if (!r.ok() && r.status().code() != Error::kNodeExists) return r.status();
    return Status();
  }

  Status Publish(const std::string& path, const RebalancePlan& plan) {
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

  // Reads the configuration and records each universe server's line.
  Status ReadConfig() {
    Result<ConfigResult> cfg = Call<ConfigResult>("getConfig", [this](Callback<ConfigResult> cb) {
      return op->GetConfig({}, std::move(cb));
    });
    if (!cfg.ok()) return cfg.status();
    members.clear();
    for (const ConfigLine& c : ParseConfigLines(cfg->text)) {
      if (c.id == leader_id && leader_id != 0) {
        ConfigLine quiet = c;
        quiet.client.clear();
        leader_line = LineOf(quiet, false);
        continue;
      }
      Result<HostPort> client = ParseServerAddress(c.client);
      if (!client.ok()) continue;
      for (size_t k = 0; k < addrs.size(); ++k) {
        const bool any_host = client->host == "0.0.0.0" || client->host == "::";
        if (addrs[k].port == client->port && (any_host || addrs[k].host == client->host)) {
          lines[k] = c;
          observer[k] = c.observer;
          members.push_back(k);
        }
      }
    }
    return Status();
  }

  // A reconfig to `next` (universe indices; `obs`: those to be observers).
  // Returns the new configuration's version, or 0 if nothing changed.
  Result<int64_t> Reconfigure(const std::vector<size_t>& next, const std::set<size_t>& obs,
                              bool bulk, bool force = false) {
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
      const std::string line = LineOf(it->second, o);
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
    Result<ConfigResult> r = Call<ConfigResult>(
        "reconfig",
        [this, &spec](Callback<ConfigResult> cb) { return op->Reconfig(spec, std::move(cb)); });
    if (!r.ok()) return r.status();
    members = next;
    for (size_t k : next) observer[k] = obs.count(k) != 0;
    return r->version;
  }

  // Every client (but lost ones) follows configuration `version`.
  bool Tracked(int64_t version) const {
    for (const auto& c : clients) {
      if (!Lost(*c) && c->tracked_config_version() < version) return false;
    }
    return true;
  }
};

// Resolves a step's "server" (or "busiest") to a universe index.
Result<size_t> ServerOf(const Run& run, const Json& js, const std::string& where) {
  if (!js.contains("server") || !js["server"].is_string()) {
    return BadArg(where + ": no \"server\"");
  }
  const std::string name = js["server"];
  if (name == kBusiest) {
    const std::vector<uint64_t> c = run.MemberCounts(run.Where());
    if (c.empty()) return BadArg(where + ": no server in the configuration");
    return run.members[size_t(std::max_element(c.begin(), c.end()) - c.begin())];
  }
  const std::string canon = Canonical(name);
  for (size_t k = 0; k < run.names.size(); ++k) {
    if (run.names[k] == canon) return k;
  }
  return BadArg(fmt::format("{}: server {} is not one of the scenario's", where, name));
}

class PolicyRun {
 public:
  PolicyRun(const ScenarioPolicy& p, size_t pi, const EndToEndOptions& o,
            const ProgressFn& progress)
      : p_(p), pi_(pi), o_(o), progress_(progress) {}

  Result<PolicyResult> Go() {
    if (uv_loop_init(&run_.loop) != 0) return Fail("uv_loop_init failed");
    Status st = Setup();
    PolicyResult pr;
    if (st.ok()) st = Start(&pr);
    for (size_t si = 0; st.ok() && si < p_.steps.size(); ++si) {
      Result<StepResult> s = Step(si);
      if (!s.ok()) {
        st = s.status();
        break;
      }
      pr.total_movers += s->movers;
      pr.total_min_movers += s->min_movers;
      pr.steps.push_back(std::move(*s));
      if (progress_) progress_(pi_, si + 1, p_.steps.size());
    }
    Teardown();
    if (!st.ok()) return st;
    pr.policy = p_.name;
    pr.failover = FailoverPolicyName(p_.options.provider.failover);
    pr.migration = MigrationPolicyName(p_.options.provider.migration);
    pr.failover_jitter_ms = p_.options.provider.failover_jitter.count();
    pr.migration_jitter_ms = p_.options.migration_jitter.count();
    return pr;
  }

 private:
  bool NeedsPlans() const {
    for (const Json& s : p_.steps) {
      const std::string op = Str(s, "op");
      if (op == "plan" || op == "exact-plan") return true;
    }
    return false;
  }

  Status Setup() {
    run_.policy = &p_;
    run_.options = &o_;
    run_.names = Universe(p_);
    run_.jitter = p_.options.migration_jitter;
    const size_t m = run_.names.size();
    if (o_.ensemble.empty()) {
      run_.sim = std::make_unique<sim::SimServer>();
      sim::SimOptions so;
      // One more voter, the leader (the highest id), without a client
      // address: the model has no leader, and a step that kills or removes
      // zksim's leader would drop every client.
      so.servers = int(m) + 1;
      run_.leader_id = int64_t(m) + 1;
      so.seed = p_.options.seed;
      so.skip_acl = true;  // the operator's reconfig needs no super user
      if (Status st = run_.sim->Start(&run_.loop, so); !st.ok()) {
        run_.sim.reset();
        return Fail(fmt::format("zksim: {}", st.ToString()));
      }
      const std::vector<int> ports = run_.sim->ClientPorts();
      for (size_t k = 0; k < m; ++k) {
        run_.addrs.push_back(HostPort{"127.0.0.1", uint16_t(ports[k])});
        run_.sim_ids.push_back(int64_t(k + 1));
      }
    } else {
      Result<wire::ConnectString> cs = wire::ParseConnectString(o_.ensemble);
      if (!cs.ok()) return BadArg(fmt::format("--ensemble: {}", cs.status().message()));
      for (size_t k = 0; k < m; ++k) run_.addrs.push_back(cs->hosts[k]);
    }
    run_.observer.assign(m, 0);
    run_.up.assign(m, 1);
    std::string all;
    for (const HostPort& h : run_.addrs) all += (all.empty() ? "" : ",") + h.ToString();
    ClientOptions oo;
    oo.connect_string = all;
    oo.track_ensemble = false;
    oo.session_timeout = Ms(30000);
    oo.random_seed = DeriveSeed(p_.options.seed, 0x0BE7A7) | 1;
    oo.logger = Logger::Null();
    Result<std::shared_ptr<Client>> op = Client::Create(&run_.loop, oo);
    if (!op.ok()) return op.status();
    run_.op = *op;
    if (!o_.auth.empty()) {
      Status a = run_.CallStatus("addauth", [this](StatusCallback cb) {
        return run_.op->AddAuth("digest", o_.auth, std::move(cb));
      });
      if (!a.ok()) return a;
    }
    if (Status s = run_.ReadConfig(); !s.ok()) return s;
    // The first configuration of the policy.
    std::vector<size_t> first;
    for (size_t k = 0; k < p_.options.servers.size(); ++k) first.push_back(k);
    Result<int64_t> v =
        run_.Reconfigure(first, {}, /*bulk=*/true, /*force=*/!run_.leader_line.empty());
    if (!v.ok()) return Fail(fmt::format("the first configuration: {}", v.status().message()));
    if (Status s = run_.EnsureNode("/zkbalance"); !s.ok()) return s;
    // A plan that moves nobody, so that the clients find the plan znodes
    // (and set data watches on them) when they connect.
    RebalancePlan none;
    none.version = ++run_.plan_version;
    for (size_t k : run_.members) none.servers.push_back(PlanServer{run_.addrs[k], 0, 0, 0, 0});
    for (const char* path : {kPlanPath, kPlacePath}) {
      if (Status s = run_.Publish(path, none); !s.ok()) return s;
    }
    return Status();
  }

  Status Start(PolicyResult* pr) {
    const bool placed = !p_.options.initial_counts.empty();
    const bool plans = NeedsPlans();
    SplitMix64 follow(DeriveSeed(p_.options.seed, 0xF011));
    std::string first;
    for (size_t k : run_.members) first += (first.empty() ? "" : ",") + run_.addrs[k].ToString();
    for (uint32_t i = 0; i < p_.options.clients; ++i) {
      const bool f = follow.NextDouble() < p_.options.follower_fraction;
      run_.follower.push_back(f);
      ClientOptions co;
      co.connect_string = first;
      co.track_ensemble = true;
      co.tracking_jitter = run_.jitter;
      co.plan_path = f && (plans || placed) ? kPlanPath : (placed ? kPlacePath : "");
      co.session_timeout = Ms(30000);
      co.random_seed = DeriveSeed(p_.options.seed, i) | 1;  // 0 would mean "random"
      co.logger = Logger::Null();
      co.host_provider = p_.options.provider;  // the policy's failover and migration
      Result<std::shared_ptr<Client>> c = Client::Create(&run_.loop, co);
      if (!c.ok()) return c.status();
      run_.clients.push_back(*c);
    }
    run_.run_start = Clock::now();
    run_.BeginStep();
    if (Status st = run_.Settle(); !st.ok()) return Status(st.code(), "start: " + st.message());
    for (const auto& c : run_.clients) run_.session_ids.push_back(c->session_id());
    if (placed) {
      if (Status s = Place(); !s.ok()) return s;
    }
    pr->start = run_.Report(placed ? "placed start" : "natural start", "start", {});
    pr->start.settle_ms = run_.SettleMs();
    pr->start.peak_connects_per_s = PeakPerSecond(run_.buckets);
    pr->start.time_ms = 0;
    pr->start.series = std::move(run_.series);
    return Status();
  }

  // Moves each client to its server of initial_counts by a plan naming it:
  // those already there stay, the others fill the remaining places.
  Status Place() {
    const std::vector<uint64_t>& want = p_.options.initial_counts;
    const std::vector<int> w = run_.Where();
    std::vector<uint64_t> left = want;
    std::vector<int> assigned(w.size(), -1);
    for (size_t i = 0; i < w.size(); ++i) {
      const int k = w[i];
      if (k >= 0 && size_t(k) < left.size() && left[size_t(k)] > 0) {
        --left[size_t(k)];
        assigned[i] = k;
      }
    }
    size_t next = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      if (assigned[i] >= 0) continue;
      while (next < left.size() && left[next] == 0) ++next;
      if (next == left.size()) return Fail("placed start: more clients than initial_counts");
      --left[next];
      assigned[i] = int(next);
    }
    RebalancePlan plan;
    plan.version = ++run_.plan_version;
    const std::vector<uint64_t> counts = run_.MemberCounts(w);
    for (size_t j = 0; j < run_.members.size(); ++j) {
      PlanServer ps;
      ps.server = run_.addrs[run_.members[j]];
      ps.load = double(counts[j]);
      ps.target = double(want[j]);
      plan.servers.push_back(ps);
    }
    for (size_t i = 0; i < w.size(); ++i) {
      if (assigned[i] != w[i]) {
        plan.sessions.push_back(
            SessionMove{uint64_t(run_.session_ids[i]), run_.addrs[size_t(assigned[i])]});
      }
    }
    std::sort(
        plan.sessions.begin(), plan.sessions.end(),
        [](const SessionMove& a, const SessionMove& b) { return a.session_id < b.session_id; });
    if (Status s = plan.Validate(); !s.ok()) return Fail("placed start: " + s.message());
    if (Status s = run_.Publish(kPlanPath, plan); !s.ok()) return s;
    if (Status s = run_.Publish(kPlacePath, plan); !s.ok()) return s;
    Status t = run_.Settle([this, &assigned] { return run_.Where() == assigned; }, run_.jitter);
    if (!t.ok()) {
      const std::vector<int> now = run_.Where();
      size_t off = 0;
      for (size_t i = 0; i < now.size(); ++i) off += now[i] != assigned[i];
      return Status(t.code(),
                    fmt::format("placed start: {} of {} clients not on their server ({} named "
                                "moves; counts {}): {}",
                                off, now.size(), plan.sessions.size(),
                                fmt::join(run_.MemberCounts(now), "/"), t.message()));
    }
    return Status();
  }

  Result<StepResult> Step(size_t si) {
    const Json& js = p_.steps[si];
    const std::string op = Str(js, "op");
    const std::string where = StepName(js, si);
    auto fail = [&where](const Status& s) {
      return Status(s.code(), fmt::format("{}: {}", where, s.message()));
    };
    std::optional<size_t> server;
    if (op == "crash" || op == "recover" || op == "restart" || op == "shed") {
      Result<size_t> k = ServerOf(run_, js, where);
      if (!k.ok()) return k.status();
      server = *k;
    }
    std::string label = Str(js, "label");
    if (label.empty()) label = server ? fmt::format("{} {}", op, run_.names[*server]) : op;
    run_.BeginStep();
    const std::vector<int> before = run_.Where();
    const std::vector<uint64_t> counts_before = run_.MemberCounts(before);
    uint64_t min_movers = 0;
    uint64_t shed = 0;
    auto settle_once = [&](const std::function<bool()>& ready = {}, Ms min = Ms(0)) {
      return run_.Settle(ready, min);
    };
    if (op == "crash" || op == "restart") {
      const size_t k = *server;
      min_movers = uint64_t(std::count(before.begin(), before.end(), int(k)));
      if (Status s = run_.Kill(k); !s.ok()) return fail(s);
      if (Status s = settle_once(); !s.ok()) return fail(s);
    }
    if (op == "recover" || op == "restart") {
      if (Status s = run_.Start(*server); !s.ok()) return fail(s);
      if (Status s = settle_once(); !s.ok()) return fail(s);
    } else if (op == "shed") {
      min_movers = run_.MinMovers(counts_before, run_.UpWeights());
      const int count = js.contains("count") ? js["count"].get<int>() : -1;
      const int target = js.contains("target") ? js["target"].get<int>() : -1;
      const double fraction = js.value("fraction", 0.0);
      const int64_t window = js.value("window_ms", int64_t{0});
      Result<uint64_t> n = run_.Shed(*server, fraction, count, target, window);
      if (!n.ok()) return fail(n.status());
      shed = *n;
      if (Status s = settle_once({}, Ms(window)); !s.ok()) return fail(s);
    } else if (op == "wait") {
      const Json ms = js.value("ms", Json(5000));
      if (!ms.is_number_integer() || ms.get<int64_t>() < 0 || ms.get<int64_t>() > 86400000) {
        return BadArg(
            fmt::format("{}: wait: ms: {} is not an integer in [0, 86400000]", where, ms.dump()));
      }
      if (Status s = settle_once({}, Ms(ms.get<int64_t>())); !s.ok()) return fail(s);
    } else if (op == "reconfigure") {
      std::vector<size_t> next;
      std::set<size_t> obs;
      for (const Json& x : js.value("servers", Json::array())) {
        Result<size_t> k = ServerOf(run_, Json{{"server", x}}, where);
        if (!k.ok()) return k.status();
        next.push_back(*k);
      }
      for (const Json& x : js.value("observers", Json::array())) {
        Result<size_t> k = ServerOf(run_, Json{{"server", x}}, where);
        if (!k.ok()) return k.status();
        obs.insert(*k);
      }
      // As the model: the old counts on the new list, the removed servers'
      // clients in one more bucket that must move.
      std::vector<uint64_t> mapped(next.size() + 1, 0);
      std::vector<double> weights(next.size() + 1, 0.0);
      for (size_t j = 0; j < next.size(); ++j) weights[j] = run_.up[next[j]] ? 1.0 : 0.0;
      for (int k : before) {
        if (k < 0) continue;
        auto it = std::find(next.begin(), next.end(), size_t(k));
        ++mapped[it == next.end() ? next.size() : size_t(it - next.begin())];
      }
      min_movers = run_.MinMovers(mapped, weights);
      if (p_.options.provider.migration == MigrationPolicy::kLoadAware) run_.HintLoads();
      Result<int64_t> v = run_.Reconfigure(next, obs, js.value("mode", "incremental") == "bulk");
      if (!v.ok()) return fail(v.status());
      const int64_t version = *v;
      if (Status s = settle_once([this, version] { return run_.Tracked(version); }); !s.ok()) {
        return fail(s);
      }
    } else if (op == "plan") {
      min_movers = run_.MinMovers(counts_before, run_.UpWeights());
      const uint32_t passes = js.value("passes", 1u);
      for (uint32_t pass = 0; pass < passes; ++pass) {
        const std::vector<uint64_t> c = run_.MemberCounts(run_.Where());
        if (pass > 0 && run_.MinMovers(c, run_.UpWeights()) == 0) break;
        std::vector<ServerLoad> loads;
        for (size_t j = 0; j < run_.members.size(); ++j) {
          loads.push_back(ServerLoad{run_.addrs[run_.members[j]], c[j]});
        }
        Result<RebalancePlan> plan =
            ComputeLoadAwarePlan(++run_.plan_version, loads, run_.UpWeights());
        if (!plan.ok()) return fail(plan.status());
        if (Status s = run_.Publish(kPlanPath, *plan); !s.ok()) return fail(s);
        if (Status s = settle_once({}, run_.jitter + Ms(300)); !s.ok()) return fail(s);
      }
    } else if (op == "exact-plan") {
      min_movers = run_.MinMovers(counts_before, run_.UpWeights());
      std::vector<ServerSessions> sessions(run_.members.size());
      for (size_t j = 0; j < run_.members.size(); ++j) {
        sessions[j].server = run_.addrs[run_.members[j]];
        sessions[j].connections = counts_before[j];
      }
      for (size_t i = 0; i < before.size(); ++i) {
        auto it =
            std::find(run_.members.begin(), run_.members.end(), size_t(std::max(before[i], 0)));
        if (before[i] < 0 || it == run_.members.end() || !run_.follower[i]) continue;
        sessions[size_t(it - run_.members.begin())].followers.push_back(
            uint64_t(run_.clients[i]->session_id()));
      }
      Result<RebalancePlan> plan =
          ComputeExactPlan(++run_.plan_version, sessions, run_.UpWeights());
      if (!plan.ok()) return fail(plan.status());
      if (Status s = run_.Publish(kPlanPath, *plan); !s.ok()) return fail(s);
      // What followers cannot move, the operator sheds.
      for (const ShedRequest& req : plan->shed) {
        const int k = run_.IndexOf(req.server);
        if (k < 0 || req.count == 0) continue;
        Result<uint64_t> n = run_.Shed(size_t(k), 0, int(req.count), -1, 0);
        if (!n.ok()) return fail(n.status());
        shed += *n;
      }
      if (Status s = settle_once({}, run_.jitter + Ms(300)); !s.ok()) return fail(s);
    } else if (op != "crash") {
      return BadArg(fmt::format("{}: op \"{}\" cannot run end to end", where, op));
    }
    StepResult s = run_.Report(label, op, before);
    s.min_movers = min_movers;
    s.shed = shed;
    s.settle_ms = run_.SettleMs();
    run_.Sample();
    s.attempts = 0;
    for (uint64_t b : run_.buckets) s.attempts += b;
    s.peak_connects_per_s = PeakPerSecond(run_.buckets);
    s.time_ms = run_.StepTimeMs();
    s.series = std::move(run_.series);
    s.t = p_.t[si];
    s.inserted = p_.inserted[si] != 0;
    return s;
  }

  // Closes every session, stops the ensemble, drains the loop.
  void Teardown() {
    std::vector<std::shared_ptr<Client>> all = run_.clients;
    if (run_.op) all.push_back(run_.op);
    size_t open = all.size();
    for (auto& c : all) {
      c->Close([&open, loop = &run_.loop] {
        if (--open == 0) uv_stop(loop);
      });
    }
    if (open > 0) {
      // Bounded: a session whose server is gone closes on its own timeout.
      uv_timer_t guard;
      uv_timer_init(&run_.loop, &guard);
      uv_timer_start(
          &guard, [](uv_timer_t* t) { uv_stop(t->loop); }, 10000, 0);
      uv_run(&run_.loop, UV_RUN_DEFAULT);
      uv_close(reinterpret_cast<uv_handle_t*>(&guard), nullptr);
    }
    all.clear();
    run_.clients.clear();
    run_.op.reset();
    if (run_.sim) run_.sim->Stop();
    uv_run(&run_.loop, UV_RUN_DEFAULT);
    uv_loop_close(&run_.loop);
  }

  const ScenarioPolicy& p_;
  size_t pi_;
  const EndToEndOptions& o_;
  const ProgressFn& progress_;
  Run run_;
};

}  // namespace

Status CheckEndToEnd(const Scenario& scenario, const EndToEndOptions& options) {
  if (options.ensemble.empty()) return Status();
  Result<wire::ConnectString> cs = wire::ParseConnectString(options.ensemble);
  if (!cs.ok()) return BadArg(fmt::format("--ensemble: {}", cs.status().message()));
  for (const ScenarioPolicy& p : scenario.policies) {
    const size_t m = Universe(p).size();
    if (m > cs->hosts.size()) {
      return BadArg(fmt::format("policy {} names {} servers; the ensemble has {}", p.name, m,
                                cs->hosts.size()));
    }
    if (!options.hook.empty()) continue;
    for (size_t si = 0; si < p.steps.size(); ++si) {
      const std::string op = Str(p.steps[si], "op");
      if (ServerSide(op)) {
        return BadArg(fmt::format(
            "policy {}: {}: \"{}\" needs the server side, which a real ensemble does not give the "
            "client; pass --hook SCRIPT (called as SCRIPT kill|start|shed <host:port> <k> ...)",
            p.name, StepName(p.steps[si], si), op));
      }
    }
  }
  return Status();
}

Result<ExperimentResult> RunEndToEnd(const Scenario& scenario, const EndToEndOptions& options,
                                     std::vector<std::string>* notes, const ProgressFn& progress) {
  (void)notes;
  if (Status s = CheckEndToEnd(scenario, options); !s.ok()) return s;
  ExperimentResult out;
  out.scenario = scenario.name;
  out.description = scenario.description;
  out.mode = options.ensemble.empty() ? "end-to-end" : "end-to-end (real ensemble)";
  out.seed = scenario.seed;
  out.clients = scenario.clients;
  for (size_t pi = 0; pi < scenario.policies.size(); ++pi) {
    const ScenarioPolicy& p = scenario.policies[pi];
    PolicyRun run(p, pi, options, progress);
    Result<PolicyResult> r = run.Go();
    if (!r.ok()) {
      return Status(r.status().code(),
                    fmt::format("end to end: policy {}: {}", p.name, r.status().message()));
    }
    out.policies.push_back(std::move(*r));
  }
  return out;
}

Result<ExperimentResult> RunEndToEnd(const Scenario& scenario, std::vector<std::string>* notes,
                                     const ProgressFn& progress) {
  return RunEndToEnd(scenario, EndToEndOptions{}, notes, progress);
}

}  // namespace zk::experiments
