// The end-to-end runner's ensemble driver: one libuv loop holding the
// ensemble (zksim's, embedded, or a real one reached over loopback), the
// operator's session and the clients' SDK sessions (zk::Client), and what a
// step does to them: settle the clients, count where they are, kill, start
// and shed servers (zksim's controls or the hooks, e2e_hooks.h), publish
// plans, read the configuration and reconfigure. The policy run
// (policy_run.h) drives it step by step. Servers are indexed by their place
// in the policy's universe (every server any configuration names).
//
// Single-threaded: everything runs on `loop`, inside RunUntil.
#ifndef ZK_EXPERIMENTS_SRC_ENSEMBLE_DRIVER_H_
#define ZK_EXPERIMENTS_SRC_ENSEMBLE_DRIVER_H_

#include <fmt/format.h>
#include <uv.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "zk/client/client.h"
#include "zk/experiments/e2e_runner.h"
#include "zk/hostprovider/rebalance_plan.h"
#include "zk/sim/sim_server.h"
#include "zk/wire/server_spec.h"

namespace zk::experiments {

using Clock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

inline constexpr Ms kQuiet{700};          // nothing changed for this long: settled
inline constexpr Ms kSettleLimit{60000};  // clients not settled after this: the run fails
inline constexpr Ms kCallLimit{30000};    // an operator request unanswered after this: fails

struct EnsembleDriver {
  uv_loop_t loop{};
  std::unique_ptr<sim::SimServer> sim;  // the embedded ensemble, or null
  const EndToEndOptions* options = nullptr;
  std::vector<std::string> names;  // per server of the universe: the scenario's name
  std::vector<HostPort> addrs;     // its address
  std::vector<int64_t> sim_ids;    // embedded: its zksim id
  // Embedded: the line of the extra voter that leads (the highest id) and
  // has no client address, so no client sees it and no step touches it.
  std::string leader_line;
  int64_t leader_id = 0;
  std::map<size_t, wire::ServerSpec> lines;  // its line in the first configuration read
  std::vector<size_t> members;               // the current configuration, in the step's order
  std::vector<uint8_t> observer;             // per universe server
  std::vector<uint8_t> up;                   // per universe server
  std::shared_ptr<Client> op;                // the operator's session
  std::vector<std::shared_ptr<Client>> clients;
  std::vector<int64_t> session_ids;
  std::vector<uint8_t> follower;
  uint64_t plan_version = 0;
  Ms jitter{0};
  // Connects during the current step, in 100 ms buckets, and the counts
  // every 100 ms.
  Clock::time_point run_start = Clock::now();
  Clock::time_point step_start = Clock::now();
  uint64_t last_connects = 0;
  std::vector<uint64_t> buckets;
  std::vector<CountSample> series;
  uint64_t series_connects = 0;
  // Where the clients were at the last sample, and when that last changed.
  std::vector<int> last_seen;
  Clock::time_point last_change = Clock::now();

  int IndexOf(const HostPort& h) const;

  static bool Lost(const Client& c) {
    const SessionState s = c.state();
    return s == SessionState::kExpired || s == SessionState::kAuthFailed ||
           s == SessionState::kClosed;
  }

  // Per client: the universe index of its server, or -1.
  std::vector<int> Where() const;

  uint64_t Connects() const;

  void Sample();

  void BeginStep();

  // From the step's beginning to the last change of where the clients are.
  double SettleMs() const;

  double StepTimeMs() const;

  // Runs the loop, sampling every 50 ms, until `done` or `limit`; false on
  // the limit.
  bool RunUntil(const std::function<bool()>& done, Ms limit);

  // An operator request: starts it, runs the loop until its answer.
  template <typename T>
  Result<T> Call(const std::string& what, const std::function<Status(Callback<T>)>& start) {
    auto out = std::make_shared<std::optional<Result<T>>>();
    Status s = start([out](Result<T> r) { out->emplace(std::move(r)); });
    if (!s.ok()) return Status(s.code(), fmt::format("{}: {}", what, s.message()));
    if (!RunUntil([&out] { return out->has_value(); }, kCallLimit)) {
      return Status(Error::kSystemError,
                    fmt::format("{}: no answer within {} s", what, kCallLimit.count() / 1000));
    }
    if (!(*out)->ok()) {
      return Status((*out)->status().code(),
                    fmt::format("{}: {}", what, (*out)->status().message()));
    }
    return std::move(**out);
  }

  Status CallStatus(const std::string& what, const std::function<Status(StatusCallback)>& start);

  bool IsMember(int k) const;

  // Runs the loop until every client (but lost sessions) is connected to a
  // member, `ready` holds, at least `min` has passed and nothing changed for
  // kQuiet (SettleMs() then tells when the last change was).
  Status Settle(const std::function<bool()>& ready = {}, Ms min = Ms(0));

  std::vector<uint64_t> MemberCounts(const std::vector<int>& w) const;

  // The operator's hint service: every client gets the connection count of
  // each server of the current configuration — zksim's own count when
  // embedded (the operator's session included, as `srvr` would show),
  // otherwise the runner's clients counted where they are.
  void HintLoads();

  std::vector<double> UpWeights() const;

  // Σ max(0, L_i − T_i) over the up members (0 if none is up).
  uint64_t MinMovers(const std::vector<uint64_t>& loads, const std::vector<double>& weights) const;

  StepResult Report(std::string label, std::string op, const std::vector<int>& before) const;

  // ------------------------------------------------------------ server side
  std::string HookName(size_t k) const { return addrs[k].ToString(); }

  Status Kill(size_t k);

  Status Start(size_t k);

  // Returns the number of connections closed (embedded), or 0 (hook).
  Result<uint64_t> Shed(size_t k, double fraction, int count, int target, int64_t window_ms);

  // ------------------------------------------------------------ operator
  Status EnsureNode(const std::string& path);

  Status Publish(const std::string& path, const RebalancePlan& plan);

  // Reads the configuration and records each universe server's line.
  Status ReadConfig();

  // A reconfig to `next` (universe indices; `obs`: those to be observers).
  // Returns the new configuration's version, or 0 if nothing changed.
  Result<int64_t> Reconfigure(const std::vector<size_t>& next, const std::set<size_t>& obs,
                              bool bulk, bool force = false);

  // Every client (but lost ones) follows configuration `version`.
  bool Tracked(int64_t version) const;
};

}  // namespace zk::experiments

#endif  // ZK_EXPERIMENTS_SRC_ENSEMBLE_DRIVER_H_
