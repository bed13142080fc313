#include "zk/hostprovider/host_provider.h"

#include <unordered_map>

namespace zk {

HostProvider::HostProvider(ServerList list, ProviderOptions options,
                           std::unique_ptr<RandomSource> random)
    : list_(std::move(list)), random_(std::move(random)) {
  ctx_.options = options;
  ctx_.size = list_.size();
  core::Init(state_, *random_);
}

Result<HostProvider> HostProvider::Create(std::vector<HostPort> servers, ProviderOptions options,
                                          std::unique_ptr<RandomSource> random) {
  if (random == nullptr) return Status(Error::kBadArguments, "null random source");
  Result<ServerList> list = ServerList::Create(std::move(servers));
  if (!list.ok()) return list.status();
  return HostProvider(std::move(list).value(), options, std::move(random));
}

Result<HostProvider> HostProvider::Create(std::vector<HostPort> servers, ProviderOptions options,
                                          uint64_t seed) {
  return Create(std::move(servers), options, std::make_unique<SplitMix64>(seed));
}

NextHost HostProvider::Next() {
  const NextChoice c = core::Next(state_, ctx_, *random_);
  return NextHost{list_.at(c.server), c.delay};
}

void HostProvider::OnConnected() { core::OnConnected(state_); }

std::optional<HostPort> HostProvider::connected_host() const {
  if (state_.current == kNoServer) return std::nullopt;
  return list_.at(state_.current);
}

std::vector<int64_t> HostProvider::LoadsFor(const ServerList& list) const {
  if (loads_.empty()) return {};
  std::vector<int64_t> out(list.size(), -1);
  for (const ServerLoad& l : loads_) {
    const uint32_t i = list.IndexOf(l.server);
    if (i != kNoServer) out[i] = static_cast<int64_t>(l.connections);
  }
  return out;
}

void HostProvider::SetServerLoads(const std::vector<ServerLoad>& loads) {
  loads_.clear();
  for (const ServerLoad& l : loads) {
    loads_.push_back(ServerLoad{NormalizeHostPort(l.server), l.connections});
  }
  ctx_.load = LoadsFor(list_);
}

Result<bool> HostProvider::UpdateServerList(std::vector<HostPort> servers,
                                            const std::optional<HostPort>& current_host) {
  Result<ServerList> parsed = ServerList::Create(std::move(servers));
  if (!parsed.ok()) return parsed.status();
  ServerList new_list = std::move(parsed).value();
  if (new_list.SameSet(list_)) return false;

  const ListChange change = DiffLists(list_, new_list);
  ProviderContext new_ctx;
  new_ctx.options = ctx_.options;
  new_ctx.size = new_list.size();
  new_ctx.rules = PaperProbabilities(change);
  new_ctx.is_added = change.is_added;
  new_ctx.load = LoadsFor(new_list);

  if (ctx_.options.migration == MigrationPolicy::kLoadAware) {
    // A plan over the old and new servers from the load hint: removed
    // servers drain (weight 0), added ones start at 0. Without a count for
    // every old server, the paper's rules apply instead.
    std::vector<ServerLoad> loads;
    std::vector<double> weights;
    const std::vector<int64_t> old_loads = LoadsFor(list_);
    bool complete = old_loads.size() == list_.size();
    for (uint32_t i = 0; complete && i < list_.size(); ++i) {
      if (old_loads[i] < 0) {
        complete = false;
        break;
      }
      loads.push_back(ServerLoad{list_.at(i), static_cast<uint64_t>(old_loads[i])});
      weights.push_back(change.old_to_new[i] == kNoServer ? 0.0 : 1.0);
    }
    for (uint32_t j = 0; complete && j < new_list.size(); ++j) {
      if (!change.is_added[j]) continue;
      loads.push_back(ServerLoad{new_list.at(j), 0});
      weights.push_back(1.0);
    }
    if (complete) {
      Result<RebalancePlan> plan = ComputeLoadAwarePlan(1, loads, weights);
      if (plan.ok()) ProjectPlan(plan.value(), new_list, &new_ctx.plan_move, &new_ctx.plan_weight);
    }
  }

  uint32_t current_old = kNoServer;
  uint32_t current_new = kNoServer;
  if (current_host) {
    current_old = list_.IndexOf(*current_host);
    current_new = new_list.IndexOf(*current_host);
  }
  const bool move =
      core::UpdateServerList(state_, ctx_, change, new_ctx, current_old, current_new, *random_);
  list_ = std::move(new_list);
  ctx_ = std::move(new_ctx);
  return move;
}

Result<bool> HostProvider::ApplyPlan(const RebalancePlan& plan,
                                     const std::optional<HostPort>& current_host,
                                     uint64_t session_id) {
  if (Status s = plan.Validate(); !s.ok()) return s;
  if (plan.version <= state_.plan_version) return false;
  state_.plan_version = plan.version;
  ProviderContext next = ctx_;
  ProjectPlan(plan, list_, &next.plan_move, &next.plan_weight);
  uint32_t named = kNoServer;
  if (const SessionMove* m = plan.FindSession(session_id)) named = list_.IndexOf(m->to);
  const uint32_t current = current_host ? list_.IndexOf(*current_host) : kNoServer;
  const bool move = core::FollowPlan(state_, ctx_, next, current, named, *random_);
  ctx_ = std::move(next);
  return move;
}

}  // namespace zk
