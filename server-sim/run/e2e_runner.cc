#include "run/e2e_runner.h"

#include <fmt/format.h>
#include <uv.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <memory>

#include "zk/client/client.h"
#include "zk/client/logger.h"
#include "zk/hostprovider/random_source.h"
#include "zk/sim/sim_server.h"

namespace zk::sim {
namespace {

using Clock = std::chrono::steady_clock;

Status Fail(std::string what) { return Status(Error::kSystemError, std::move(what)); }

struct Run {
  uv_loop_t loop{};
  SimServer sim;
  std::vector<int> ports;
  std::vector<std::shared_ptr<Client>> clients;
  std::vector<int64_t> session_ids;
  size_t n = 0;

  // Per client: the index of its server, or -1 when not connected.
  std::vector<int> Where() const {
    std::vector<int> w(clients.size(), -1);
    for (size_t i = 0; i < clients.size(); ++i) {
      if (clients[i]->state() != SessionState::kConnected) continue;
      std::optional<HostPort> h = clients[i]->current_server();
      if (!h) continue;
      auto it = std::find(ports.begin(), ports.end(), int(h->port));
      if (it != ports.end()) w[i] = int(it - ports.begin());
    }
    return w;
  }

  // Runs the loop until every client is connected and nothing has changed
  // for `quiet`; returns the time from the call to the last change.
  Result<double> Settle(std::chrono::milliseconds quiet = std::chrono::milliseconds(600)) {
    struct State {
      Run* run;
      Clock::time_point start, last_change;
      std::vector<int> last;
      bool timed_out = false;
      std::chrono::milliseconds quiet;
    } st{this, Clock::now(), Clock::now(), Where(), false, quiet};
    uv_timer_t timer;
    uv_timer_init(&loop, &timer);
    timer.data = &st;
    uv_timer_start(
        &timer,
        [](uv_timer_t* t) {
          auto* s = static_cast<State*>(t->data);
          const auto now = Clock::now();
          std::vector<int> w = s->run->Where();
          if (w != s->last) {
            s->last = std::move(w);
            s->last_change = now;
          }
          const bool all = std::none_of(s->last.begin(), s->last.end(), [](int x) { return x < 0; });
          if ((all && now - s->last_change >= s->quiet) || now - s->start > std::chrono::seconds(60)) {
            s->timed_out = !all;
            uv_timer_stop(t);
            uv_stop(t->loop);
          }
        },
        50, 50);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer), nullptr);
    uv_run(&loop, UV_RUN_NOWAIT);
    if (st.timed_out) return Fail("end to end: clients did not all reconnect within 60 s");
    return std::chrono::duration<double, std::milli>(st.last_change - st.start).count();
  }

  StepResult Report(std::string label, std::string op, const std::vector<int>& before,
                    const std::vector<uint8_t>& up) const {
    StepResult s;
    s.step = std::move(label);
    s.op = std::move(op);
    const std::vector<int> w = Where();
    s.counts.assign(n, 0);
    s.up = up;
    uint64_t connected = 0;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] >= 0) {
        ++s.counts[size_t(w[i])];
        ++connected;
        if (!before.empty() && before[i] != w[i]) ++s.movers;
      }
      const SessionState state = clients[i]->state();
      if (state == SessionState::kExpired || clients[i]->session_id() != session_ids[i]) {
        ++s.sessions_lost;
      }
    }
    const uint64_t mx = *std::max_element(s.counts.begin(), s.counts.end());
    s.max_over_mean = connected == 0 ? 0 : double(mx) * double(n) / double(connected);
    return s;
  }
};

bool Runnable(const ScenarioPolicy& p, std::string* why) {
  if (!p.options.initial_counts.empty()) {
    *why = "a placed start (initial_counts)";
    return false;
  }
  for (const nlohmann::json& s : p.steps) {
    const std::string op = s.value("op", "");
    if (op != "restart" && op != "crash" && op != "recover" && op != "wait") {
      *why = fmt::format("step \"{}\" (end to end supports restart, crash, recover, wait)", op);
      return false;
    }
  }
  return true;
}

