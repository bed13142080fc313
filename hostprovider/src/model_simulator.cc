#include "zk/hostprovider/model_simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

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

std::string_view ModelStepKindName(ModelStepKind k) {
  switch (k) {
    case ModelStepKind::kReconfigure:
      return "reconfigure";
    case ModelStepKind::kCrash:
      return "crash";
    case ModelStepKind::kRecover:
      return "recover";
    case ModelStepKind::kRestart:
      return "restart";
    case ModelStepKind::kPlan:
      return "plan";
    case ModelStepKind::kExactPlan:
      return "exact-plan";
    case ModelStepKind::kShed:
      return "shed";
  }
  return "unknown";
}

std::optional<ModelStepKind> ParseModelStepKind(std::string_view name) {
  for (ModelStepKind k : {ModelStepKind::kReconfigure, ModelStepKind::kCrash,
                          ModelStepKind::kRecover, ModelStepKind::kRestart, ModelStepKind::kPlan,
                          ModelStepKind::kExactPlan, ModelStepKind::kShed}) {
    if (ModelStepKindName(k) == name) return k;
  }
  return std::nullopt;
}

ModelStep ModelStep::Reconfigure(std::vector<HostPort> servers, std::string label) {
  ModelStep s;
  s.kind = ModelStepKind::kReconfigure;
  s.servers = std::move(servers);
  s.label = std::move(label);
  return s;
}

ModelStep ModelStep::Crash(HostPort server) {
  ModelStep s;
  s.kind = ModelStepKind::kCrash;
  s.server = std::move(server);
  return s;
}

ModelStep ModelStep::Recover(HostPort server) {
  ModelStep s;
  s.kind = ModelStepKind::kRecover;
  s.server = std::move(server);
  return s;
}

ModelStep ModelStep::Restart(HostPort server) {
  ModelStep s;
  s.kind = ModelStepKind::kRestart;
  s.server = std::move(server);
  return s;
}

ModelStep ModelStep::Plan(uint32_t passes) {
  ModelStep s;
  s.kind = ModelStepKind::kPlan;
  s.passes = passes;
  return s;
}

ModelStep ModelStep::ExactPlan() {
  ModelStep s;
  s.kind = ModelStepKind::kExactPlan;
  return s;
}

ModelStep ModelStep::Shed(HostPort server, double fraction) {
  ModelStep s;
  s.kind = ModelStepKind::kShed;
  s.server = std::move(server);
  s.fraction = fraction;
  return s;
}

std::string ModelStep::DefaultLabel() const {
  switch (kind) {
    case ModelStepKind::kReconfigure:
      return fmt::format("reconfigure to {} servers", servers.size());
    case ModelStepKind::kShed:
      return fmt::format("shed {:.0f}% of {}", fraction * 100, server);
    case ModelStepKind::kPlan:
      return passes > 1 ? fmt::format("plan ({} passes)", passes) : std::string("plan");
    case ModelStepKind::kExactPlan:
      return std::string(ModelStepKindName(kind));
    default:
      return fmt::format("{} {}", ModelStepKindName(kind), server);
  }
}

double StepReport::MoversOverMinimum() const {
  if (min_movers == 0) return movers == 0 ? 1.0 : std::numeric_limits<double>::infinity();
  return static_cast<double>(movers) / static_cast<double>(min_movers);
}

double StepReport::MoversOverBalancedStartMinimum() const {
  if (balanced_start_min_movers <= 0) {
    return movers == 0 ? 1.0 : std::numeric_limits<double>::infinity();
  }
  return static_cast<double>(movers) / balanced_start_min_movers;
}

std::string StepReport::ToString() const {
  std::string counts_text;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (i > 0) counts_text += '/';
    counts_text += fmt::format("{}{}", counts[i], up[i] ? "" : "(down)");
  }
  return fmt::format(
      "{:<34} counts {}  movers {} min {} (x{:.3f})  balanced-start min {:.0f} (x{:.3f})  "
      "max/mean {:.3f}{}",
      label, counts_text, movers, min_movers, MoversOverMinimum(), balanced_start_min_movers,
      MoversOverBalancedStartMinimum(), max_over_mean,
      disconnected > 0 ? fmt::format("  disconnected {}", disconnected) : std::string());
}

ModelSimulator::ModelSimulator(ModelOptions options) : options_(std::move(options)) {}

