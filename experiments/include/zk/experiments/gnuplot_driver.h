// Plots of an ExperimentResult with gnuplot (Debian gnuplot-nox), as PNG and
// SVG in a directory:
//   <scenario>-balance.{png,svg}  max/mean per step, one line per policy
//   <scenario>-spread.{png,svg}   min, mean and max clients per server per
//                                 step, per policy (the paper's figure)
//   <scenario>-time.{png,svg}     when the steps have series (the model):
//                                 one panel per policy (same axes), min,
//                                 mean and max clients per server over time
//                                 (s) (the servers up at the step's end),
//                                 the timeline's steps on the top axis, and
//                                 the connection rate on the right axis:
//                                 connects in the trailing second, on a
//                                 100 ms grid (its maximum is the step's
//                                 peak_connects_per_s)
// The data (<scenario>.dat, <scenario>-time.dat) and the script
// (<scenario>.gp) are left beside them, so that a plot can be redrawn or
// restyled by hand.
#ifndef ZK_EXPERIMENTS_GNUPLOT_DRIVER_H_
#define ZK_EXPERIMENTS_GNUPLOT_DRIVER_H_

#include <string>
#include <vector>

#include "zk/experiments/experiment_result.h"
#include "zk/wire/status.h"

namespace zk::experiments {

bool GnuplotInstalled();

// Writes the data and script into `dir` (created if missing) and runs
// gnuplot when installed. Returns the files written. Errors: kSystemError
// when the directory or a file cannot be written or gnuplot fails.
Result<std::vector<std::string>> Plot(const ExperimentResult& r, const std::string& dir);

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_GNUPLOT_DRIVER_H_
