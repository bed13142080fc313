#include "policy_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "zk/client/logger.h"
#include "zk/hostprovider/exact_plan.h"
#include "zk/hostprovider/random_source.h"
#include "zk/wire/connect_string.h"

namespace zk::experiments {
namespace {

constexpr const char* kPlanPath = "/zkbalance/plan";
constexpr const char* kPlacePath = "/zkbalance/place";

Status Fail(std::string what) { return Status(Error::kSystemError, std::move(what)); }
Status BadArg(std::string what) { return Status(Error::kBadArguments, std::move(what)); }

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

// Resolves a step's server (or "busiest") to a universe index.
Result<size_t> ServerOf(const EnsembleDriver& run, const StepServer& s, const std::string& where) {
  if (s.busiest) {
    const std::vector<uint64_t> c = run.MemberCounts(run.Where());
    if (c.empty()) return BadArg(where + ": no server in the configuration");
    return run.members[size_t(std::max_element(c.begin(), c.end()) - c.begin())];
  }
  const std::string name = s.server.ToString();
  for (size_t k = 0; k < run.names.size(); ++k) {
    if (run.names[k] == name) return k;
  }
  return BadArg(fmt::format("{}: server {} is not one of the scenario's", where, name));
}

}  // namespace

std::vector<std::string> Universe(const ScenarioPolicy& p) {
  std::vector<std::string> out;
  auto add = [&out](const std::string& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  for (const HostPort& h : p.options.servers) add(h.ToString());
  for (const ScenarioStep& s : p.steps) {
    if (const auto* r = std::get_if<ReconfigureStep>(&s.action)) {
      for (const HostPort& h : r->servers) add(h.ToString());
    }
  }
  return out;
}

std::string StepName(const ScenarioStep& s, size_t si) {
  std::string label = s.label.empty() ? std::string(s.op()) : s.label;
  const size_t b = label.find_first_not_of(' ');
  return fmt::format("step {} (\"{}\")", si + 1, b == std::string::npos ? label : label.substr(b));
}

Result<PolicyResult> PolicyRun::Go() {
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

bool PolicyRun::NeedsPlans() const {
  for (const ScenarioStep& s : p_.steps) {
    if (std::holds_alternative<PlanStep>(s.action) ||
        std::holds_alternative<ExactPlanStep>(s.action)) {
      return true;
    }
  }
  return false;
}

Status PolicyRun::Setup() {
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

Status PolicyRun::Start(PolicyResult* pr) {
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

Status PolicyRun::Place() {
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
  std::sort(plan.sessions.begin(), plan.sessions.end(),
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

Result<StepResult> PolicyRun::Step(size_t si) {
  const ScenarioStep& step = p_.steps[si];
  const std::string op(step.op());
  const std::string where = StepName(step, si);
  auto fail = [&where](const Status& s) {
    return Status(s.code(), fmt::format("{}: {}", where, s.message()));
  };
  std::optional<size_t> server;
  if (const StepServer* named = step.server()) {
    Result<size_t> k = ServerOf(run_, *named, where);
    if (!k.ok()) return k.status();
    server = *k;
  }
  std::string label = step.label;
  if (label.empty()) label = server ? fmt::format("{} {}", op, run_.names[*server]) : op;
  run_.BeginStep();
  const std::vector<int> before = run_.Where();
  const std::vector<uint64_t> counts_before = run_.MemberCounts(before);
  uint64_t min_movers = 0;
  uint64_t shed = 0;
  auto settle_once = [&](const std::function<bool()>& ready = {}, Ms min = Ms(0)) {
    return run_.Settle(ready, min);
  };
  const StepAction& action = step.action;
  const bool restart = std::holds_alternative<RestartStep>(action);
  if (std::holds_alternative<CrashStep>(action) || restart) {
    const size_t k = *server;
    min_movers = uint64_t(std::count(before.begin(), before.end(), int(k)));
    if (Status s = run_.Kill(k); !s.ok()) return fail(s);
    if (Status s = settle_once(); !s.ok()) return fail(s);
  }
  if (std::holds_alternative<RecoverStep>(action) || restart) {
    if (Status s = run_.Start(*server); !s.ok()) return fail(s);
    if (Status s = settle_once(); !s.ok()) return fail(s);
  } else if (const auto* shed_step = std::get_if<ShedStep>(&action)) {
    min_movers = run_.MinMovers(counts_before, run_.UpWeights());
    const int count = shed_step->count ? int(*shed_step->count) : -1;
    const int target = shed_step->target ? int(*shed_step->target) : -1;
    const double fraction = shed_step->fraction.value_or(0.0);
    const int64_t window = shed_step->window_ms;
    Result<uint64_t> n = run_.Shed(*server, fraction, count, target, window);
    if (!n.ok()) return fail(n.status());
    shed = *n;
    if (Status s = settle_once({}, Ms(window)); !s.ok()) return fail(s);
  } else if (const auto* wait = std::get_if<WaitStep>(&action)) {
    if (Status s = settle_once({}, wait->duration); !s.ok()) return fail(s);
  } else if (const auto* rc = std::get_if<ReconfigureStep>(&action)) {
    std::vector<size_t> next;
    std::set<size_t> obs;
    for (const HostPort& h : rc->servers) {
      Result<size_t> k = ServerOf(run_, StepServer{false, h}, where);
      if (!k.ok()) return k.status();
      next.push_back(*k);
    }
    for (const HostPort& h : rc->observers) {
      Result<size_t> k = ServerOf(run_, StepServer{false, h}, where);
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
    Result<int64_t> v = run_.Reconfigure(next, obs, rc->bulk);
    if (!v.ok()) return fail(v.status());
    const int64_t version = *v;
    if (Status s = settle_once([this, version] { return run_.Tracked(version); }); !s.ok()) {
      return fail(s);
    }
  } else if (const auto* plan_step = std::get_if<PlanStep>(&action)) {
    min_movers = run_.MinMovers(counts_before, run_.UpWeights());
    const uint32_t passes = plan_step->passes;
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
  } else if (std::holds_alternative<ExactPlanStep>(action)) {
    min_movers = run_.MinMovers(counts_before, run_.UpWeights());
    std::vector<ServerSessions> sessions(run_.members.size());
    for (size_t j = 0; j < run_.members.size(); ++j) {
      sessions[j].server = run_.addrs[run_.members[j]];
      sessions[j].connections = counts_before[j];
    }
    for (size_t i = 0; i < before.size(); ++i) {
      auto it = std::find(run_.members.begin(), run_.members.end(), size_t(std::max(before[i], 0)));
      if (before[i] < 0 || it == run_.members.end() || !run_.follower[i]) continue;
      sessions[size_t(it - run_.members.begin())].followers.push_back(
          uint64_t(run_.clients[i]->session_id()));
    }
    Result<RebalancePlan> plan = ComputeExactPlan(++run_.plan_version, sessions, run_.UpWeights());
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
  }  // a crash: done above
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
  s.t = step.t;
  s.inserted = step.inserted;
  return s;
}

void PolicyRun::Teardown() {
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

}  // namespace zk::experiments
