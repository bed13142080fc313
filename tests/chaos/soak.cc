#include "soak.h"

#include <uv.h>

#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "verify.h"
#include "zk/client/client.h"

namespace zk::chaos {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool Transient(Error e) {
  return e == Error::kConnectionLoss || e == Error::kOperationTimeout ||
         e == Error::kSessionMoved || e == Error::kThrottledOp;
}

struct OneShotState {
  OneShotRecord record;
  bool in_flight = false;  // a getChildren with its watcher is out
  bool armed = false;      // the last getChildren succeeded; its watch has not fired
  Clock::time_point retry_at{};
};

struct Session {
  int index = 0;
  std::shared_ptr<Client> client;
  int64_t session_id = 0;
  bool connected = false, ever_connected = false, expired = false;
  bool in_outage = false;
  Clock::time_point outage_from{};
  std::vector<Outage> outages;
  // setup
  bool ephemeral_done = false, ephemeral_in_flight = false;
  bool node_done = false, node_in_flight = false;
  bool watch_done = false, watch_in_flight = false;
  bool ready_counted = false;
  // writes
  SessionWrites writes;
  int writes_in_flight = 0;
  Clock::time_point next_write{};
  // watches
  std::vector<ReceivedEvent> events;
  int64_t foreign_events = 0;
  std::vector<OneShotState> oneshot;
};

struct WriterOp {
  int parent = 0;
  EventType type{};
  int64_t child = 0;
  int attempts = 0;
  Clock::time_point requested{};
};

class Soak {
 public:
  explicit Soak(const SoakOptions& o) : o_(o), rng_(o.seed) {
    if (o_.root.empty()) o_.root = fmt::format("/chaos-{}", o_.seed);
  }

  int Run() {
    uv_loop_init(&loop_);
    uv_timer_init(&loop_, &tick_);
    tick_.data = this;
    start_ = Clock::now();
    phase_deadline_ = start_ + std::chrono::seconds(o_.setup_s);
    ClientOptions co = BaseOptions(o_.seed ^ 0xc0ffee);
    co.plan_path.clear();
    auto c = Client::Create(&loop_, co);
    if (!c.ok()) {
      fmt::print(stderr, "chaos-soak: bad connect string: {}\n", c.status().ToString());
      uv_loop_close(&loop_);
      return 2;
    }
    ctl_ = c.value();
    auto w = Client::Create(&loop_, BaseOptions(o_.seed ^ 0xbeef));
    writer_ = w.value();
    uv_timer_start(&tick_, [](uv_timer_t* t) { static_cast<Soak*>(t->data)->Tick(); }, 10, 10);
    if (o_.duration_s == 0) {
      uv_pipe_init(&loop_, &stdin_, 0);
      stdin_.data = this;
      if (uv_pipe_open(&stdin_, 0) == 0) {
        stdin_open_ = true;
        uv_read_start(reinterpret_cast<uv_stream_t*>(&stdin_),
                      [](uv_handle_t*, size_t, uv_buf_t* b) {
                        static char buf[256];
                        *b = uv_buf_init(buf, sizeof buf);
                      },
                      [](uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
                        static_cast<Soak*>(s->data)->OnStdin(n, b);
                      });
      } else {
        fmt::print(stderr, "chaos-soak: stdin is not a pipe; give --duration-s\n");
        uv_close(reinterpret_cast<uv_handle_t*>(&stdin_), nullptr);
        exit_code_ = 2;
        phase_ = Phase::kClosing;
      }
    }
    uv_run(&loop_, UV_RUN_DEFAULT);
    uv_loop_close(&loop_);
    return exit_code_;
  }

 private:
  enum class Phase { kSetup, kRunning, kStopping, kSettling, kVerifying, kClosing, kDone };

  ClientOptions BaseOptions(uint64_t seed) {
    ClientOptions co;
    co.connect_string = o_.connect;
    co.session_timeout = o_.session_timeout;
    co.random_seed = seed == 0 ? 1 : seed;
    co.plan_path = o_.plan_path;
    co.logger = std::make_shared<Logger>(
        [](LogLevel, std::string_view) { /* thousands of sessions: reconnect chatter dropped */ },
        LogLevel::kOff);
    return co;
  }

