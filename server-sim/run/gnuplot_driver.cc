#include "run/gnuplot_driver.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace zk::sim {
namespace {

Status Fail(std::string what) { return Status(Error::kSystemError, std::move(what)); }

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
  const std::string title = fmt::format("{}: {} clients ({}), seed {}", r.scenario, r.clients,
                                        r.mode, r.seed);
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
  }
  {
    std::ofstream script(base + ".gp");
    if (!script) return Fail(fmt::format("plot: cannot write {}.gp", base));
    script << gp;
  }
  std::vector<std::string> images(written.begin() + 1, written.end());
  std::sort(images.begin(), images.end());
  images.erase(std::unique(images.begin(), images.end()), images.end());
  written.resize(1);
  written.push_back(base + ".gp");
  if (!GnuplotInstalled()) return written;
  const std::string cmd = fmt::format("cd {} && gnuplot {} 2>&1", Quote(dir),
                                      Quote(r.scenario + ".gp"));
  if (std::system(cmd.c_str()) != 0) return Fail(fmt::format("plot: gnuplot failed on {}.gp", base));
  written.insert(written.end(), images.begin(), images.end());
  return written;
}

}  // namespace zk::sim
