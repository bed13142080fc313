#include "zk/hostprovider/model_simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model_trace.h"
#include "zk/hostprovider/exact_plan.h"
#include "zk/hostprovider/rebalance_plan.h"

namespace zk {
namespace {

// Passes over the list a client makes before it stays disconnected.
constexpr uint32_t kMaxPasses = 3;

Status Bad(std::string message) { return Status(Error::kBadArguments, std::move(message)); }

// A SplitMix64 over a client's stored state, written back on destruction.
class ClientRandom {
 public:
  explicit ClientRandom(uint64_t* state) : state_(state), random_(*state) {}
  ~ClientRandom() { *state_ = random_.state(); }
  ClientRandom(const ClientRandom&) = delete;
  ClientRandom& operator=(const ClientRandom&) = delete;
  RandomSource& get() { return random_; }

 private:
  uint64_t* state_;
  SplitMix64 random_;
};

}  // namespace

ModelSimulator::ModelSimulator(ModelOptions options) : options_(std::move(options)) {}

Result<ModelSimulator> ModelSimulator::Create(ModelOptions options) {
  if (options.clients == 0) return Bad("the model needs at least one client");
  if (!(options.follower_fraction >= 0 && options.follower_fraction <= 1)) {
    return Bad(fmt::format("follower_fraction {} is not in [0, 1]", options.follower_fraction));
  }
  if (options.migration_jitter.count() < 0) {
    return Bad(fmt::format("migration_jitter {} ms is negative", options.migration_jitter.count()));
  }
  if (options.sample_period.count() <= 0) {
    return Bad(fmt::format("sample_period {} ms is not positive", options.sample_period.count()));
  }
  Result<ServerList> list = ServerList::Create(options.servers);
  if (!list.ok()) return list.status();
  if (!options.initial_counts.empty()) {
    if (options.initial_counts.size() != list->size()) {
      return Bad(fmt::format("{} initial counts for {} distinct servers",
                             options.initial_counts.size(), list->size()));
    }
    const uint64_t sum =
        std::accumulate(options.initial_counts.begin(), options.initial_counts.end(), uint64_t{0});
    if (sum != options.clients) {
      return Bad(fmt::format("initial counts sum to {}, not {} clients", sum, options.clients));
    }
  }
  ModelSimulator sim(std::move(options));
  sim.list_ = std::move(list).value();
  sim.Start();
  return sim;
}

void ModelSimulator::Start() {
  const uint32_t n = list_.size();
  ctx_ = ProviderContext{};
  ctx_.options = options_.provider;
  ctx_.size = n;
  up_.assign(n, 1);
  counts_.assign(n, 0);
  sim_random_ = DeriveSeed(options_.seed, ~uint64_t{0});
  timing_random_ = DeriveSeed(options_.seed, ~uint64_t{0} - 1);
  now_ms_ = 0;
  clients_.assign(options_.clients, Client{});
  follower_.assign(options_.clients, 1);
  if (options_.follower_fraction < 1.0) {
    SplitMix64 r(sim_random_);
    for (uint8_t& f : follower_) f = r.Bernoulli(options_.follower_fraction) ? 1 : 0;
    sim_random_ = r.state();
  }
  uint64_t attempts = 0;
  uint32_t placed_server = 0;
  uint64_t placed_left = options_.initial_counts.empty() ? 0 : options_.initial_counts[0];
  for (uint32_t k = 0; k < options_.clients; ++k) {
    Client& c = clients_[k];
    c.random = DeriveSeed(options_.seed, k);
    {
      ClientRandom r(&c.random);
      core::Init(c.state, r.get());
    }
    if (options_.initial_counts.empty()) {
      int64_t t = 0;  // the first connect has no delay
      Connect(c, &attempts, &t);
      continue;
    }
    while (placed_left == 0) placed_left = options_.initial_counts[++placed_server];
    --placed_left;
    ConnectTo(c, placed_server, &attempts);
  }
  start_report_ = Report(options_.initial_counts.empty() ? "natural start" : "placed start");
  start_report_.attempts = attempts;
  start_report_.min_movers = 0;
  start_report_.balanced_start_min_movers = 0;
  // The start is the state at time 0 (a placed start's attempts are a way
  // of placing, not events).
  Finish(ModelTrace(counts_, start_report_.disconnected), &start_report_);
}

bool ModelSimulator::Connect(Client& c, uint64_t* attempts, int64_t* t) {
  ClientRandom r(&c.random);
  const uint32_t limit = kMaxPasses * ctx_.size;
  for (uint32_t a = 0; a < limit; ++a) {
    const NextChoice choice = core::Next(c.state, ctx_, r.get());
    *t += choice.delay.count();
    ++*attempts;
    if (up_[choice.server]) {
      core::OnConnected(c.state);
      ++counts_[choice.server];
      return true;
    }
  }
  return false;
}

bool ModelSimulator::ConnectTo(Client& c, uint32_t server, uint64_t* attempts) {
  ClientRandom r(&c.random);
  const uint32_t limit = kMaxPasses * ctx_.size;
  for (uint32_t a = 0; a < limit; ++a) {
    const NextChoice choice = core::Next(c.state, ctx_, r.get());
    ++*attempts;
    if (choice.server == server) {
      core::OnConnected(c.state);
      ++counts_[server];
      return true;
    }
  }
  return false;
}

bool ModelSimulator::Reconnect(Client& c, uint64_t* attempts, int64_t t, ModelTrace* trace) {
  const uint32_t before = c.state.current;
  if (before != kNoServer) {
    --counts_[before];
    trace->Leave(t, before);
  }
  // Next() while connected: the connection is lost.
  if (Connect(c, attempts, &t)) trace->Land(t, c.state.current);
  trace->Attempted(t);
  return c.state.current != before;
}

void ModelSimulator::RetryDisconnected(uint64_t* attempts, int64_t t, ModelTrace* trace) {
  bool any_up = false;
  for (uint8_t u : up_) any_up = any_up || u != 0;
  if (!any_up) return;
  for (Client& c : clients_) {
    if (c.state.current != kNoServer) continue;
    int64_t at = t;
    if (Connect(c, attempts, &at)) trace->Land(at, c.state.current);
    trace->Attempted(at);
  }
}

int64_t ModelSimulator::MigrationDelay() {
  const int64_t jitter = options_.migration_jitter.count();
  if (jitter <= 0) return 0;
  SplitMix64 r(timing_random_);
  const auto d = static_cast<int64_t>(r.Below(static_cast<uint64_t>(jitter) + 1));
  timing_random_ = r.state();
  return d;
}

void ModelSimulator::Finish(const ModelTrace& trace, StepReport* r) {
  r->start_ms = now_ms_;
  r->settle_ms = trace.last_change();
  r->end_ms = now_ms_ + trace.last();
  r->connects = trace.connects();
  r->peak_connects_per_s = trace.PeakPerSecond();
  r->series = trace.Series(now_ms_, options_.sample_period.count());
  if (r->end_ms > r->series.back().time_ms) {  // nothing changes after the settle
    CountsAt last = r->series.back();
    last.time_ms = r->end_ms;
    last.connects = 0;
    r->series.push_back(std::move(last));
  }
  now_ms_ = r->end_ms;
}

void ModelSimulator::RefreshLoadHint() {
  const bool wants = ctx_.options.failover == FailoverPolicy::kLoadAware;
  if (!wants) {
    ctx_.load.clear();
    return;
  }
  ctx_.load.assign(counts_.begin(), counts_.end());
}

uint64_t ModelSimulator::Disconnected() const {
  return options_.clients - std::accumulate(counts_.begin(), counts_.end(), uint64_t{0});
}

StepReport ModelSimulator::Report(std::string label) const {
  StepReport r;
  r.label = std::move(label);
  r.servers = list_.hosts();
  r.counts = counts_;
  r.up = up_;
  r.connected = std::accumulate(counts_.begin(), counts_.end(), uint64_t{0});
  r.disconnected = options_.clients - r.connected;
  const uint64_t max = counts_.empty() ? 0 : *std::max_element(counts_.begin(), counts_.end());
  if (r.connected > 0) {
    r.max_over_mean = static_cast<double>(max) * list_.size() / static_cast<double>(r.connected);
  }
  return r;
}

uint64_t ModelSimulator::MinMoversOverUp(const std::vector<uint64_t>& loads,
                                         const std::vector<uint8_t>& eligible) const {
  std::vector<double> weights(loads.size(), 0.0);
  bool any = false;
  for (size_t i = 0; i < loads.size(); ++i) {
    if (eligible[i]) {
      weights[i] = 1.0;
      any = true;
    }
  }
  if (!any) return 0;
  return MinimumMovers(loads, IntegerTargets(loads, weights));
}

Result<StepReport> ModelSimulator::Run(const ModelStep& step) {
  std::string label = step.label.empty() ? step.DefaultLabel() : step.label;
  switch (step.kind) {
    case ModelStepKind::kReconfigure: {
      Result<ServerList> list = ServerList::Create(step.servers);
      if (!list.ok()) return list.status();
      return DoReconfigure(step, std::move(list).value());
    }
    case ModelStepKind::kPlan:
      if (step.passes == 0) return Bad("a plan step needs passes >= 1");
      return DoPlan(std::move(label), step.passes);
    case ModelStepKind::kExactPlan:
      return DoExactPlan(std::move(label));
    case ModelStepKind::kWait:
      if (step.duration.count() < 0) {
        return Bad(fmt::format("wait {} ms is negative", step.duration.count()));
      }
      return DoWait(step.duration, std::move(label));
    default:
      break;
  }
  const uint32_t server = list_.IndexOf(step.server);
  if (server == kNoServer) return Bad(fmt::format("{} is not in the ensemble", step.server));
  switch (step.kind) {
    case ModelStepKind::kCrash:
      return DoCrash(server, std::move(label), /*recover=*/false);
    case ModelStepKind::kRestart:
      return DoCrash(server, std::move(label), /*recover=*/true);
    case ModelStepKind::kRecover:
      return DoRecover(server, std::move(label));
    case ModelStepKind::kShed:
      if (!(step.fraction >= 0 && step.fraction <= 1)) {
        return Bad(fmt::format("shed fraction {} is not in [0, 1]", step.fraction));
      }
      return DoShed(server, step.fraction, std::move(label));
    default:
      return Bad("unknown step");
  }
}

Result<std::vector<StepReport>> ModelSimulator::RunAll(const std::vector<ModelStep>& steps) {
  std::vector<StepReport> reports;
  reports.reserve(steps.size());
  for (const ModelStep& s : steps) {
    Result<StepReport> r = Run(s);
    if (!r.ok()) return r.status();
    reports.push_back(std::move(r).value());
  }
  return reports;
}

StepReport ModelSimulator::DoReconfigure(const ModelStep& step, ServerList new_list) {
  const std::string label = step.label.empty() ? step.DefaultLabel() : step.label;
  const ListChange change = DiffLists(list_, new_list);
  const uint64_t connected_before = std::accumulate(counts_.begin(), counts_.end(), uint64_t{0});
  if (change.SameSet()) {  // HostProvider::UpdateServerList: a no-op
    StepReport r = Report(label);
    r.balanced_start_min_movers = 0;
    Finish(ModelTrace(counts_, r.disconnected), &r);
    return r;
  }
  RefreshLoadHint();

  const uint32_t n_new = new_list.size();
  ProviderContext new_ctx;
  new_ctx.options = ctx_.options;
  new_ctx.size = n_new;
  new_ctx.rules = PaperProbabilities(change);
  new_ctx.is_added = change.is_added;
  std::vector<uint8_t> new_up(n_new, 1);
  std::vector<uint64_t> mapped(n_new + 1, 0);  // old counts on the new list; [n_new]: removed
  std::vector<uint8_t> eligible(n_new + 1, 0);
  for (uint32_t i = 0; i < list_.size(); ++i) {
    const uint32_t j = change.old_to_new[i];
    if (j == kNoServer) {
      mapped[n_new] += counts_[i];
    } else {
      mapped[j] = counts_[i];
      new_up[j] = up_[i];
    }
  }
  for (uint32_t j = 0; j < n_new; ++j) eligible[j] = new_up[j];
  if (!ctx_.load.empty()) {
    new_ctx.load.assign(n_new, 0);
    for (uint32_t i = 0; i < list_.size(); ++i) {
      if (change.old_to_new[i] != kNoServer) new_ctx.load[change.old_to_new[i]] = ctx_.load[i];
    }
  }
  if (ctx_.options.migration == MigrationPolicy::kLoadAware) {
    // The plan an operator tool would publish with the new configuration,
    // from the counts (the same computation as HostProvider's).
    std::vector<ServerLoad> loads;
    std::vector<double> weights;
    for (uint32_t i = 0; i < list_.size(); ++i) {
      loads.push_back(ServerLoad{list_.at(i), counts_[i]});
      const uint32_t j = change.old_to_new[i];
      weights.push_back(j != kNoServer && new_up[j] ? 1.0 : 0.0);
    }
    for (uint32_t j = 0; j < n_new; ++j) {
      if (!change.is_added[j]) continue;
      loads.push_back(ServerLoad{new_list.at(j), 0});
      weights.push_back(1.0);
    }
    Result<RebalancePlan> plan = ComputeLoadAwarePlan(++plan_version_, loads, weights);
    if (plan.ok()) ProjectPlan(plan.value(), new_list, &new_ctx.plan_move, &new_ctx.plan_weight);
  }

  const uint64_t min_movers = MinMoversOverUp(mapped, eligible);
  ModelTrace trace(std::vector<uint64_t>(mapped.begin(), mapped.begin() + n_new),
                   mapped[n_new] + (options_.clients - connected_before));
  std::vector<uint64_t> new_counts(n_new, 0);
  std::swap(ctx_, new_ctx);  // ctx_ is now the new context; new_ctx the old
  up_ = std::move(new_up);
  counts_ = std::move(new_counts);

  uint64_t attempts = 0;
  uint64_t movers = 0;
  for (Client& c : clients_) {
    const uint32_t cur_old = c.state.current;
    const uint32_t cur_new = cur_old == kNoServer ? kNoServer : change.old_to_new[cur_old];
    bool move;
    {
      ClientRandom r(&c.random);
      move = core::UpdateServerList(c.state, new_ctx, change, ctx_, cur_old, cur_new, r.get());
    }
    if (!move && c.state.current != kNoServer) {
      ++counts_[c.state.current];
      continue;
    }
    if (!move && cur_old == kNoServer) continue;  // retried below with the others
    // The client applies the change after its migration delay; if it was
    // connected, it leaves its server then.
    int64_t t = MigrationDelay();
    if (cur_old != kNoServer) trace.Leave(t, cur_new);
    if (Connect(c, &attempts, &t)) trace.Land(t, c.state.current);
    trace.Attempted(t);
    if (cur_old != kNoServer && c.state.current != cur_new) ++movers;
  }
  list_ = std::move(new_list);
  RetryDisconnected(&attempts, trace.last(), &trace);

  StepReport r = Report(label);
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers =
      BalancedStartMinimumMovers(change, static_cast<double>(connected_before));
  r.attempts = attempts;
  Finish(trace, &r);
  return r;
}

StepReport ModelSimulator::DoCrash(uint32_t server, std::string label, bool recover) {
  RefreshLoadHint();
  std::vector<uint8_t> eligible = up_;
  eligible[server] = 0;
  const uint64_t min_movers = MinMoversOverUp(counts_, eligible);
  ModelTrace trace(counts_, Disconnected());
  up_[server] = 0;
  uint64_t attempts = 0;
  uint64_t movers = 0;
  for (Client& c : clients_) {
    if (c.state.current != server) continue;
    if (Reconnect(c, &attempts, 0, &trace) && c.state.current != kNoServer) ++movers;
  }
  // A restarted server is back when its clients have settled.
  if (recover) up_[server] = 1;
  RetryDisconnected(&attempts, trace.last(), &trace);
  StepReport r = Report(std::move(label));
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers = static_cast<double>(min_movers);
  r.attempts = attempts;
  Finish(trace, &r);
  return r;
}

StepReport ModelSimulator::DoRecover(uint32_t server, std::string label) {
  ModelTrace trace(counts_, Disconnected());
  up_[server] = 1;
  uint64_t attempts = 0;
  RetryDisconnected(&attempts, 0, &trace);
  StepReport r = Report(std::move(label));
  r.attempts = attempts;
  Finish(trace, &r);
  return r;
}

StepReport ModelSimulator::DoWait(std::chrono::milliseconds duration, std::string label) {
  ModelTrace trace(counts_, Disconnected());
  trace.Attempted(duration.count());  // nothing happens; time passes
  StepReport r = Report(std::move(label));
  r.balanced_start_min_movers = 0;
  Finish(trace, &r);
  return r;
}

StepReport ModelSimulator::DoPlan(std::string label, uint32_t passes) {
  RefreshLoadHint();
  const uint64_t min_movers = MinMoversOverUp(counts_, up_);
  ModelTrace trace(counts_, Disconnected());
  uint64_t attempts = 0;
  uint64_t movers = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) {
    // Each pass is published when the previous one has settled.
    const int64_t published = trace.last();
    if (pass > 0 && MinMoversOverUp(counts_, up_) == 0) break;  // balanced: nothing to publish
    std::vector<ServerLoad> loads;
    std::vector<double> weights;
    for (uint32_t i = 0; i < list_.size(); ++i) {
      loads.push_back(ServerLoad{list_.at(i), counts_[i]});
      weights.push_back(up_[i] ? 1.0 : 0.0);
    }
    Result<RebalancePlan> plan = ComputeLoadAwarePlan(++plan_version_, loads, weights);
    if (!plan.ok()) break;
    ProjectPlan(plan.value(), list_, &ctx_.plan_move, &ctx_.plan_weight);
    for (uint32_t k = 0; k < clients_.size(); ++k) {
      Client& c = clients_[k];
      if (!follower_[k] || c.state.current == kNoServer) continue;
      if (c.state.plan_version >= plan_version_) continue;
      c.state.plan_version = plan_version_;
      const uint32_t before = c.state.current;
      bool move;
      {
        ClientRandom r(&c.random);
        move = core::FollowPlan(c.state, ctx_, ctx_, before, kNoServer, r.get());
      }
      if (move && Reconnect(c, &attempts, published + MigrationDelay(), &trace) &&
          c.state.current != kNoServer) {
        ++movers;
      }
    }
  }
  RetryDisconnected(&attempts, trace.last(), &trace);
  StepReport r = Report(std::move(label));
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers = static_cast<double>(min_movers);
  r.attempts = attempts;
  Finish(trace, &r);
  return r;
}