  // Every async call goes through Track: its callback is counted, so that a
  // callback never called or called twice is found.
  template <typename Call, typename Cb>
  Status Track(Call call, Cb cb) {
    size_t id = completions_.size();
    completions_.push_back(0);
    Status st = call([this, id, cb = std::move(cb)](auto r) mutable {
      if (completions_[id]++ != 0) ++doubled_completions_;
      cb(std::move(r));
    });
    if (!st.ok()) completions_[id] = 1;  // refused at the call: its callback is never called
    return st;
  }

  static int64_t ParseSequence(const std::string& path) {
    if (path.size() < 10) return -1;
    return std::strtoll(path.c_str() + path.size() - 10, nullptr, 10);
  }

  std::string Own(int i) const { return fmt::format("{}/w/{}", o_.root, i); }
  std::string Eph(int i) const { return fmt::format("{}/e/{}", o_.root, i); }
  std::string Parent(int k) const { return fmt::format("{}/watched/{}", o_.root, k); }
  std::string Child(int k, int64_t n) const { return fmt::format("{}/c-{}", Parent(k), n); }

  // ------------------------------------------------------------ setup
  void SetupTree() {
    if (tree_in_flight_ || tree_done_) return;
    std::vector<std::string> paths = {o_.root, o_.root + "/w", o_.root + "/e",
                                      o_.root + "/watched"};
    for (int k = 0; k < o_.watched_parents; ++k) paths.push_back(Parent(k));
    tree_in_flight_ = true;
    CreateChain(std::make_shared<std::vector<std::string>>(std::move(paths)), 0);
  }
  void CreateChain(std::shared_ptr<std::vector<std::string>> paths, size_t i) {
    if (i == paths->size()) {
      tree_done_ = true;
      tree_in_flight_ = false;
      return;
    }
    Status st = Track(
        [&](auto cb) {
          return ctl_->CreateNode((*paths)[i], std::nullopt, {}, CreateMode::kPersistent, cb);
        },
        [this, paths, i](Result<CreateResult> r) {
          if (r.ok() || r.status().code() == Error::kNodeExists) return CreateChain(paths, i + 1);
          tree_in_flight_ = false;  // retried by the tick
        });
    if (!st.ok()) tree_in_flight_ = false;
  }

  void AddSession() {
    auto s = std::make_unique<Session>();
    Session* p = s.get();
    p->index = static_cast<int>(sessions_.size());
    p->writes.session = p->index;
    p->oneshot.resize(static_cast<size_t>(o_.watched_parents));
    ClientOptions co = BaseOptions(o_.seed * 1000003 + static_cast<uint64_t>(p->index) + 7);
    co.session_watcher = [this, p](SessionState st) { OnState(p, st); };
    auto c = Client::Create(&loop_, co);
    p->client = c.value();
    sessions_.push_back(std::move(s));
  }

  void OnState(Session* s, SessionState st) {
    auto now = Clock::now();
    if (st == SessionState::kConnected) {
      if (s->in_outage) s->outages.push_back({s->outage_from, now});
      s->in_outage = false;
      s->connected = true;
      if (!s->ever_connected) s->session_id = s->client->session_id();
      s->ever_connected = true;
    } else if (st == SessionState::kDisconnected || st == SessionState::kConnectedReadOnly) {
      if (!s->in_outage) {
        s->in_outage = true;
        s->outage_from = now;
      }
      s->connected = false;
    } else if (st == SessionState::kExpired || st == SessionState::kAuthFailed) {
      s->expired = true;
      s->connected = false;
      if (!s->in_outage) {
        s->in_outage = true;
        s->outage_from = now;
      }
      fmt::print("chaos-soak: session {} (0x{:016x}) {}\n", s->index, s->session_id,
                 SessionStateName(st));
    }
  }

