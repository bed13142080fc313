// The model simulator: C independent clients, each with its own provider
// state and random stream, driven through a timeline of ensemble events on
// a simulated clock, with no sockets. It is the engine of the experiment
// runner and of the statistical tests.
//
// Each client is a ProviderState (provider_core.h) plus an 8-byte SplitMix64
// state, 64 bytes in one contiguous array; all clients share one
// ProviderContext. Every decision goes through the same core functions as
// HostProvider (core::Next, core::OnConnected, core::UpdateServerList,
// core::FollowPlan); the simulator only decides which attempts succeed (a
// server that is up accepts every connection) and counts.
//
// Model: a client is either connected to one server or disconnected. A step
// changes the ensemble; every client it affects calls Next() until an
// attempt succeeds (at most 3 passes over the list; then it stays
// disconnected and retries at the end of every later step).
//
// Time (discrete events, deterministic): the simulator has a clock in ms,
// 0 at the start. A step begins when the previous one has settled (its
// last attempt), at StepReport::start_ms. Within a step:
//   - a client affected by a list change or a plan applies it after a
//     uniform random delay in [0, migration_jitter] (the SDK's
//     ClientOptions::tracking_jitter), drawn from the simulator's timing
//     stream (DeriveSeed(seed, 2^64 - 2)), one draw per applying client in
//     client order, never from the client's own stream: the jitter moves
//     events in time and never changes a decision;
//   - a client that loses its connection (crash, shed, a move) leaves at
//     that instant and makes each attempt after the delay Next() returns
//     (failover_jitter, round_delay: the SDK's own delays); an attempt
//     itself takes no time (loopback: far below the 100 ms resolution);
//   - a restarted server comes back when its clients have settled; a plan
//     with passes > 1 publishes each pass when the previous one settled;
//     an exact plan's shed comes when its followers have settled;
//   - a wait step lets `duration` pass; nothing else happens.
// Within a step the clients do not see each other (a load-aware client
// reads the counts of the step's beginning, see below), so the order in
// which the simulator processes them does not change any decision and the
// times can be computed client by client.
//
// Steps:
//   reconfigure  the ensemble becomes `servers` (added servers are up); every
//                client calls UpdateServerList with its current server
//   crash        the server goes down; its clients fail over
//   recover      the server comes back, empty
//   restart      crash then recover (a rolling-restart step)
//   plan         a load-aware plan (equal targets over the up servers) from
//                the current counts; following clients apply it. With
//                passes > 1 the operator re-reads the counts after each
//                round of moves and publishes a new version while the
//                servers are not balanced (each pass shrinks the binomial
//                noise the previous one left); movers then counts moves.
//   exact-plan   an exact plan naming following sessions; the part of the
//                excess held by non-followers is shed (they fail over)
//   shed         round(fraction × load) random clients of the server lose
//                their connection (ZOOKEEPER-2748) and fail over
//   wait         time passes (`duration`)
// After each step a StepReport gives per-server counts, movers, the minimum
// movers for a balanced result, max/mean, and the step on the clock: its
// settle time, the peak connection rate and the counts over time.
//
// Load hints: when the failover or migration policy is load-aware, the
// clients see the connection counts as they were at the start of the step
// (what a periodic `srvr` poll would have shown).
#ifndef ZK_HOSTPROVIDER_MODEL_SIMULATOR_H_
#define ZK_HOSTPROVIDER_MODEL_SIMULATOR_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zk/hostprovider/provider_core.h"
#include "zk/hostprovider/server_list.h"
#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk {

enum class ModelStepKind : uint8_t {
  kReconfigure,
  kCrash,
  kRecover,
  kRestart,
  kPlan,
  kExactPlan,
  kShed,
  kWait,
};

std::string_view ModelStepKindName(ModelStepKind k);  // "reconfigure", "exact-plan", ...
std::optional<ModelStepKind> ParseModelStepKind(std::string_view name);

struct ModelStep {
  ModelStepKind kind = ModelStepKind::kPlan;
  std::vector<HostPort> servers;             // kReconfigure: the new list
  HostPort server;                           // kCrash, kRecover, kRestart, kShed
  double fraction = 0;                       // kShed: in [0, 1]
  uint32_t passes = 1;                       // kPlan: publications, each from fresh counts
  std::chrono::milliseconds duration{5000};  // kWait: >= 0
  std::string label;                         // for reports; a default is made from the step

