#include "zk/experiments/gnuplot_driver.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace zk::experiments {
namespace {

Status Fail(std::string what) { return Status(Error::kSystemError, std::move(what)); }

// The connection rate is plotted as the connects of the trailing second
// (peak_connects_per_s is its maximum), on a grid of kGridMs.
constexpr double kRateWindowMs = 1000;
constexpr double kGridMs = 100;
constexpr size_t kMaxGridPoints = 20000;

struct Row {
  double min = 0, mean = 0, max = 0, max_over_mean = 0;
};

Row Summarize(const StepResult& s) {
  Row r;
  uint64_t sum = 0, n = 0, lo = UINT64_MAX, hi = 0;
  for (size_t i = 0; i < s.counts.size(); ++i) {
    if (s.up.size() > i && !s.up[i]) continue;  // a down server is not "a server with few"
    sum += s.counts[i];
    ++n;
    lo = std::min(lo, s.counts[i]);
    hi = std::max(hi, s.counts[i]);
  }
  if (n == 0) return r;
  r.min = double(lo);
  r.max = double(hi);
  r.mean = double(sum) / double(n);
  r.max_over_mean = s.max_over_mean;
  return r;
}

// Min, mean and max over the servers marked up in `up`, of `counts`.
Row Spread(const std::vector<uint64_t>& counts, const std::vector<uint8_t>& up) {
  Row r;
  uint64_t sum = 0, n = 0, lo = UINT64_MAX, hi = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (up.size() > i && !up[i]) continue;
    sum += counts[i];
    ++n;
    lo = std::min(lo, counts[i]);
    hi = std::max(hi, counts[i]);
  }
  if (n == 0) return r;
  r.min = double(lo);
  r.max = double(hi);
  r.mean = double(sum) / double(n);
  r.max_over_mean = r.mean > 0 ? r.max / r.mean : 0;
  return r;
}

// (time ms, connects) of every sample of the policy, in time order.
std::vector<std::pair<double, uint64_t>> Connects(const PolicyResult& p) {
  std::vector<std::pair<double, uint64_t>> out;
  auto add = [&out](const StepResult& s) {
    for (const CountSample& c : s.series) {
      if (c.connects > 0) out.emplace_back(c.time_ms, c.connects);
    }
  };
  add(p.start);
  for (const StepResult& s : p.steps) add(s);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

// The connects in (t - 1 s, t] for t on a grid from 0 to t_max.
std::vector<std::pair<double, uint64_t>> RateGrid(const PolicyResult& p, double t_max) {
  const std::vector<std::pair<double, uint64_t>> c = Connects(p);
  const double step = std::max(kGridMs, t_max / double(kMaxGridPoints));
  std::vector<std::pair<double, uint64_t>> out;
  size_t lo = 0, hi = 0;
  uint64_t sum = 0;
  for (double t = 0; t <= t_max + step; t += step) {
    while (hi < c.size() && c[hi].first <= t) sum += c[hi++].second;
    while (lo < hi && c[lo].first <= t - kRateWindowMs) sum -= c[lo++].second;
    out.emplace_back(t, sum);
  }
  return out;
}

bool HasSeries(const ExperimentResult& r) {
  for (const PolicyResult& p : r.policies) {
    for (const StepResult& s : p.steps) {
      if (!s.series.empty()) return true;
    }
  }
  return false;
}

std::string Quote(const std::string& s) {
  std::string o = "\"";
  for (char c : s) o += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return o + "\"";
}

}  // namespace

bool GnuplotInstalled() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