Result<ModelSimulator> ModelSimulator::Create(ModelOptions options) {
  if (options.clients == 0) return Bad("the model needs at least one client");
  if (!(options.follower_fraction >= 0 && options.follower_fraction <= 1)) {
    return Bad(fmt::format("follower_fraction {} is not in [0, 1]", options.follower_fraction));
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
      Connect(c, &attempts);
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
}

bool ModelSimulator::Connect(Client& c, uint64_t* attempts) {
  ClientRandom r(&c.random);
  const uint32_t limit = kMaxPasses * ctx_.size;
  for (uint32_t a = 0; a < limit; ++a) {
    const NextChoice choice = core::Next(c.state, ctx_, r.get());
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

bool ModelSimulator::Reconnect(Client& c, uint64_t* attempts) {
  const uint32_t before = c.state.current;
  if (before != kNoServer) --counts_[before];
  Connect(c, attempts);  // Next() while connected: the connection is lost
  return c.state.current != before;
}

void ModelSimulator::RetryDisconnected(uint64_t* attempts) {
  bool any_up = false;
  for (uint8_t u : up_) any_up = any_up || u != 0;
  if (!any_up) return;
  for (Client& c : clients_) {
    if (c.state.current == kNoServer) Connect(c, attempts);
  }
}

void ModelSimulator::RefreshLoadHint() {
  const bool wants = ctx_.options.failover == FailoverPolicy::kLoadAware;
  if (!wants) {
    ctx_.load.clear();
    return;
  }
  ctx_.load.assign(counts_.begin(), counts_.end());
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
    if (move || cur_old != kNoServer) Connect(c, &attempts);
    if (cur_old != kNoServer && c.state.current != cur_new) ++movers;
  }
  list_ = std::move(new_list);
  RetryDisconnected(&attempts);

  StepReport r = Report(label);
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers =
      BalancedStartMinimumMovers(change, static_cast<double>(connected_before));
  r.attempts = attempts;
  return r;
}

StepReport ModelSimulator::DoCrash(uint32_t server, std::string label, bool recover) {
  RefreshLoadHint();
  std::vector<uint8_t> eligible = up_;
  eligible[server] = 0;
  const uint64_t min_movers = MinMoversOverUp(counts_, eligible);
  up_[server] = 0;
  uint64_t attempts = 0;
  uint64_t movers = 0;
  for (Client& c : clients_) {
    if (c.state.current != server) continue;
    if (Reconnect(c, &attempts) && c.state.current != kNoServer) ++movers;
  }
  if (recover) up_[server] = 1;
  RetryDisconnected(&attempts);
  StepReport r = Report(std::move(label));
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers = static_cast<double>(min_movers);
  r.attempts = attempts;
  return r;
}

StepReport ModelSimulator::DoRecover(uint32_t server, std::string label) {
  up_[server] = 1;
  uint64_t attempts = 0;
  RetryDisconnected(&attempts);
  StepReport r = Report(std::move(label));
  r.attempts = attempts;
  return r;
}

StepReport ModelSimulator::DoPlan(std::string label, uint32_t passes) {
  RefreshLoadHint();
  const uint64_t min_movers = MinMoversOverUp(counts_, up_);
  uint64_t attempts = 0;
  uint64_t movers = 0;
  for (uint32_t pass = 0; pass < passes; ++pass) {
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
      if (move && Reconnect(c, &attempts) && c.state.current != kNoServer) ++movers;
    }
  }
  RetryDisconnected(&attempts);
  StepReport r = Report(std::move(label));
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers = static_cast<double>(min_movers);
  r.attempts = attempts;
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
      if (move && Reconnect(c, &attempts) && c.state.current != kNoServer) ++movers;
    }
    // The operator sheds what followers could not move: non-followers,
    // chosen at random on the server.
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
        if (Reconnect(clients_[candidates[t]], &attempts) &&
            clients_[candidates[t]].state.current != kNoServer) {
          ++movers;
        }
        ++shed;
      }
    }
    sim_random_ = sr.state();
  }
  RetryDisconnected(&attempts);
  StepReport r = Report(std::move(label));
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers = static_cast<double>(min_movers);
  r.shed = shed;
  r.attempts = attempts;
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
  SplitMix64 sr(sim_random_);
  uint64_t attempts = 0;
  uint64_t movers = 0;
  for (uint64_t t = 0; t < count; ++t) {
    std::swap(on_server[t], on_server[t + sr.Below(on_server.size() - t)]);
    Client& c = clients_[on_server[t]];
    if (Reconnect(c, &attempts) && c.state.current != kNoServer) ++movers;
  }
  sim_random_ = sr.state();
  RetryDisconnected(&attempts);
  StepReport r = Report(std::move(label));
  r.movers = movers;
  r.min_movers = min_movers;
  r.balanced_start_min_movers = static_cast<double>(min_movers);
  r.shed = count;
  r.attempts = attempts;
  return r;
}

std::vector<HostPort> NumberedServers(uint32_t n, uint16_t port) {
  std::vector<HostPort> out;
  out.reserve(n);
  for (uint32_t i = 1; i <= n; ++i) out.push_back(HostPort{fmt::format("zk{}", i), port});
  return out;
}

std::vector<ModelStep> Section51Timeline(const std::vector<HostPort>& s) {
  auto range = [&s](size_t first, size_t last) {  // s_first..s_last, 1-based
    return std::vector<HostPort>(s.begin() + static_cast<ptrdiff_t>(first - 1),
                                 s.begin() + static_cast<ptrdiff_t>(last));
  };
  return {
      ModelStep::Reconfigure(range(1, 8), "9->8 (remove 1)"),
      ModelStep::Reconfigure(range(1, 6), "8->6 (remove 2)"),
      ModelStep::Reconfigure(range(2, 9), "6->8 (remove 1, add back 3)"),
      ModelStep::Reconfigure(range(1, 9), "8->9 (add back 1)"),
  };
}

std::vector<ModelStep> RollingRestartTimeline(const std::vector<HostPort>& servers, int rounds,
                                              std::optional<ModelStepKind> plan_after_each,
                                              uint32_t plan_passes) {
  std::vector<ModelStep> steps;
  for (int round = 1; round <= rounds; ++round) {
    for (const HostPort& h : servers) {
      ModelStep restart = ModelStep::Restart(h);
      restart.label = fmt::format("round {}: restart {}", round, h);
      steps.push_back(std::move(restart));
      if (plan_after_each) {
        ModelStep plan = *plan_after_each == ModelStepKind::kExactPlan
                             ? ModelStep::ExactPlan()
                             : ModelStep::Plan(plan_passes);
        plan.label = fmt::format("round {}: {} after {}", round, ModelStepKindName(plan.kind), h);
        steps.push_back(std::move(plan));
      }
    }
  }
  return steps;
}

}  // namespace zk
