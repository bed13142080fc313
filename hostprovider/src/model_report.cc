#include "zk/hostprovider/model_report.h"

#include <fmt/format.h>

#include <limits>

namespace zk {

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

}  // namespace zk