  void SessionSetup(Session* s) {
    if (!s->ever_connected || s->expired) return;
    if (!s->ephemeral_done && !s->ephemeral_in_flight) {
      s->ephemeral_in_flight = true;
      Status st = Track(
          [&](auto cb) {
            return s->client->CreateNode(Eph(s->index), "owner", {}, CreateMode::kEphemeral, cb);
          },
          [s](Result<CreateResult> r) {
            s->ephemeral_in_flight = false;
            // NodeExists after a lost reply: the first create was applied
            // (the owner is checked at the end).
            if (r.ok() || r.status().code() == Error::kNodeExists) s->ephemeral_done = true;
          });
      if (!st.ok()) s->ephemeral_in_flight = false;
    }
    if (!s->node_done && !s->node_in_flight) {
      s->node_in_flight = true;
      Status st = Track(
          [&](auto cb) {
            return s->client->CreateNode(Own(s->index), std::nullopt, {}, CreateMode::kPersistent,
                                         cb);
          },
          [s](Result<CreateResult> r) {
            s->node_in_flight = false;
            if (r.ok() || r.status().code() == Error::kNodeExists) s->node_done = true;
          });
      if (!st.ok()) s->node_in_flight = false;
    }
    if (!s->watch_done && !s->watch_in_flight) {
      s->watch_in_flight = true;
      std::string prefix = o_.root + "/watched/";
      Status st = Track(
          [&](auto cb) {
            return s->client->AddWatch(
                o_.root + "/watched", AddWatchMode::kPersistentRecursive,
                [this, s, prefix](const WatchEvent& e) { OnPersistent(s, prefix, e); }, cb);
          },
          [s](Status r) {
            s->watch_in_flight = false;
            if (r.ok()) s->watch_done = true;
          });
      if (!st.ok()) s->watch_in_flight = false;
    }
    for (int k = 0; k < o_.watched_parents; ++k) ArmOneShot(s, k);
  }

  bool SessionReady(const Session* s) const {
    if (!s->ephemeral_done || !s->node_done || !s->watch_done) return false;
    for (const auto& w : s->oneshot) {
      if (w.record.read_cversions.empty()) return false;
    }
    return true;
  }

  // ------------------------------------------------------------ watches
  void OnPersistent(Session* s, const std::string& prefix, const WatchEvent& e) {
    if (e.type == EventType::kNone) return;  // the session's end
    // <root>/watched/<k>/c-<n>
    int k = -1;
    int64_t n = -1;
    if (e.path.compare(0, prefix.size(), prefix) == 0 &&
        std::sscanf(e.path.c_str() + prefix.size(), "%d/c-%ld", &k, &n) == 2 &&
        e.path == Child(k, n)) {
      s->events.push_back({e.type, k, n, Clock::now()});
      ++events_received_;
    } else {
      ++s->foreign_events;
      if (foreign_noted_++ < 10) {
        fmt::print("chaos-soak: session {}: persistent event {} on {}\n", s->index,
                   EventTypeName(e.type), e.path);
      }
    }
  }

  void ArmOneShot(Session* s, int k) {
    OneShotState& w = s->oneshot[static_cast<size_t>(k)];
    if (w.in_flight || w.armed || s->expired || Clock::now() < w.retry_at) return;
    w.in_flight = true;
    auto fired = std::make_shared<int>(0);
    Status st = Track(
        [&](auto cb) {
          return s->client->GetChildren(
              Parent(k),
              [this, s, k, fired](const WatchEvent& e) {
                if (e.type == EventType::kNone) return;
                OneShotState& ws = s->oneshot[static_cast<size_t>(k)];
                if ((*fired)++ > 0) {
                  ++ws.record.registrations_fired_twice;
                  return;
                }
                if (e.type != EventType::kNodeChildrenChanged) ++ws.record.foreign_events;
                ws.armed = false;
                ++oneshot_events_;
                ArmOneShot(s, k);
              },
              cb);
        },
        [this, s, k](Result<ChildrenResult> r) {
          OneShotState& ws = s->oneshot[static_cast<size_t>(k)];
          ws.in_flight = false;
          if (r.ok()) {
            ws.record.read_cversions.push_back(r->stat.cversion);
            // The watch may already have fired (notifications come before
            // the reply); then it re-armed itself.
            if (!ws.in_flight) ws.armed = true;
          } else {
            ws.retry_at = Clock::now() + milliseconds(100);
          }
        });
    if (!st.ok()) {
      w.in_flight = false;
      w.retry_at = Clock::now() + milliseconds(100);
    }
  }

