#include "zk/experiments/run_command.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "zk/experiments/e2e_runner.h"
#include "zk/experiments/gnuplot_driver.h"
#include "zk/experiments/model_runner.h"
#include "zk/experiments/progress_bar.h"
#include "zk/experiments/result_writers.h"
#include "zk/experiments/scenario.h"

namespace zk::experiments {
namespace {

bool WriteFile(const std::string& path, const std::string& text) {
  if (path == "-") {
    fmt::print("{}", text);
    return true;
  }
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int RunCommand(const RunOptions& o) {
  Result<Scenario> loaded = LoadScenario(o.scenario);
  if (!loaded.ok()) {
    fmt::print(stderr, "zksim run: {}\n", loaded.status().message());
    return 2;
  }
  Scenario s = std::move(*loaded);
  if (o.clients) {
    if (*o.clients == 0) {
      fmt::print(stderr, "zksim run: --clients must be at least 1\n");
      return 2;
    }
    OverrideClients(&s, *o.clients);
  }
  if (o.seed) OverrideSeed(&s, *o.seed);
  if (o.model && (!o.ensemble.empty() || !o.hook.empty())) {
    fmt::print(stderr, "zksim run: --ensemble and --hook are for end-to-end runs, not --model\n");
    return 2;
  }
  if (o.ensemble.empty() && (!o.hook.empty() || !o.auth.empty())) {
    fmt::print(stderr, "zksim run: --hook and --auth need --ensemble\n");
    return 2;
  }
  EndToEndOptions e2e;
  e2e.ensemble = o.ensemble;
  e2e.hook = o.hook;
  e2e.auth = o.auth;
  if (!o.model) {
    if (Status st = CheckEndToEnd(s, e2e); !st.ok()) {
      fmt::print(stderr, "zksim run: {}\n", st.message());
      return 2;
    }
  }
  // The seed first, so that it is on record even if the run fails.
  fmt::print(stderr, "zksim run: scenario {} ({}), {} clients, {}, seed {}\n", s.name, s.origin,
             s.clients,
             o.model              ? std::string("model")
             : o.ensemble.empty() ? std::string("end to end on the embedded zksim ensemble")
                                  : "end to end on the ensemble " + o.ensemble,
             s.seed);
  size_t total_steps = 0;
  for (const ScenarioPolicy& p : s.policies) total_steps += p.steps.size();
  size_t done_before = 0, last_policy = 0;
  ProgressBar bar(o.progress && StderrIsTerminal() &&
                  (!o.model || uint64_t(s.clients) * total_steps >= 1000000));
  const ProgressFn progress = [&](size_t pi, size_t done, size_t total) {
    while (last_policy < pi) done_before += s.policies[last_policy++].steps.size();
    bar.Update(fmt::format("{} step {}/{}", s.policies[pi].name, done, total), done_before + done,
               total_steps);
  };
  std::vector<std::string> notes;
  Result<ExperimentResult> r =
      o.model ? RunModel(s, progress) : RunEndToEnd(s, e2e, &notes, progress);
  bar.Finish();
  for (const std::string& n : notes) fmt::print(stderr, "zksim run: {}\n", n);
  if (!r.ok()) {
    fmt::print(stderr, "zksim run: {}\n", r.status().message());
    return 1;
  }
  if (o.json_file != "-") fmt::print("{}", ResultToTable(*r));
  if (!o.json_file.empty() && !WriteFile(o.json_file, ResultToJson(*r).dump(2) + "\n")) {
    fmt::print(stderr, "zksim run: cannot write {}\n", o.json_file);
    return 1;
  }
  if (!o.csv_file.empty() && !WriteFile(o.csv_file, ResultToCsv(*r))) {
    fmt::print(stderr, "zksim run: cannot write {}\n", o.csv_file);
    return 1;
  }
  if (!o.plot_dir.empty()) {
    if (!GnuplotInstalled()) {
      fmt::print(stderr, "zksim run: gnuplot is not installed: wrote only the data and script\n");
    }
    Result<std::vector<std::string>> files = Plot(*r, o.plot_dir);
    if (!files.ok()) {
      fmt::print(stderr, "zksim run: {}\n", files.status().message());
      return 1;
    }
    for (const std::string& f : *files) fmt::print(stderr, "zksim run: wrote {}\n", f);
  }
  return 0;
}

}  // namespace zk::experiments