  static ModelStep Reconfigure(std::vector<HostPort> servers, std::string label = {});
  static ModelStep Crash(HostPort server);
  static ModelStep Recover(HostPort server);
  static ModelStep Restart(HostPort server);
  static ModelStep Plan(uint32_t passes = 1);
  static ModelStep ExactPlan();
  static ModelStep Shed(HostPort server, double fraction);
  static ModelStep Wait(std::chrono::milliseconds duration, std::string label = {});

  std::string DefaultLabel() const;
};

struct ModelOptions {
  uint32_t clients = 10000;
  uint64_t seed = 1;  // client i draws from SplitMix64(DeriveSeed(seed, i))
  ProviderOptions provider;
  // The fraction of clients that follow plans (drawn per client from the
  // seed). The others ignore plan and exact-plan steps.
  double follower_fraction = 1.0;
  std::vector<HostPort> servers;  // the initial ensemble, all up
  // Empty: natural start (every client connects through its provider).
  // Otherwise one count per server, summing to `clients`: client k is placed
  // on its server by running its provider until it reaches that server (as
  // if the others had been unreachable), e.g. {900, 50, 50}.
  std::vector<uint64_t> initial_counts;
  // The delay before a client applies a list change or a plan: uniform in
  // [0, migration_jitter] (see "Time" above). Default 0: all at once.
  std::chrono::milliseconds migration_jitter{0};
  // The period of StepReport::series (> 0). A step longer than 10,000
  // periods is sampled at a power-of-two multiple of it (at most 10,003
  // samples).
  std::chrono::milliseconds sample_period{100};
};

// The counts at one instant of a step.
struct CountsAt {
  int64_t time_ms = 0;           // on the simulator's clock
  std::vector<uint64_t> counts;  // per server of the report's `servers`
  // Clients not on a server of `servers`: disconnected, or still connected
  // to a server the step removed from the list.
  uint64_t elsewhere = 0;
  // Connections established in (previous sample, this one].
  uint64_t connects = 0;
};

struct StepReport {
  std::string label;
  std::vector<HostPort> servers;
  std::vector<uint64_t> counts;  // per server of `servers`
  std::vector<uint8_t> up;       // per server: 1 if up
  uint64_t connected = 0;
  uint64_t disconnected = 0;
  uint64_t movers = 0;      // connected clients whose server changed
  uint64_t min_movers = 0;  // fewest moves that reach integer balance over the up servers
  // The minimum from a balanced start, C·max(|O|/|S|, |N|/|S'|), for
  // reconfigure steps (the paper's yardstick); min_movers for other steps.
  double balanced_start_min_movers = 0;
  double max_over_mean = 0;  // max count / (connected / servers)
  uint64_t shed = 0;         // connections shed by the step
  uint64_t attempts = 0;     // connection attempts made in the step

  // The step on the clock (see "Time" above).
  int64_t start_ms = 0;  // when it began
  // From start_ms to the last change of a count the step caused (a client
  // leaving or landing on a server); 0 when it changed nothing.
  int64_t settle_ms = 0;
  // When the next step may begin: start_ms + max(settle_ms, the time of its
  // last attempt); a wait: start_ms + duration.
  int64_t end_ms = 0;
  uint64_t connects = 0;  // connections established in the step
  // The most connections established in any window [x, x + 1000 ms).
  uint64_t peak_connects_per_s = 0;
  // The counts from start_ms (before anything happened) every sample_period
  // to start_ms + settle_ms (the settled counts, equal to `counts`), and at
  // end_ms if later (the same counts); at least two samples, the first at
  // start_ms.
  std::vector<CountsAt> series;

  // movers / min_movers (1 when both are 0).
  double MoversOverMinimum() const;
  // movers / balanced_start_min_movers (1 when both are 0).
  double MoversOverBalancedStartMinimum() const;
  // One line: label, counts, movers, minimum, max/mean.
  std::string ToString() const;
};

class ModelSimulator {
 public:
  // Builds the clients and runs the start (natural or placed) at time 0.
  // Errors (kBadArguments): no clients, a bad server list, initial_counts
  // of the wrong size or sum, follower_fraction outside [0, 1], a negative
  // migration_jitter, a sample_period <= 0.
  static Result<ModelSimulator> Create(ModelOptions options);