  // ------------------------------------------------------------ writes
  void MaybeWrite(Session* s, Clock::time_point now) {
    if (s->writes_in_flight >= o_.pipeline || now < s->next_write || s->expired) return;
    int64_t counter = s->writes.issued;
    std::string prefix = fmt::format("{}/n-{:08d}-", Own(s->index), counter);
    ++s->writes_in_flight;
    Status st = Track(
        [&](auto cb) {
          return s->client->CreateNode(prefix, std::nullopt, {}, CreateMode::kPersistentSequential,
                                       cb);
        },
        [this, s, counter](Result<CreateResult> r) {
          --s->writes_in_flight;
          if (r.ok()) {
            s->writes.acked[counter] = ParseSequence(r->path);
            ++acked_writes_;
          } else {
            s->writes.uncertain.push_back(counter);
            if (!Transient(r.status().code()) && error_noted_++ < 10) {
              fmt::print("chaos-soak: session {}: write {}: {}\n", s->index, counter,
                         r.status().ToString());
            }
          }
        });
    if (st.ok()) {
      ++s->writes.issued;
    } else {
      --s->writes_in_flight;
    }
    ScheduleWrite(s);
  }
  void ScheduleWrite(Session* s) {
    std::uniform_int_distribution<int> d(o_.write_min_ms, o_.write_max_ms);
    s->next_write = Clock::now() + milliseconds(d(rng_));
  }

  // The writer: per parent create c-n, set c-n (version 0), delete c-(n-1).
  // A retried op that finds its effect (NodeExists, BadVersion, NoNode) was
  // applied by its first try, whose reply was lost.
  void WriterStep(Clock::time_point now) {
    if (writer_busy_ || now < writer_next_) return;
    if (!writer_op_) {
      int k = writer_parent_;
      writer_parent_ = (writer_parent_ + 1) % o_.watched_parents;
      int64_t& n = writer_n_[static_cast<size_t>(k)];
      int& step = writer_step_[static_cast<size_t>(k)];
      WriterOp op;
      op.parent = k;
      if (step == 0) {
        op.type = EventType::kNodeCreated;
        op.child = n;
      } else if (step == 1) {
        op.type = EventType::kNodeDataChanged;
        op.child = n;
      } else {
        op.type = EventType::kNodeDeleted;
        op.child = n - 1;
      }
      step = (step + 1) % 3;
      if (step == 0) ++n;
      if (op.type == EventType::kNodeDeleted && op.child < 0) return;  // nothing to delete yet
      op.requested = now;
      writer_op_ = op;
    }
    WriterOp& op = *writer_op_;
    writer_busy_ = true;
    bool retry = op.attempts++ > 0;
    std::string path = Child(op.parent, op.child);
    auto done = [this, retry](Error e) {
      writer_busy_ = false;
      WriterOp& cur = *writer_op_;
      bool applied_before = retry && ((cur.type == EventType::kNodeCreated && e == Error::kNodeExists) ||
                                      (cur.type == EventType::kNodeDataChanged && e == Error::kBadVersion) ||
                                      (cur.type == EventType::kNodeDeleted && e == Error::kNoNode));
      if (e == Error::kOk || applied_before) {
        changes_.push_back({cur.parent, cur.type, cur.child, cur.requested, Clock::now()});
        writer_op_.reset();
        writer_next_ = Clock::now() + milliseconds(o_.writer_pause_ms);
        return;
      }
      if (!Transient(e) && e != Error::kSessionExpired) {
        fmt::print("chaos-soak: writer: {} {}/c-{}: {}\n", EventTypeName(cur.type), cur.parent,
                   cur.child, Status(e).ToString());
        ++writer_errors_;
      }
      writer_next_ = Clock::now() + milliseconds(100);  // retried
    };
    Status st;
    if (op.type == EventType::kNodeCreated) {
      st = Track([&](auto cb) { return writer_->CreateNode(path, "c", {}, CreateMode::kPersistent, cb); },
                 [done](Result<CreateResult> r) { done(r.status().code()); });
    } else if (op.type == EventType::kNodeDataChanged) {
      st = Track([&](auto cb) { return writer_->SetData(path, "changed", 0, cb); },
                 [done](Result<Stat> r) { done(r.status().code()); });
    } else {
      st = Track([&](auto cb) { return writer_->Delete(path, -1, cb); },
                 [done](Status r) { done(r.code()); });
    }
    if (!st.ok()) {
      writer_busy_ = false;
      writer_next_ = now + milliseconds(100);
    }
  }