Result<PolicyResult> RunPolicy(const ScenarioPolicy& p, size_t pi, const ProgressFn& progress) {
  auto run = std::make_unique<Run>();
  if (uv_loop_init(&run->loop) != 0) return Fail("end to end: uv_loop_init failed");
  run->n = p.options.servers.size();
  SimOptions so;
  so.servers = int(run->n);
  so.seed = p.options.seed;
  if (Status st = run->sim.Start(&run->loop, so); !st.ok()) {
    uv_loop_close(&run->loop);
    return Fail(fmt::format("end to end: zksim: {}", st.ToString()));
  }
  run->ports = run->sim.ClientPorts();
  std::shared_ptr<Logger> quiet = Logger::Null();
  Status failed;
  for (uint32_t i = 0; i < p.options.clients; ++i) {
    ClientOptions co;
    co.connect_string = run->sim.ConnectString();
    co.track_ensemble = false;
    co.session_timeout = std::chrono::milliseconds(30000);
    co.random_seed = DeriveSeed(p.options.seed, i) | 1;  // 0 would mean "random"
    co.logger = quiet;
    co.host_provider = p.options.provider;  // the policy's failover and migration
    Result<std::shared_ptr<Client>> c = Client::Create(&run->loop, co);
    if (!c.ok()) {
      failed = c.status();
      break;
    }
    run->clients.push_back(*c);
  }
  PolicyResult pr;
  pr.policy = p.name;
  pr.failover = FailoverPolicyName(p.options.provider.failover);
  pr.migration = MigrationPolicyName(p.options.provider.migration);
  pr.failover_jitter_ms = p.options.provider.failover_jitter.count();
  std::vector<uint8_t> up(run->n, 1);
  if (failed.ok()) {
    Result<double> t = run->Settle();
    if (!t.ok()) failed = t.status();
  }
  if (failed.ok()) {
    for (const auto& c : run->clients) run->session_ids.push_back(c->session_id());
    pr.start = run->Report("natural start", "start", {}, up);
    pr.start.settle_ms = 0;
    for (size_t si = 0; si < p.steps.size() && failed.ok(); ++si) {
      const nlohmann::json& js = p.steps[si];
      const std::string op = js.value("op", "");
      std::string label = js.value("label", "");
      int idx = -1;
      if (js.contains("server")) {
        const std::string name = js["server"];
        for (size_t k = 0; k < run->n; ++k) {
          if (p.options.servers[k].ToString() == name) idx = int(k);
        }
        if (idx < 0) {
          failed = Status(Error::kBadArguments, fmt::format("step {}: server {} (\"busiest\" is "
                                                            "not supported end to end)",
                                                            si + 1, name));
          break;
        }
      }
      if (label.empty()) label = idx >= 0 ? fmt::format("{} {}", op, js["server"].get<std::string>()) : op;
      const std::vector<int> before = run->Where();
      const uint64_t on_it = idx >= 0 ? uint64_t(std::count(before.begin(), before.end(), idx)) : 0;
      double settle = 0;
      auto settle_once = [&]() {
        Result<double> t = run->Settle();
        if (!t.ok()) {
          failed = t.status();
        } else {
          settle += *t;
        }
      };
      if (op == "crash" || op == "restart") {
        run->sim.Kill(idx + 1);
        up[size_t(idx)] = 0;
        settle_once();
      }
      if (failed.ok() && (op == "recover" || op == "restart")) {
        run->sim.Restart(idx + 1);
        up[size_t(idx)] = 1;
        settle_once();
      }
      if (failed.ok() && op == "wait") settle_once();
      if (!failed.ok()) break;
      StepResult s = run->Report(label, op, before, up);
      s.min_movers = (op == "crash" || op == "restart") ? on_it : 0;
      s.settle_ms = std::round(settle);
      s.t = p.t[si];
      s.inserted = p.inserted[si] != 0;
      pr.total_movers += s.movers;
      pr.total_min_movers += s.min_movers;
      pr.steps.push_back(std::move(s));
      if (progress) progress(pi, si + 1, p.steps.size());
    }
  }
  // Teardown: close every session, stop the ensemble, drain the loop.
  size_t open = run->clients.size();
  for (auto& c : run->clients) {
    c->Close([&open, loop = &run->loop] {
      if (--open == 0) uv_stop(loop);
    });
  }
  if (open > 0) uv_run(&run->loop, UV_RUN_DEFAULT);
  run->clients.clear();
  run->sim.Stop();
  uv_run(&run->loop, UV_RUN_DEFAULT);
  uv_loop_close(&run->loop);
  if (!failed.ok()) return failed;
  return pr;
}

}  // namespace

Result<ExperimentResult> RunEndToEnd(const Scenario& scenario, std::vector<std::string>* notes,
                                     const ProgressFn& progress) {
  ExperimentResult out;
  out.scenario = scenario.name;
  out.description = scenario.description;
  out.mode = "end-to-end";
  out.seed = scenario.seed;
  out.clients = scenario.clients;
  for (size_t pi = 0; pi < scenario.policies.size(); ++pi) {
    const ScenarioPolicy& p = scenario.policies[pi];
    std::string why;
    if (!Runnable(p, &why)) {
      notes->push_back(fmt::format("policy {} skipped end to end: {}", p.name, why));
      continue;
    }
    Result<PolicyResult> r = RunPolicy(p, pi, progress);
    if (!r.ok()) {
      return Status(r.status().code(), fmt::format("policy {}: {}", p.name, r.status().message()));
    }
    out.policies.push_back(std::move(*r));
  }
  if (out.policies.empty()) {
    return Status(Error::kBadArguments, "no policy of this scenario can run end to end yet");
  }
  return out;
}

}  // namespace zk::sim
