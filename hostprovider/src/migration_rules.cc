#include "zk/hostprovider/migration_rules.h"

#include <algorithm>

namespace zk {

std::string_view MigrationPolicyName(MigrationPolicy p) {
  switch (p) {
    case MigrationPolicy::kNone:
      return "none";
    case MigrationPolicy::kProbabilistic:
      return "probabilistic";
    case MigrationPolicy::kLoadAware:
      return "load-aware";
  }
  return "unknown";
}

std::optional<MigrationPolicy> ParseMigrationPolicy(std::string_view name) {
  for (MigrationPolicy p :
       {MigrationPolicy::kNone, MigrationPolicy::kProbabilistic, MigrationPolicy::kLoadAware}) {
    if (MigrationPolicyName(p) == name) return p;
  }
  return std::nullopt;
}

MigrationProbabilities PaperProbabilities(const ListChange& change) {
  MigrationProbabilities p;
  const double s = change.old_size;
  const double s_new = change.new_size;
  if (change.new_size > change.old_size) {
    p.move_if_kept = 1.0 - s / s_new;
    p.new_first_if_kept = 1.0;
    p.new_first_if_removed = 1.0;
    return p;
  }
  p.move_if_kept = 0.0;
  double p_kept;
  if (change.removed == 0) {
    p_kept = change.kept / s_new;
  } else {
    p_kept = (change.kept * (s - s_new)) / (s_new * change.removed);
  }
  p.new_first_if_removed = 1.0 - std::clamp(p_kept, 0.0, 1.0);
  return p;
}

MigrationDecision DecideMigration(const MigrationProbabilities& p, bool kept,
                                  RandomSource& random) {
  MigrationDecision d;
  if (kept) {
    d.move = random.Bernoulli(p.move_if_kept);
    if (d.move) d.new_group_first = random.Bernoulli(p.new_first_if_kept);
  } else {
    d.move = true;
    d.new_group_first = random.Bernoulli(p.new_first_if_removed);
  }
  return d;
}

double BalancedStartMinimumMovers(const ListChange& change, double clients) {
  if (change.old_size == 0 || change.new_size == 0) return 0.0;
  const double out = static_cast<double>(change.removed) / change.old_size;
  const double in = static_cast<double>(change.added) / change.new_size;
  return clients * std::max(out, in);
}

}  // namespace zk