  // ------------------------------------------------------------ phases
  void OnStdin(ssize_t n, const uv_buf_t* b) {
    if (n < 0 || (n > 0 && std::string_view(b->base, static_cast<size_t>(n)).find("stop") !=
                               std::string_view::npos)) {
      stop_requested_ = true;
      uv_read_stop(reinterpret_cast<uv_stream_t*>(&stdin_));
    }
  }

  void Progress(Clock::time_point now) {
    if (now < next_progress_) return;
    next_progress_ = now + std::chrono::seconds(10);
    int connected = 0;
    for (auto& s : sessions_) connected += s->connected ? 1 : 0;
    size_t outages = 0;
    for (auto& s : sessions_) outages += s->outages.size() + (s->in_outage ? 1 : 0);
    fmt::print("chaos-soak: t={}s phase={} sessions={} connected={} writes={} changes={} "
               "persistent_events={} oneshot_events={} outages={}\n",
               std::chrono::duration_cast<std::chrono::seconds>(now - start_).count(),
               static_cast<int>(phase_), sessions_.size(), connected, acked_writes_,
               changes_.size(), events_received_, oneshot_events_, outages);
    std::fflush(stdout);
  }

  void Tick() {
    auto now = Clock::now();
    Progress(now);
    switch (phase_) {
      case Phase::kSetup: {
        SetupTree();
        if (!tree_done_) break;
        for (int i = 0; i < 25 && static_cast<int>(sessions_.size()) < o_.sessions; ++i) {
          AddSession();
        }
        int ready = 0;
        for (auto& s : sessions_) {
          if (!s->ready_counted) SessionSetup(s.get());
          if (!s->ready_counted && SessionReady(s.get())) s->ready_counted = true;
          ready += s->ready_counted ? 1 : 0;
        }
        if (ready == o_.sessions) {
          phase_ = Phase::kRunning;
          for (auto& s : sessions_) ScheduleWrite(s.get());
          writer_n_.assign(static_cast<size_t>(o_.watched_parents), 0);
          writer_step_.assign(static_cast<size_t>(o_.watched_parents), 0);
          running_since_ = now;
          fmt::print("chaos-soak: ready sessions={} after {} ms\n", ready,
                     std::chrono::duration_cast<milliseconds>(now - start_).count());
          std::fflush(stdout);
        } else if (now > phase_deadline_ || stop_requested_) {
          fmt::print("chaos-soak: setup incomplete: {} of {} sessions ready after {} s\n", ready,
                     o_.sessions, o_.setup_s);
          exit_code_ = 2;
          BeginClose();
        }
        break;
      }
      case Phase::kRunning:
        for (auto& s : sessions_) {
          for (int k = 0; k < o_.watched_parents; ++k) ArmOneShot(s.get(), k);
          MaybeWrite(s.get(), now);
        }
        WriterStep(now);
        if (stop_requested_ ||
            (o_.duration_s > 0 && now - running_since_ > std::chrono::seconds(o_.duration_s))) {
          phase_ = Phase::kStopping;
          phase_deadline_ = now + std::chrono::seconds(o_.settle_s);
          fmt::print("chaos-soak: stopping writes\n");
        }
        break;
      case Phase::kStopping: {
        bool busy = writer_busy_ || writer_op_.has_value();
        if (writer_op_) WriterStep(now);  // finish the writer's current change
        for (auto& s : sessions_) {
          busy = busy || s->writes_in_flight > 0;
          for (int k = 0; k < o_.watched_parents; ++k) ArmOneShot(s.get(), k);
        }
        if (!busy) {
          phase_ = Phase::kSettling;
          ReadFinalCversions();
        } else if (now > phase_deadline_) {
          fmt::print("chaos-soak: writes still in flight after {} s\n", o_.settle_s);
          phase_ = Phase::kSettling;
          ReadFinalCversions();
        }
        break;
      }
      case Phase::kSettling: {
        for (auto& s : sessions_) {
          for (int k = 0; k < o_.watched_parents; ++k) ArmOneShot(s.get(), k);
        }
        if (final_reads_pending_ > 0) break;
        if (Converged() || now > phase_deadline_) {
          if (now > phase_deadline_) fmt::print("chaos-soak: not converged after {} s\n", o_.settle_s);
          phase_ = Phase::kVerifying;
          verify_deadline_ = now + std::chrono::seconds(30);
          StartVerify();
        }
        break;
      }
      case Phase::kVerifying: {
        // A session may be between two servers at this instant (a plan's
        // move): wait (bounded) until every live session is connected.
        bool all_connected = true;
        for (auto& s : sessions_) all_connected = all_connected && (s->expired || s->connected);
        if (verify_pending_ == 0 && (all_connected || now > verify_deadline_)) {
          auto waited = std::chrono::duration_cast<milliseconds>(
              now - (verify_deadline_ - std::chrono::seconds(30)));
          if (!all_connected || waited > milliseconds(1000)) {
            fmt::print("chaos-soak: waited {} ms for sessions to reconnect before the checks\n",
                       waited.count());
          }
          Verify();
          BeginClose();
        }
        break;
      }
      case Phase::kClosing:
        if (!closing_started_) BeginClose();
        if (closes_pending_ == 0 || now > close_deadline_) {
          if (closes_pending_ > 0) fmt::print("chaos-soak: {} sessions not closed after 30 s\n", closes_pending_);
          Finish();
        }
        break;
      case Phase::kDone:
        break;
    }
  }

