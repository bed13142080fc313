#include "ensemble.h"

#include "zk/wire/dynamic_config.h"

#include <algorithm>

#include <fmt/format.h>

namespace zk::sim {

Ensemble::Ensemble(EnsembleOptions opts, const Clock* clock, Hooks hooks)
    : opts_(std::move(opts)),
      clock_(clock),
      hooks_(std::move(hooks)),
      sessions_(opts_.seed,
                opts_.min_session_timeout_ms > 0 ? opts_.min_session_timeout_ms
                                                 : 2 * opts_.tick_ms,
                opts_.max_session_timeout_ms > 0 ? opts_.max_session_timeout_ms
                                                 : 20 * opts_.tick_ms) {
  for (const Member& m : opts_.members) {
    members_[m.id] = m;
    AddServer(m);
  }
  for (int k = 1; opts_.members.empty() && k <= opts_.servers; ++k) {
    Member m;
    m.id = k;
    m.host = opts_.host;
    // Quorum/election ports are never bound by the simulator; they only
    // appear in the config text.
    m.quorum_port = 2880 + k;
    m.election_port = 3880 + k;
    m.client_host = opts_.host;
    m.client_port = static_cast<size_t>(k) <= opts_.client_ports.size()
                        ? opts_.client_ports[k - 1]
                        : opts_.client_port_base + k - 1;
    members_[k] = m;
    AddServer(m);
  }
  Elect();
}

bool Ensemble::AddServer(const Member& m) {
  if (servers_.count(m.id)) return false;
  // A joiner syncs with the leader's committed state.
  CommitPendingReconfig();
  lines_[m.id] = m;
  int64_t id = m.id;
  auto s = std::make_unique<ServerState>([this, id](ConnId c, EventType t, const std::string& p) {
    if (hooks_.event) hooks_.event(id, c, t, p);
  });
  s->id = id;
  s->started_ms = clock_->NowMs();
  s->tree = committed_;
  s->applied_zxid = last_zxid_;
  s->serving = leader_ != 0;
  s->read_only = !s->serving && opts_.read_only_enabled;
  servers_[id] = std::move(s);
  return true;
}

const Member* Ensemble::LineOf(int64_t id) const {
  auto it = lines_.find(id);
  return it == lines_.end() ? nullptr : &it->second;
}

ServerState* Ensemble::Server(int64_t id) {
  auto it = servers_.find(id);
  return it == servers_.end() ? nullptr : it->second.get();
}

Role Ensemble::RoleOf(int64_t id) const {
  auto it = members_.find(id);
  if (it == members_.end()) return Role::kNonVoting;
  return it->second.observer ? Role::kObserver : Role::kParticipant;
}

QuorumSpec Ensemble::Quorum() const {
  QuorumSpec q;
  for (const auto& [id, m] : members_) {
    if (!m.observer) q.voters.insert(id);
  }
  return q;
}

wire::ServerSpec SpecOf(const Member& m) {
  wire::ServerSpec spec;
  spec.id = m.id;
  spec.addresses.push_back({m.host, static_cast<uint16_t>(m.quorum_port),
                            static_cast<uint16_t>(m.election_port)});
  spec.type = m.observer ? wire::LearnerType::kObserver : wire::LearnerType::kParticipant;
  if (m.client_port != 0) spec.client = HostPort{m.client_host, static_cast<uint16_t>(m.client_port)};
  return spec;
}

Member MemberOf(const wire::ServerSpec& spec) {
  Member m;
  m.id = spec.id;
  if (!spec.addresses.empty()) {
    m.host = spec.addresses.front().host;
    m.quorum_port = spec.addresses.front().quorum_port;
    m.election_port = spec.addresses.front().election_port;
  }
  m.observer = !spec.is_participant();
  if (spec.client) {
    m.client_host = spec.client->host;
    m.client_port = spec.client->port;
  } else {
    m.client_port = 0;
  }
  return m;
}

// The /zookeeper/config text, written by the wire library exactly as
// ZooKeeper writes it. Members are put in ascending id order, which is the
// order ZooKeeper prints for ids below 8 (dynamic_config.h).
std::string Ensemble::ConfigTextOf(const std::map<int64_t, Member>& members, int64_t version) {
  wire::DynamicConfig config;
  for (const auto& [id, m] : members) config.Upsert(SpecOf(m));
  config.set_version(version);
  return config.ToText();
}

std::string Ensemble::ConfigText() const { return ConfigTextOf(members_, config_version_); }

void Ensemble::DropClients(ServerState& s, const std::string& reason) {
  std::set<uint64_t> conns = s.conns;
  for (uint64_t c : conns) {
    if (hooks_.close_conn) hooks_.close_conn(s.id, c, reason);
  }
}

std::set<int64_t> Ensemble::UpServers() const {
  std::set<int64_t> up;
  for (const auto& [id, s] : servers_) {
    if (s->running && !s->isolated) up.insert(id);
  }
  return up;
}

void Ensemble::Elect() {
  election_due_ms_ = -1;
  std::set<int64_t> up = UpServers();
  QuorumSpec q = Quorum();
  if (!q.IsQuorum(up)) {
    LoseQuorum();
    return;
  }
  // The leader: the highest running voter (all are in sync here).
  int64_t leader = 0;
  for (int64_t v : q.voters) {
    if (up.count(v)) leader = v;
  }
  leader_ = leader;
  // A config version read from a file (zoo.cfg.dynamic.<hex>) comes from an
  // earlier epoch: start after it, so later versions stay greater.
  last_zxid_ = (std::max(epoch(), opts_.initial_config_version >> 32) + 1) << 32;
  // Servers catch up with the leader (DIFF/SNAP) before serving.
  for (auto& [id, s] : servers_) {
    if (!s->running || s->isolated) continue;
    while (!s->queue.empty()) {
      Txn t = s->queue.front().txn;
      s->queue.pop_front();
      Apply(*s, t);
    }
    LeaveReadOnly(*s);
    s->serving = true;
  }
  if (config_version_ == 0) {
    // The first leader writes the initial config: version = epoch << 32,
    // unless the file gave one (ZooKeeper renumbers only a version 0).
    config_version_ = opts_.initial_config_version != 0 ? opts_.initial_config_version
                                                        : last_zxid_;
    std::vector<TreeChange> ch;
    committed_.SetConfig(ConfigText(), last_zxid_, clock_->WallMs(), &ch);
    for (auto& [id, s] : servers_) {
      if (!s->running || s->isolated) continue;
      std::vector<TreeChange> sch;
      s->tree.SetConfig(ConfigText(), last_zxid_, clock_->WallMs(), &sch);
      s->applied_zxid = last_zxid_;
      s->watches.Trigger(sch);
    }
  }
}

void Ensemble::LoseQuorum() {
  leader_ = 0;
  for (auto& [id, s] : servers_) {
    if (s->serving) {
      s->serving = false;
      DropClients(*s, "lost quorum");
    }
    s->read_only = s->running && opts_.read_only_enabled;
  }
}

void Ensemble::LeaveReadOnly(ServerState& s) {
  if (!s.read_only) return;
  // ZooKeeper shuts the read-only server down: its clients reconnect.
  s.read_only = false;
  DropClients(s, "read-only mode ends");
}

void Ensemble::Apply(ServerState& s, const Txn& txn) {
  std::vector<TreeChange> changes;
  s.tree.Apply(txn, &changes);
  s.applied_zxid = std::max(s.applied_zxid, txn.zxid);
  s.watches.Trigger(changes);
  while (!s.waiters.empty() && s.waiters.begin()->first <= s.applied_zxid) {
    auto fn = std::move(s.waiters.begin()->second);
    s.waiters.erase(s.waiters.begin());
    fn();
  }
}

// `committed_` is the leader's state with every proposal applied (what
// ZooKeeper's PrepRequestProcessor validates against); the servers see a
// transaction only when it commits (Distribute).
void Ensemble::Submit(int64_t origin, int64_t session_id, TxnBody body,
                      std::function<void(const Txn&)> on_applied) {
  Txn txn;
  txn.zxid = ++last_zxid_;
  txn.time_ms = clock_->WallMs();
  txn.session_id = session_id;
  txn.body = std::move(body);
  committed_.Apply(txn, nullptr);
  if (auto* cs = std::get_if<CreateSessionTxn>(&txn.body)) {
    sessions_.Add(cs->session_id, cs->timeout_ms, clock_->NowMs()).server_id =
        static_cast<int>(origin);
  } else if (auto* cl = std::get_if<CloseSessionTxn>(&txn.body)) {
    sessions_.Remove(cl->session_id);
  }
  if (pending_ || committing_) {
    // Commits are in zxid order: this one waits for the reconfig in flight
    // (or, proposed from a callback of its commit, for what it held).
    held_.push_back({std::move(txn), origin, std::move(on_applied)});
    return;
  }
  Distribute(txn, origin, std::move(on_applied));
}

void Ensemble::Distribute(const Txn& txn, int64_t origin,
                          std::function<void(const Txn&)> on_applied) {
  const int64_t now = clock_->NowMs();
  for (auto& [id, s] : servers_) {
    if (!s->running || s->isolated) continue;
    if (txn.zxid <= s->applied_zxid && s->queue.empty()) {
      // Resynced from the leader after this was proposed: already applied.
      if (id == origin && on_applied) on_applied(txn);
      continue;
    }
    if (id == origin && on_applied) {
      s->waiters.emplace(txn.zxid, [on_applied, txn] { on_applied(txn); });
    }
    if (s->lag_ms <= 0 && s->queue.empty()) {
      Apply(*s, txn);
    } else {
      s->queue.push_back({now + s->lag_ms, txn});
    }
  }
}

int64_t Ensemble::AckLagMs(const QuorumSpec& a, const QuorumSpec& b) const {
  std::vector<std::pair<int64_t, int64_t>> by_lag;  // (lag, id) of connected servers
  for (const auto& [id, s] : servers_) {
    if (s->running && !s->isolated && s->serving) by_lag.emplace_back(s->lag_ms, id);
  }
  std::sort(by_lag.begin(), by_lag.end());
  std::set<int64_t> acked;
  for (const auto& [lag, id] : by_lag) {
    acked.insert(id);
    if (a.IsQuorum(acked) && b.IsQuorum(acked)) return lag;
  }
  return 0;  // unreachable after the caller's quorum checks
}

void Ensemble::ProposeReconfig(int64_t origin, int64_t session_id, std::map<int64_t, Member> next,
                               std::function<void(const Txn&)> on_applied) {
  Txn txn;
  txn.zxid = ++last_zxid_;
  txn.time_ms = clock_->WallMs();
  txn.session_id = session_id;
  // The new version is this transaction's zxid.
  txn.body = SetDataTxn{"/zookeeper/config", ConfigTextOf(next, txn.zxid), -1};
  committed_.Apply(txn, nullptr);
  QuorumSpec nq;
  for (const auto& [id, m] : next) {
    if (!m.observer) nq.voters.insert(id);
  }
  const int64_t delay = std::max(0, opts_.reconfig_commit_ms) + AckLagMs(Quorum(), nq);
  pending_ = PendingReconfig{
      {std::move(txn), origin, std::move(on_applied)}, std::move(next), clock_->NowMs() + delay};
  // Not from inside a commit's callbacks (a pipelined reconfig): the
  // next Tick commits it.
  if (delay <= 0 && !committing_) CommitPendingReconfig();
}

void Ensemble::CommitPendingReconfig() {
  // Not nested: a reconfig proposed from this commit's callbacks (or a
  // server the hook starts) waits for the next Tick.
  if (!pending_ || committing_) return;
  PendingReconfig p = std::move(*pending_);
  pending_.reset();
  committing_ = true;
  const std::map<int64_t, Member> old_lines = lines_;
  const int64_t old_leader = leader_;
  previous_members_ = std::move(members_);
  members_ = std::move(p.members);
  config_version_ = p.proposal.txn.zxid;
  // A reply lets its connection go on with its next request: writes
  // proposed from these callbacks queue behind the held ones (zxid order).
  DrainHeld(p.proposal.txn.zxid);  // proposed before it (during an earlier commit)
  Distribute(p.proposal.txn, p.proposal.origin, std::move(p.proposal.on_applied));
  DrainHeld(INT64_MAX);
  for (const auto& [id, m] : members_) {
    if (servers_.count(id)) lines_[id] = m;
  }
  // The network layer may start servers the new config names (AddServer).
  if (hooks_.config_changed) hooks_.config_changed();

  // The leader stays if it is still a voter with the same quorum address.
  auto it = members_.find(old_leader);
  auto was = old_lines.find(old_leader);
  bool stays = it != members_.end() && !it->second.observer && was != old_lines.end() &&
               was->second.host == it->second.host &&
               was->second.quorum_port == it->second.quorum_port;
  // A server whose role changed (participant <-> observer) restarts its
  // peer loop, which drops its clients. A removed server keeps its role (a
  // non-voting follower) and its clients.
  for (const auto& [id, m] : members_) {
    auto o = old_lines.find(id);
    ServerState* s = Server(id);
    if (stays && s != nullptr && o != old_lines.end() && o->second.observer != m.observer)
      DropClients(*s, "role changed by reconfig");
  }
  committing_ = false;
  DrainHeld(INT64_MAX);
  if (!stays) {
    // Hand-off: every follower's leader changes, so every server restarts
    // its serving stack (clients reconnect and keep their sessions); the
    // designated leader takes over in a new epoch.
    LoseQuorum();
    if (opts_.handoff_ms <= 0) {
      Elect();
    } else {
      election_due_ms_ = clock_->NowMs() + opts_.handoff_ms;
    }
  }
}

void Ensemble::DrainHeld(int64_t below) {
  while (!held_.empty() && held_.front().txn.zxid < below &&
         (!pending_ || held_.front().txn.zxid < pending_->proposal.txn.zxid)) {
    Proposal h = std::move(held_.front());
    held_.pop_front();
    Distribute(h.txn, h.origin, std::move(h.on_applied));
  }
}

void Ensemble::Sync(int64_t server, std::function<void()> done) {
  ServerState* s = Server(server);
  if (s == nullptr) return;
  if (s->applied_zxid >= last_zxid_) {
    done();
    return;
  }
  // A sync flushes the follower's queue: it is applied when the sync's own
  // round trip reaches it, so it waits for everything committed before it.
  s->waiters.emplace(last_zxid_, std::move(done));
}

void Ensemble::Tick() {
  const int64_t now = clock_->NowMs();
  if (pending_ && pending_->due_ms <= now) CommitPendingReconfig();
  if (election_due_ms_ >= 0 && election_due_ms_ <= now) Elect();
  for (auto& [id, s] : servers_) {
    while (!s->queue.empty() && s->queue.front().due_ms <= now) {
      Txn t = std::move(s->queue.front().txn);
      s->queue.pop_front();
      Apply(*s, t);
    }
  }
  if (!quorum_up()) return;
  for (int64_t sid : sessions_.Expired(now)) {
    Session* se = sessions_.Find(sid);
    if (se == nullptr) continue;
    se->closing = true;
    int server = se->server_id;
    uint64_t conn = se->conn;
    // The expiry runs as a closeSession transaction; the holder's connection
    // is dropped without a message.
    Submit(leader_, sid, CloseSessionTxn{sid}, nullptr);
    if (conn != 0 && hooks_.close_conn) hooks_.close_conn(server, conn, "session expired");
  }
}

int64_t Ensemble::NextDueMs() const {
  int64_t next = pending_ ? pending_->due_ms : -1;
  if (election_due_ms_ >= 0 && (next < 0 || election_due_ms_ < next)) next = election_due_ms_;
  for (const auto& [id, s] : servers_) {
    if (!s->queue.empty() && (next < 0 || s->queue.front().due_ms < next)) {
      next = s->queue.front().due_ms;
    }
  }
  return next;
}

bool Ensemble::Kill(int64_t id) {
  ServerState* s = Server(id);
  if (s == nullptr) return false;
  if (!s->running) return true;
  // A reconfig in flight was acked by a quorum: it survives the fault.
  CommitPendingReconfig();
  s->running = false;
  s->serving = false;
  s->read_only = false;
  DropClients(*s, "server killed");
  s->queue.clear();
  s->waiters.clear();
  s->watches = WatchManager([this, id](ConnId c, EventType t, const std::string& p) {
    if (hooks_.event) hooks_.event(id, c, t, p);
  });
  if (id == leader_ || !Quorum().IsQuorum(UpServers())) {
    // The leader's death (or a lost quorum) means an election: everyone
    // drops clients and a new epoch starts.
    LoseQuorum();
    Elect();
  }
  return true;
}

bool Ensemble::Start(int64_t id) {
  ServerState* s = Server(id);
  if (s == nullptr) return false;
  if (s->running) return true;
  CommitPendingReconfig();  // the server resyncs with the committed state
  s->running = true;
  s->started_ms = clock_->NowMs();
  s->stats.Reset();
  s->tree = committed_;  // resync from the leader
  s->applied_zxid = last_zxid_;
  if (quorum_up()) {
    s->serving = !s->isolated;
    s->read_only = s->isolated && opts_.read_only_enabled;
  } else {
    Elect();
  }
  return true;
}

bool Ensemble::Isolate(int64_t id, bool isolated) {
  ServerState* s = Server(id);
  if (s == nullptr) return false;
  if (s->isolated == isolated) return true;
  CommitPendingReconfig();
  s->isolated = isolated;
  if (isolated) {
    // Like a follower that lost its leader: stop serving, drop clients.
    s->serving = false;
    DropClients(*s, "isolated from the leader");
    s->read_only = opts_.read_only_enabled;
    s->queue.clear();
    s->waiters.clear();
    if (id == leader_ || !quorum_up()) {
      LoseQuorum();
      Elect();
    } else if (!Quorum().IsQuorum(UpServers())) {
      LoseQuorum();
    }
  } else if (s->running) {
    s->tree = committed_;
    s->applied_zxid = last_zxid_;
    if (quorum_up()) {
      LeaveReadOnly(*s);
      s->serving = true;
    } else {
      Elect();
    }
  }
  return true;
}

bool Ensemble::SetLag(int64_t id, int64_t lag_ms) {
  ServerState* s = Server(id);
  if (s == nullptr) return false;
  s->lag_ms = std::max<int64_t>(0, lag_ms);
  return true;
}

}  // namespace zk::sim