StepReport ModelSimulator::DoExactPlan(std::string label) {
  RefreshLoadHint();
  const uint32_t n = list_.size();
  // What the operator tool sees: per server, its sessions (session id =
  // client index + 1) and which of them registered as followers.
  std::vector<ServerSessions> sessions(n);
  for (uint32_t i = 0; i < n; ++i) {
    sessions[i].server = list_.at(i);
    sessions[i].connections = counts_[i];
  }
  for (uint32_t k = 0; k < clients_.size(); ++k) {
    const uint32_t s = clients_[k].state.current;
    if (s != kNoServer && follower_[k]) sessions[s].followers.push_back(k + 1);
  }
  std::vector<double> weights(n);
  for (uint32_t i = 0; i < n; ++i) weights[i] = up_[i] ? 1.0 : 0.0;
  const uint64_t min_movers = MinMoversOverUp(counts_, up_);
  ModelTrace trace(counts_, Disconnected());
  Result<RebalancePlan> plan = ComputeExactPlan(++plan_version_, sessions, weights);
  uint64_t attempts = 0;
  uint64_t movers = 0;
  uint64_t shed = 0;
  if (plan.ok()) {
    ProjectPlan(plan.value(), list_, &ctx_.plan_move, &ctx_.plan_weight);
    std::vector<uint32_t> named(clients_.size(), kNoServer);
    for (const SessionMove& m : plan->sessions) named[m.session_id - 1] = list_.IndexOf(m.to);
    for (uint32_t k = 0; k < clients_.size(); ++k) {
      Client& c = clients_[k];
      if (!follower_[k] || c.state.current == kNoServer) continue;
      c.state.plan_version = plan_version_;
      const uint32_t before = c.state.current;
      bool move;
      {
        ClientRandom r(&c.random);
        move = core::FollowPlan(c.state, ctx_, ctx_, before, named[k], r.get());
      }
      if (move && Reconnect(c, &attempts, MigrationDelay(), &trace) &&
          c.state.current != kNoServer) {
        ++movers;
      }
    }
    // The operator sheds what followers could not move: non-followers,
    // chosen at random on the server, when the followers have settled.
    const int64_t shed_at = trace.last();
    SplitMix64 sr(sim_random_);
    for (const ShedRequest& req : plan->shed) {
      const uint32_t s = list_.IndexOf(req.server);
      std::vector<uint32_t> candidates;
      for (uint32_t k = 0; k < clients_.size(); ++k) {
        if (!follower_[k] && clients_[k].state.current == s) candidates.push_back(k);
      }
      const uint64_t count = std::min<uint64_t>(req.count, candidates.size());
      for (uint64_t t = 0; t < count; ++t) {
        std::swap(candidates[t], candidates[t + sr.Below(candidates.size() - t)]);
        if (Reconnect(clients_[candidates[t]], &attempts, shed_at, &trace) &&
            clients_[candidates[t]].state.current != kNoServer) {
          ++movers;
        }
        ++shed;
      }
    }
    sim_random_ = sr.state();
  }
  RetryDisconnected(&attempts, trace.last(), &trace);
  StepReport r = Report(std::move(label));
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers = static_cast<double>(min_movers);
  r.shed = shed;
  r.attempts = attempts;
  Finish(trace, &r);
  return r;
}

StepReport ModelSimulator::DoShed(uint32_t server, double fraction, std::string label) {
  RefreshLoadHint();
  const uint64_t min_movers = MinMoversOverUp(counts_, up_);
  std::vector<uint32_t> on_server;
  for (uint32_t k = 0; k < clients_.size(); ++k) {
    if (clients_[k].state.current == server) on_server.push_back(k);
  }
  const auto count = static_cast<uint64_t>(std::llround(fraction * on_server.size()));
  ModelTrace trace(counts_, Disconnected());
  SplitMix64 sr(sim_random_);
  uint64_t attempts = 0;
  uint64_t movers = 0;
  for (uint64_t t = 0; t < count; ++t) {
    std::swap(on_server[t], on_server[t + sr.Below(on_server.size() - t)]);
    Client& c = clients_[on_server[t]];
    if (Reconnect(c, &attempts, 0, &trace) && c.state.current != kNoServer) ++movers;
  }
  sim_random_ = sr.state();
  RetryDisconnected(&attempts, trace.last(), &trace);
  StepReport r = Report(std::move(label));
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers = static_cast<double>(min_movers);
  r.shed = count;
  r.attempts = attempts;
  Finish(trace, &r);
  return r;
}

}  // namespace zk