  void ReadFinalCversions() {
    final_cversion_.assign(static_cast<size_t>(o_.watched_parents), -1);
    for (int k = 0; k < o_.watched_parents; ++k) ReadFinal(k);
    ReadFinalConfig();
  }
  void ReadFinalConfig() {
    ++final_reads_pending_;
    Status st = Track([&](auto cb) { return ctl_->GetConfig(nullptr, cb); },
                      [this](Result<ConfigResult> r) {
                        --final_reads_pending_;
                        if (r.ok()) {
                          final_config_version_ = r->version;
                        } else {
                          ReadFinalConfig();
                        }
                      });
    if (!st.ok()) --final_reads_pending_;
  }
  void ReadFinal(int k) {
    ++final_reads_pending_;
    Status st = Track([&](auto cb) { return ctl_->GetChildren(Parent(k), nullptr, cb); },
                      [this, k](Result<ChildrenResult> r) {
                        --final_reads_pending_;
                        if (r.ok()) {
                          final_cversion_[static_cast<size_t>(k)] = r->stat.cversion;
                        } else {
                          ReadFinal(k);
                        }
                      });
    if (!st.ok()) --final_reads_pending_;
  }

  bool Converged() const {
    // Every session connected, every one-shot watch re-armed at the final
    // cversion, every persistent watch past the last change of each parent
    // (unless the session was disconnected after it).
    for (const auto& s : sessions_) {
      if (s->expired) continue;
      if (!s->connected) return false;
      if (s->client->tracked_config_version() != final_config_version_) return false;
      for (int k = 0; k < o_.watched_parents; ++k) {
        const auto& rc = s->oneshot[static_cast<size_t>(k)].record.read_cversions;
        if (rc.empty() || rc.back() != final_cversion_[static_cast<size_t>(k)]) return false;
      }
      if (!changes_.empty() && !s->outages.empty() &&
          s->outages.back().to >= changes_.back().requested) {
        continue;
      }
      if (!changes_.empty()) {
        const Change& last = changes_.back();
        bool got = false;
        for (auto it = s->events.rbegin(); it != s->events.rend() && !got; ++it) {
          got = it->type == last.type && it->parent == last.parent && it->child == last.child;
        }
        if (!got) return false;
      }
    }
    return true;
  }

