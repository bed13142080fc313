#include "zk/hostprovider/provider_core.h"

#include "seeded_order.h"

namespace zk::core {
namespace {

// The next server of a pending migration or plan move after `cursor`, or
// kNoServer when it has tried them all (or none is pending).
uint32_t PhaseNext(const ProviderState& s, const ProviderContext& ctx, uint32_t cursor) {
  const uint32_t n = ctx.size;
  switch (s.phase) {
    case ProviderPhase::kNormal:
      return kNoServer;
    case ProviderPhase::kMigration:
      // The destination group first, then the other group; uniform within.
      return order::NextAfter(n, cursor, [&](uint32_t i) {
        const bool added = i < ctx.is_added.size() && ctx.is_added[i] != 0;
        const uint32_t tier = added == s.new_group_first ? 0 : 1;
        return order::Key{tier, order::UniformKey(s.phase_seed, i), i};
      });
    case ProviderPhase::kPlan:
      // The named target, then the servers of positive weight, drawn in
      // proportion to their weights; no others.
      return order::NextAfter(n, cursor, [&](uint32_t i) {
        if (i == s.named_target) return order::Key{0, 0.0, i};
        const double w = i < ctx.plan_weight.size() ? ctx.plan_weight[i] : 0.0;
        if (w > 0) return order::Key{1, order::WeightedKey(s.phase_seed, i, w), i};
        return order::Key{};
      });
  }
  return kNoServer;
}

void LoseConnection(ProviderState& s) {
  s.last_connected = s.current;
  s.current = kNoServer;
  s.attempts = 0;
  if (s.phase == ProviderPhase::kNormal) {
    s.round_active = false;
    s.forced_last = s.last_connected;
  }
}

// Aligns the state with what the caller says about its connection.
void SyncConnection(ProviderState& s, uint32_t current) {
  if (current != kNoServer) {
    s.current = current;
    s.last_connected = current;
    s.attempting = kNoServer;
    s.ever_connected = true;
  } else if (s.current != kNoServer) {
    LoseConnection(s);
  }
}

void StartRound(ProviderState& s, RandomSource& random) {
  s.phase_seed = random.NextU64();
  s.cursor = kNoServer;
  s.round_active = true;
}

void StartMove(ProviderState& s, ProviderPhase phase, RandomSource& random) {
  s.phase = phase;
  s.phase_seed = random.NextU64();
  s.cursor = kNoServer;
  s.attempts = 0;
  s.round_active = false;
}

}  // namespace

void Init(ProviderState& s, RandomSource& random) {
  s = ProviderState{};
  s.order_seed = random.NextU64();
}

NextChoice Next(ProviderState& s, const ProviderContext& ctx, RandomSource& random) {
  const uint32_t n = ctx.size;
  if (s.current != kNoServer) LoseConnection(s);

  NextChoice out;
  if (s.attempts > 0 && s.attempts % n == 0) out.delay += ctx.options.round_delay;

  uint32_t pick = kNoServer;
  if (s.phase != ProviderPhase::kNormal) {
    pick = PhaseNext(s, ctx, s.cursor);
    if (pick == kNoServer) {  // tried every server of the move: back to normal
      s.phase = ProviderPhase::kNormal;
      s.named_target = kNoServer;
      s.round_active = false;
      s.forced_last = kNoServer;
      s.cursor = kNoServer;
    }
  }
  if (pick == kNoServer) {
    const auto jitter = ctx.options.failover_jitter;
    if (jitter.count() > 0 && (s.ever_connected || s.attempts > 0)) {
      out.delay += std::chrono::milliseconds(
          static_cast<int64_t>(random.Below(static_cast<uint64_t>(jitter.count()) + 1)));
    }
    const FailoverPolicy policy = ctx.options.failover;
    if (policy == FailoverPolicy::kFixedOrder) {
      pick = FixedOrderNext(s.order_seed, n, s.cursor);
    } else {
      if (!s.round_active) StartRound(s, random);
      pick = RoundNext(policy, s.phase_seed, n, s.cursor, s.forced_last, ctx.load);
      if (pick == kNoServer) {  // round over: a new one, nobody last
        s.forced_last = kNoServer;
        StartRound(s, random);
        pick = RoundNext(policy, s.phase_seed, n, s.cursor, s.forced_last, ctx.load);
      }
    }
  }
  s.cursor = pick;
  s.attempting = pick;
  ++s.attempts;
  out.server = pick;
  return out;
}

void OnConnected(ProviderState& s) {
  if (s.attempting == kNoServer) return;
  s.current = s.attempting;
  s.last_connected = s.current;
  s.attempting = kNoServer;
  s.attempts = 0;
  s.phase = ProviderPhase::kNormal;
  s.named_target = kNoServer;
  s.round_active = false;
  s.forced_last = kNoServer;
  s.cursor = s.current;  // fixed-order goes on from here
  s.ever_connected = true;
}

bool MovePending(const ProviderState& s, const ProviderContext& ctx) {
  return PhaseNext(s, ctx, s.cursor) != kNoServer;
}

uint32_t EffectiveServer(const ProviderState& s, const ProviderContext& ctx, uint32_t current) {
  if (ctx.size == 0) return kNoServer;
  if (s.phase != ProviderPhase::kNormal) {
    const uint32_t next = PhaseNext(s, ctx, s.cursor);
    if (next != kNoServer) return next;
  }
  if (current != kNoServer) return current;
  if (s.attempting != kNoServer) return s.attempting;
  if (s.last_connected != kNoServer) return s.last_connected;
  return FixedOrderNext(s.order_seed, ctx.size, kNoServer);
}

bool UpdateServerList(ProviderState& s, const ProviderContext& old_ctx, const ListChange& change,
                      const ProviderContext& new_ctx, uint32_t current_old, uint32_t current_new,
                      RandomSource& random) {
  auto to_new = [&change](uint32_t i) {
    return i < change.old_to_new.size() ? change.old_to_new[i] : kNoServer;
  };
  const bool connected = current_old != kNoServer || current_new != kNoServer;

  // The effective server, as an index in the new list (kNoServer: removed).
  uint32_t effective_new = kNoServer;
  const uint32_t pending = PhaseNext(s, old_ctx, s.cursor);
  if (pending != kNoServer) {
    effective_new = to_new(pending);
  } else if (connected) {
    effective_new = current_new;
  } else {
    effective_new = to_new(EffectiveServer(s, old_ctx, kNoServer));
  }
  const bool kept = effective_new != kNoServer;

  bool move = false;
  bool new_first = true;
  ProviderPhase move_phase = ProviderPhase::kMigration;
  switch (new_ctx.options.migration) {
    case MigrationPolicy::kNone:
      move = !kept;
      move_phase = ProviderPhase::kNormal;
      break;
    case MigrationPolicy::kLoadAware:
      if (!new_ctx.plan_move.empty()) {
        move = random.Bernoulli(kept ? new_ctx.plan_move[effective_new] : 1.0);
        move_phase = ProviderPhase::kPlan;
        break;
      }
      [[fallthrough]];
    case MigrationPolicy::kProbabilistic: {
      const MigrationDecision d = DecideMigration(new_ctx.rules, kept, random);
      move = d.move;
      new_first = d.new_group_first;
      break;
    }
  }

  // Remap to the new list. Java reshuffles its list on every update.
  s.order_seed = random.NextU64();
  s.last_connected = to_new(s.last_connected);
  s.attempting = to_new(s.attempting);
  s.current = connected ? current_new : kNoServer;
  if (s.current != kNoServer) {
    s.last_connected = s.current;
    s.attempting = kNoServer;
    s.ever_connected = true;
  }
  s.forced_last = s.current == kNoServer ? s.last_connected : kNoServer;
  s.named_target = kNoServer;
  s.round_active = false;

  if (!move) {
    s.phase = ProviderPhase::kNormal;
    // Fixed order goes on from the server it is on (or trying).
    s.cursor = s.current != kNoServer ? s.current : s.attempting;
    return false;
  }
  if (move_phase == ProviderPhase::kNormal) {  // kNone: its server is gone
    s.phase = ProviderPhase::kNormal;
    s.cursor = kNoServer;
    s.attempts = 0;
    s.forced_last = kNoServer;
    return true;
  }
  s.new_group_first = new_first;
  StartMove(s, move_phase, random);
  return true;
}

bool FollowPlan(ProviderState& s, const ProviderContext& old_ctx, const ProviderContext& new_ctx,
                uint32_t current, uint32_t named_target, RandomSource& random) {
  SyncConnection(s, current);
  const uint32_t effective = EffectiveServer(s, old_ctx, current);
  if (effective == kNoServer) return false;
  bool move;
  if (named_target != kNoServer) {
    move = named_target != effective;
  } else {
    const std::vector<double>& p = new_ctx.plan_move;
    move = random.Bernoulli(effective < p.size() ? p[effective] : 0.0);
  }
  if (!move) return false;
  s.named_target = named_target;
  StartMove(s, ProviderPhase::kPlan, random);
  return true;
}

}  // namespace zk::core
