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
// The steps are model_step.h's; after each one a StepReport
// (model_report.h) gives per-server counts, movers, the minimum movers and
// the step on the clock. Canned timelines: model_timelines.h.
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

#include "zk/hostprovider/model_report.h"
#include "zk/hostprovider/model_step.h"
#include "zk/hostprovider/model_timelines.h"
#include "zk/hostprovider/provider_core.h"
#include "zk/hostprovider/server_list.h"
#include "zk/wire/host_port.h"
#include "zk/wire/status.h"

namespace zk {

class ModelTrace;  // the events of one step on the clock (src/model_trace.h)

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

  void Start();
  // Runs client k's provider until it connects (true) or gives up. `*t`:
  // in, when it starts (ms from the step's start); out, the time of its
  // last attempt (of the connection when it connects).
  bool Connect(Client& c, uint64_t* attempts, int64_t* t);
  bool ConnectTo(Client& c, uint32_t server, uint64_t* attempts);
  // Client c loses its connection at `t` (lost, shed, told to move) and
  // reconnects; updates counts_ and the trace. Returns whether it ended on
  // a different server.
  bool Reconnect(Client& c, uint64_t* attempts, int64_t t, ModelTrace* trace);
  void RetryDisconnected(uint64_t* attempts, int64_t t, ModelTrace* trace);
  // The delay before a client applies a list change or a plan.
  int64_t MigrationDelay();
  void RefreshLoadHint();

  StepReport Report(std::string label) const;
  uint64_t Disconnected() const;  // clients without a connection
  // Fills the report's times and series from the trace, and advances the
  // clock to the step's end.
  void Finish(const ModelTrace& trace, StepReport* r);
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

}  // namespace zk

#endif  // ZK_HOSTPROVIDER_MODEL_SIMULATOR_H_