  void StartVerify() {
    children_.assign(sessions_.size(), {});
    owners_.assign(sessions_.size(), -1);
    for (size_t i = 0; i < sessions_.size(); ++i) {
      ReadChildren(static_cast<int>(i));
      ReadOwner(static_cast<int>(i));
    }
  }
  void ReadChildren(int i) {
    ++verify_pending_;
    Status st = Track([&](auto cb) { return ctl_->GetChildren(Own(i), nullptr, cb); },
                      [this, i](Result<ChildrenResult> r) {
                        --verify_pending_;
                        if (r.ok()) {
                          children_[static_cast<size_t>(i)] = std::move(r->children);
                        } else if (Transient(r.status().code())) {
                          ReadChildren(i);
                        } else {
                          fmt::print("chaos-soak: reading {}: {}\n", Own(i), r.status().ToString());
                        }
                      });
    if (!st.ok()) --verify_pending_;
  }
  void ReadOwner(int i) {
    ++verify_pending_;
    Status st = Track([&](auto cb) { return ctl_->Exists(Eph(i), nullptr, cb); },
                      [this, i](Result<Stat> r) {
                        --verify_pending_;
                        if (r.ok()) {
                          owners_[static_cast<size_t>(i)] = r->ephemeral_owner;
                        } else if (Transient(r.status().code())) {
                          ReadOwner(i);
                        } else {
                          owners_[static_cast<size_t>(i)] = 0;  // missing
                        }
                      });
    if (!st.ok()) --verify_pending_;
  }

  void Verify() {
    auto end = Clock::now();
    Findings& f = findings_;
    for (size_t i = 0; i < sessions_.size(); ++i) {
      Session& s = *sessions_[i];
      CheckWrites(s.writes, children_[i], &f);
      if (owners_[i] != s.session_id) {
        ++f.lost_ephemerals;
        f.Note(fmt::format("session {}: ephemeral {} owner 0x{:x}, session 0x{:x}", i, Eph(s.index),
                           owners_[i], s.session_id));
      }
      if (s.expired || s.client->state() != SessionState::kConnected) {
        ++f.expired_sessions;
        f.Note(fmt::format("session {} (0x{:x}) {} at the end{}", i, s.session_id,
                           SessionStateName(s.client->state()),
                           s.in_outage ? fmt::format(" (disconnected for {} ms, {} connects)",
                                                     std::chrono::duration_cast<milliseconds>(
                                                         end - s.outage_from).count(),
                                                     s.client->connect_count())
                                       : std::string()));
      }
      if (s.client->tracked_config_version() != final_config_version_) {
        ++stale_tracking_;
        f.Note(fmt::format("session {}: tracked config version {:x}, the ensemble's is {:x}", i,
                           s.client->tracked_config_version(), final_config_version_));
      }
      std::vector<Outage> outages = s.outages;
      if (s.in_outage) outages.push_back({s.outage_from, end});
      CheckPersistent(s.index, changes_, s.events, outages, milliseconds(2000), &f);
      f.doubled_events += s.foreign_events;
      for (int k = 0; k < o_.watched_parents; ++k) {
        CheckOneShot(s.index, k, s.oneshot[static_cast<size_t>(k)].record,
                     final_cversion_[static_cast<size_t>(k)], &f);
      }
    }
    if (writer_errors_ > 0) f.Note(fmt::format("writer: {} unexpected errors", writer_errors_));
  }

  void BeginClose() {
    phase_ = Phase::kClosing;
    closing_started_ = true;
    auto close = [this](const std::shared_ptr<Client>& c) {
      if (!c) return;
      ++closes_pending_;
      c->Close([this] { --closes_pending_; });
    };
    for (auto& s : sessions_) close(s->client);
    close(writer_);
    close(ctl_);
    close_deadline_ = Clock::now() + std::chrono::seconds(30);
  }