  ModelSimulator(ModelSimulator&&) = default;
  ModelSimulator& operator=(ModelSimulator&&) = default;

  const StepReport& start_report() const { return start_report_; }

  // Errors (kBadArguments), before anything changes: an unknown server, a
  // bad list, a fraction outside [0, 1], a negative wait.
  Result<StepReport> Run(const ModelStep& step);
  // Runs the steps in order; stops at the first error.
  Result<std::vector<StepReport>> RunAll(const std::vector<ModelStep>& steps);

  const ServerList& servers() const { return list_; }
  const std::vector<uint64_t>& counts() const { return counts_; }
  const ModelOptions& options() const { return options_; }
  // The clock: when the next step begins.
  int64_t now_ms() const { return now_ms_; }
  // The state of client k (tests).
  const ProviderState& TEST_client(uint32_t k) const { return clients_[k].state; }

 private:
  struct Client {
    ProviderState state;
    uint64_t random;  // SplitMix64 state
  };
  static_assert(sizeof(Client) <= 64, "keep a client in one cache line");

  explicit ModelSimulator(ModelOptions options);

  class Trace;  // the events of one step on the clock (model_simulator.cc)

  void Start();
  // Runs client k's provider until it connects (true) or gives up. `*t`:
  // in, when it starts (ms from the step's start); out, the time of its
  // last attempt (of the connection when it connects).
  bool Connect(Client& c, uint64_t* attempts, int64_t* t);
  bool ConnectTo(Client& c, uint32_t server, uint64_t* attempts);
  // Client c loses its connection at `t` (lost, shed, told to move) and
  // reconnects; updates counts_ and the trace. Returns whether it ended on
  // a different server.
  bool Reconnect(Client& c, uint64_t* attempts, int64_t t, Trace* trace);
  void RetryDisconnected(uint64_t* attempts, int64_t t, Trace* trace);
  // The delay before a client applies a list change or a plan.
  int64_t MigrationDelay();
  void RefreshLoadHint();

  StepReport Report(std::string label) const;
  uint64_t Disconnected() const;  // clients without a connection
  // Fills the report's times and series from the trace, and advances the
  // clock to the step's end.
  void Finish(const Trace& trace, StepReport* r);
  uint64_t MinMoversOverUp(const std::vector<uint64_t>& loads,
                           const std::vector<uint8_t>& eligible) const;

  StepReport DoReconfigure(const ModelStep& step, ServerList new_list);
  StepReport DoCrash(uint32_t server, std::string label, bool recover);
  StepReport DoRecover(uint32_t server, std::string label);
  StepReport DoPlan(std::string label, uint32_t passes);
  StepReport DoExactPlan(std::string label);
  StepReport DoShed(uint32_t server, double fraction, std::string label);
  StepReport DoWait(std::chrono::milliseconds duration, std::string label);

  ModelOptions options_;
  ServerList list_;
  ProviderContext ctx_;
  std::vector<Client> clients_;
  std::vector<uint8_t> follower_;
  std::vector<uint8_t> up_;
  std::vector<uint64_t> counts_;
  uint64_t sim_random_ = 0;     // SplitMix64 state for the simulator's own draws
  uint64_t timing_random_ = 0;  // SplitMix64 state for migration delays
  int64_t now_ms_ = 0;
  uint64_t plan_version_ = 0;
  StepReport start_report_;
};

// "zk1:2181" ... "zk<n>:2181".
std::vector<HostPort> NumberedServers(uint32_t n, uint16_t port = 2181);

// The sequence of §5.1 of the paper (and of the C client's
// TestReconfig.cc testLoadBalancing) on 9 servers s1..s9: remove s9;
// remove s7, s8; remove s1 and add back s7, s8, s9; add back s1.
// REQUIRES: nine.size() == 9.
std::vector<ModelStep> Section51Timeline(const std::vector<HostPort>& nine);

// `rounds` rolling restarts of every server in list order, optionally with a
// plan (exact, or probabilistic with `plan_passes`) after each restart.
std::vector<ModelStep> RollingRestartTimeline(const std::vector<HostPort>& servers, int rounds,
                                              std::optional<ModelStepKind> plan_after_each = {},
                                              uint32_t plan_passes = 1);

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_MODEL_SIMULATOR_H_