Result<std::vector<std::string>> Plot(const ExperimentResult& r, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail(fmt::format("plot: cannot create {}: {}", dir, ec.message()));
  const std::string base = fmt::format("{}/{}", dir, r.scenario);
  std::vector<std::string> written;
  {
    // One block per policy (gnuplot "index"): t, label, min, mean, max, max/mean.
    std::ofstream dat(base + ".dat");
    if (!dat) return Fail(fmt::format("plot: cannot write {}.dat", base));
    for (const PolicyResult& p : r.policies) {
      dat << "# " << p.policy << "\n";
      // Only the timeline's steps label the x axis; a policy's own steps
      // sit between them, unlabelled.
      auto row = [&](double t, const StepResult& s) {
        const Row x = Summarize(s);
        dat << fmt::format("{:.4g} {} {} {:.3f} {} {:.4f}\n", t, Quote(s.inserted ? "" : s.step),
                           x.min, x.mean, x.max, x.max_over_mean);
      };
      row(0, p.start);
      for (const StepResult& s : p.steps) row(s.t, s);
      dat << "\n\n";
    }
    written.push_back(base + ".dat");
  }
  const bool timed = HasSeries(r);
  double t_max = 0;       // ms, the same time axis in every panel
  uint64_t rate_max = 0;  // the same rate axis in every panel
  if (timed) {
    for (const PolicyResult& p : r.policies) {
      for (const StepResult& s : p.steps) {
        for (const CountSample& c : s.series) t_max = std::max(t_max, c.time_ms);
        rate_max = std::max(rate_max, s.peak_connects_per_s);
      }
    }
    // Two blocks per policy: the samples (seconds, min, mean, max,
    // max/mean), then the connection rate (seconds, connects in the
    // trailing second).
    std::ofstream dat(base + "-time.dat");
    if (!dat) return Fail(fmt::format("plot: cannot write {}-time.dat", base));
    for (const PolicyResult& p : r.policies) {
      dat << "# " << p.policy << "\n";
      const std::vector<uint8_t>* prev_up = &p.start.up;
      const std::vector<std::string>* prev_servers = &p.start.servers;
      auto rows = [&](const StepResult& s) {
        for (size_t k = 0; k < s.series.size(); ++k) {
          const CountSample& c = s.series[k];
          // Before the step (its first sample) the previous step's servers
          // were up, when the list is the same.
          const std::vector<uint8_t>& up = k == 0 && *prev_servers == s.servers ? *prev_up : s.up;
          const Row x = Spread(c.counts, up);
          dat << fmt::format("{:.3f} {} {:.3f} {} {:.4f}\n", c.time_ms / 1000.0, x.min, x.mean,
                             x.max, x.max_over_mean);
        }
        prev_up = &s.up;
        prev_servers = &s.servers;
      };
      rows(p.start);
      for (const StepResult& s : p.steps) rows(s);
      dat << "\n\n# " << p.policy << " connects in the trailing second\n";
      for (const auto& [t, n] : RateGrid(p, t_max))
        dat << fmt::format("{:.3f} {}\n", t / 1000.0, n);
      dat << "\n\n";
    }
    written.push_back(base + "-time.dat");
  }
  const std::string title =
      fmt::format("{}: {} clients ({}), seed {}", r.scenario, r.clients, r.mode, r.seed);
  std::string gp;
  for (const char* term : {"png size 1100,600", "svg size 1100,600"}) {
    const bool png = std::string(term).starts_with("png");
    const char* ext = png ? "png" : "svg";
    gp += fmt::format("set terminal {}\n", term);
    gp += "set key outside right\nset grid\nset xtics rotate by -30\n";
    gp += fmt::format("set title {}\n", Quote(title));
    gp += fmt::format("set output {}\n", Quote(fmt::format("{}-balance.{}", base, ext)));
    gp += "set ylabel \"max / mean clients per server\"\nset yrange [0:*]\n";
    gp += "plot ";
    for (size_t i = 0; i < r.policies.size(); ++i) {
      gp += fmt::format("{}{} index {} using 1:6:xtic(2) with linespoints lw 2 title {}",
                        i ? ", " : "", Quote(r.scenario + ".dat"), i, Quote(r.policies[i].policy));
    }
    gp += "\n";
    gp += fmt::format("set output {}\n", Quote(fmt::format("{}-spread.{}", base, ext)));
    gp += "set ylabel \"clients per server (up servers): min, mean, max\"\nplot ";
    for (size_t i = 0; i < r.policies.size(); ++i) {
      const std::string& name = r.policies[i].policy;
      gp += fmt::format(
          "{}{} index {} using 1:3:xtic(2) with linespoints dt 3 lc {} title {}, "
          "'' index {} using 1:4 with lines dt 2 lc {} title {}, "
          "'' index {} using 1:5 with linespoints lw 2 lc {} title {}",
          i ? ", " : "", Quote(r.scenario + ".dat"), i, i + 1, Quote(name + " min"), i, i + 1,
          Quote(name + " mean"), i, i + 1, Quote(name + " max"));
      written.push_back(fmt::format("{}-balance.{}", base, ext));
      written.push_back(fmt::format("{}-spread.{}", base, ext));
    }
    gp += "\nset output\n";
    if (timed) {
      const size_t n = r.policies.size();
      gp += fmt::format("set terminal {} size 1100,{}\n", png ? "png" : "svg", 120 + 260 * n);
      gp += fmt::format("set output {}\n", Quote(fmt::format("{}-time.{}", base, ext)));
      gp += "set key outside right\nset grid\nset xtics norotate\nset ytics nomirror\n";
      gp += "set y2tics\nset yrange [0:*]\nset link x2\n";
      gp += fmt::format("set y2range [0:{}]\n", rate_max > 0 ? rate_max * 11 / 10 + 1 : 10);
      // A little room before 0 so that a burst at the start shows.
      const double x_max = std::max(t_max / 1000.0, 1.0);
      gp += fmt::format("set xrange [{:.3f}:{:.3f}]\n", -x_max / 60, x_max * 1.01);
      gp += fmt::format("set multiplot layout {},1 title {}\n", n,
                        Quote(fmt::format("{}: clients per up server over time; connects in the "
                                          "trailing second (grey, right axis)",
                                          title)));
      for (size_t i = 0; i < n; ++i) {
        const PolicyResult& p = r.policies[i];
        gp += fmt::format("set title {}\n",
                          Quote(fmt::format("{} (failover {}, migration {}, failover jitter {} "
                                            "ms, migration jitter {} ms)",
                                            p.policy, p.failover, p.migration, p.failover_jitter_ms,
                                            p.migration_jitter_ms)));
        // The timeline's steps as ticks on the top axis.
        // (Steps that begin at the same instant share one tick.)
        std::vector<std::pair<double, std::string>> ticks;
        for (const StepResult& s : p.steps) {
          if (s.inserted) continue;
          if (!ticks.empty() && ticks.back().first == s.time_ms) {
            ticks.back().second += ", " + s.step;
          } else {
            ticks.emplace_back(s.time_ms, s.step);
          }
        }
        std::string tics;
        for (const auto& [t, label] : ticks) {
          tics += fmt::format("{}{} {:.3f}", tics.empty() ? "" : ", ", Quote(label), t / 1000.0);
        }
        gp += tics.empty() ? "unset x2tics\n"
                           : fmt::format("set x2tics ({}) rotate by 20 left font \",8\"\n", tics);
        gp += i + 1 == n ? "set xlabel \"time (s)\"\n" : "unset xlabel\n";
        gp += "set ylabel \"clients per server\"\nset y2label \"connects/s\"\n";
        gp += fmt::format(
            "plot {} index {} using 1:2 axes x1y2 with filledcurves y1=0 fs solid 0.3 "
            "noborder lc rgb \"#999999\" title \"connects/s\", '' index {} using 1:2 with lines "
            "lw 2 lc 1 title \"min\", '' index {} using 1:3 with lines dt 2 lc 2 title \"mean\", "
            "'' index {} using 1:4 with lines lw 2 lc 7 title \"max\"\n",
            Quote(r.scenario + "-time.dat"), 2 * i + 1, 2 * i, 2 * i, 2 * i);
      }
      gp +=
          "unset multiplot\nset output\nunset x2tics\nunset y2tics\nunset y2label\nunset xlabel\n"
          "set autoscale x\n";
      written.push_back(fmt::format("{}-time.{}", base, ext));
    }
  }
  {
    std::ofstream script(base + ".gp");
    if (!script) return Fail(fmt::format("plot: cannot write {}.gp", base));
    script << gp;
  }
  const size_t data_files = timed ? 2 : 1;
  std::vector<std::string> images(written.begin() + static_cast<ptrdiff_t>(data_files),
                                  written.end());
  std::sort(images.begin(), images.end());
  images.erase(std::unique(images.begin(), images.end()), images.end());
  written.resize(data_files);
  written.push_back(base + ".gp");
  if (!GnuplotInstalled()) return written;
  const std::string cmd =
      fmt::format("cd {} && gnuplot {} 2>&1", Quote(dir), Quote(r.scenario + ".gp"));
  if (std::system(cmd.c_str()) != 0)
    return Fail(fmt::format("plot: gnuplot failed on {}.gp", base));
  written.insert(written.end(), images.begin(), images.end());
  return written;
}

}  // namespace zk::experiments