  void Finish() {
    phase_ = Phase::kDone;
    Findings& f = findings_;
    for (uint8_t c : completions_) {
      if (c == 0) ++f.uncompleted_requests;
    }
    f.doubled_completions = doubled_completions_;
    uv_timer_stop(&tick_);
    uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
    if (stdin_open_) uv_close(reinterpret_cast<uv_handle_t*>(&stdin_), nullptr);
    // Drop the clients on the loop; their handles close as the loop drains.
    int64_t total_uncertain = 0;
    for (auto& s : sessions_) total_uncertain += static_cast<int64_t>(s->writes.uncertain.size());
    int64_t lost = f.lost_writes + f.lost_ephemerals + f.uncompleted_requests;
    int64_t duplicated = f.duplicated_writes + f.misordered_writes + f.doubled_completions;
    int64_t missed = f.missed_events + f.oneshot_stale + stale_tracking_;
    int64_t doubled = f.doubled_events + f.misordered_events + f.oneshot_doubled + f.oneshot_backwards;
    size_t outages = 0;
    for (auto& s : sessions_) outages += s->outages.size();
    fmt::print(
        "chaos-soak: detail: acked_writes={} unacknowledged_writes={} lost_writes={} "
        "lost_ephemerals={} uncompleted_requests={} duplicated_writes={} misordered_writes={} "
        "doubled_completions={} requests={} changes={} persistent_events={} "
        "persistent_missed={} persistent_excused_by_outage={} oneshot_events={} oneshot_stale={} "
        "doubled_events={} redelivered_after_reconnect={} misordered_events={} oneshot_doubled={} "
        "oneshot_backwards={} "
        "outages={} stale_tracking={} writer_errors={}\n",
        acked_writes_, total_uncertain, f.lost_writes, f.lost_ephemerals, f.uncompleted_requests,
        f.duplicated_writes, f.misordered_writes, f.doubled_completions, completions_.size(),
        changes_.size(), events_received_, f.missed_events, f.excused_events, oneshot_events_,
        f.oneshot_stale, f.doubled_events, f.redelivered_events, f.misordered_events, f.oneshot_doubled,
        f.oneshot_backwards, outages, stale_tracking_, writer_errors_);
    bool bad = lost || duplicated || f.expired_sessions || missed || doubled || writer_errors_ > 0;
    if (bad) {
      for (const auto& d : f.details) fmt::print("chaos-soak: FAIL: {}\n", d);
      fmt::print("chaos-soak: FAILED; reproduce with seed {}\n", o_.seed);
      if (exit_code_ == 0) exit_code_ = 1;
    }
    if (exit_code_ == 2) fmt::print("chaos-soak: did not complete; seed {}\n", o_.seed);
    fmt::print("chaos: sessions={} writes={} lost={} duplicated={} expired={} missed_events={} "
               "doubled_events={} seed={}\n",
               sessions_.size(), acked_writes_, lost, duplicated, f.expired_sessions, missed,
               doubled, o_.seed);
    std::fflush(stdout);
    // The clients go; the Session records stay until Run returns, so that a
    // late callback still finds its session.
    for (auto& s : sessions_) s->client.reset();
    writer_.reset();
    ctl_.reset();
  }

  SoakOptions o_;
  std::mt19937_64 rng_;
  uv_loop_t loop_{};
  uv_timer_t tick_{};
  uv_pipe_t stdin_{};
  bool stdin_open_ = false;
  Phase phase_ = Phase::kSetup;
  int exit_code_ = 0;
  Clock::time_point start_{}, phase_deadline_{}, running_since_{}, next_progress_{},
      close_deadline_{}, verify_deadline_{};
  bool stop_requested_ = false;
  std::shared_ptr<Client> ctl_, writer_;
  bool tree_done_ = false, tree_in_flight_ = false;
  std::vector<std::unique_ptr<Session>> sessions_;
  std::vector<uint8_t> completions_;
  int64_t doubled_completions_ = 0;
  int64_t acked_writes_ = 0, events_received_ = 0, oneshot_events_ = 0;
  int error_noted_ = 0, foreign_noted_ = 0;
  // writer
  std::vector<int64_t> writer_n_;
  std::vector<int> writer_step_;
  int writer_parent_ = 0;
  bool writer_busy_ = false;
  std::optional<WriterOp> writer_op_;
  Clock::time_point writer_next_{};
  int64_t writer_errors_ = 0;
  std::vector<Change> changes_;
  // end
  std::vector<int32_t> final_cversion_;
  int64_t final_config_version_ = -1;
  int64_t stale_tracking_ = 0;  // sessions whose tracked config is not the final one
  int final_reads_pending_ = 0, verify_pending_ = 0, closes_pending_ = 0;
  bool closing_started_ = false;
  std::vector<std::vector<std::string>> children_;
  std::vector<int64_t> owners_;
  Findings findings_;
};

}  // namespace

int RunSoak(const SoakOptions& options) {
  Soak soak(options);
  return soak.Run();
}

}  // namespace zk::chaos
