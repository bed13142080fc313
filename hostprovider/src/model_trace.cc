#include "model_trace.h"

namespace zk {

ModelTrace::ModelTrace(std::vector<uint64_t> initial, uint64_t elsewhere)
    : n_(static_cast<uint32_t>(initial.size())), initial_(std::move(initial)) {
  initial_.push_back(elsewhere);
}

std::vector<CountsAt> ModelTrace::Series(int64_t start_ms, int64_t period) const {
  const int64_t settle = last_change_;
  while ((settle + period - 1) / period > kMaxSamples) period *= 2;
  const int64_t k_last = (settle + period - 1) / period;
  const size_t width = n_ + 1;
  std::vector<int64_t> deltas(static_cast<size_t>(k_last + 1) * width, 0);
  std::vector<uint64_t> connects(static_cast<size_t>(k_last + 1), 0);
  for (const Event& e : events_) {
    const auto k = static_cast<size_t>((e.t + period - 1) / period);  // sample at or after e.t
    --deltas[k * width + e.from];
    ++deltas[k * width + e.to];
    if (e.from == n_ && e.to != n_) ++connects[k];
  }
  std::vector<CountsAt> out;
  out.reserve(static_cast<size_t>(k_last) + 2);
  std::vector<int64_t> now(initial_.begin(), initial_.end());
  auto push = [&](int64_t t, uint64_t c) {
    CountsAt a;
    a.time_ms = start_ms + t;
    a.counts.assign(now.begin(), now.begin() + n_);
    a.elsewhere = static_cast<uint64_t>(now[n_]);
    a.connects = c;
    out.push_back(std::move(a));
  };
  push(0, 0);
  for (int64_t k = 0; k <= k_last; ++k) {
    for (size_t j = 0; j < width; ++j) now[j] += deltas[static_cast<size_t>(k) * width + j];
    push(std::min(k * period, settle), connects[static_cast<size_t>(k)]);
  }
  return out;
}

uint64_t ModelTrace::PeakPerSecond() const {
  std::vector<int64_t> t = landings_;
  std::sort(t.begin(), t.end());
  size_t best = 0;
  for (size_t i = 0, j = 0; j < t.size(); ++j) {
    while (t[j] - t[i] >= kPeakWindowMs) ++i;
    best = std::max(best, j - i + 1);
  }
  return best;
}

}  // namespace zk
