// The simulated ensemble's core: servers, the leader, zxids and epochs,
// quorum commit, per-server apply lag, global sessions and faults. No I/O:
// the network layer feeds it requests and is told, through Hooks, which
// notifications to send and which connections to close. Time comes from the
// injected Clock; the owner calls Tick() when NextDueMs() is reached.
//
// Commit model: a transaction commits at once when the running, connected
// voters form a quorum (the leader's round trip is not simulated); each
// server applies it after its own lag. Without a quorum nothing is served.
// A reconfig is the exception: it stays proposed for a while (see
// EnsembleOptions::reconfig_commit_ms), like ZooKeeper's, so that a second
// reconfig meets it in flight (RECONFIGINPROGRESS) and later writes commit
// after it, in zxid order.
#ifndef ZK_SIM_ENSEMBLE_H_
#define ZK_SIM_ENSEMBLE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "clock.h"
#include "data_tree.h"
#include "quorum.h"
#include "server_state.h"
#include "session_table.h"
#include "txn.h"
#include "zk/wire/server_spec.h"

namespace zk::sim {

struct Member {
  int64_t id = 0;
  std::string host = "127.0.0.1";
  int quorum_port = 0;
  int election_port = 0;
  bool observer = false;
  std::string client_host = "127.0.0.1";
  int client_port = 0;  // 0: no client address
};

// A member as the wire library's server line (server_spec.h) and back.
wire::ServerSpec SpecOf(const Member& m);
Member MemberOf(const wire::ServerSpec& spec);

struct EnsembleOptions {
  int servers = 3;
  std::string host = "127.0.0.1";
  int client_port_base = 2181;
  int tick_ms = 2000;
  int32_t min_session_timeout_ms = -1;  // -1: 2 * tick
  int32_t max_session_timeout_ms = -1;  // -1: 20 * tick
  bool reconfig_enabled = true;
  bool standalone_enabled = true;
  bool skip_acl = false;
  std::string super_digest;  // "super:<base64 sha1>", empty for none
  bool extended_types_enabled = false;  // TTL nodes (zookeeper.extendedTypesEnabled)
  bool read_only_enabled = false;       // readonlymode.enabled
  int64_t initial_config_version = 0;   // 0: the first leader's epoch << 32
  uint64_t seed = 1;
  // Explicit client ports, one per server (overrides client_port_base).
  std::vector<int> client_ports;
  // Explicit membership (zoo.cfg); empty: servers 1..`servers`.
  std::vector<Member> members;
  // A reconfig proposal commits this many ms after it is proposed, plus the
  // lag of the slowest voter that a quorum of both the old and the new
  // config needs (ZooKeeper waits for both quorums to ack). Meanwhile
  // another reconfig gets RECONFIGINPROGRESS and every later write waits.
  // 0: reconfigs of servers without lag commit at once.
  int reconfig_commit_ms = 20;
  // After a committed reconfig removes the leader (or makes it an observer,
  // or moves its quorum port), no server serves for this many ms; then the
  // new leader starts a new epoch. 0: at once.
  int handoff_ms = 50;
  // SASL DIGEST-MD5 users (user -> password); empty: no SASL server, a sasl
  // packet is answered as ZooKeeper without a JAAS Server section does
  // (sasl_packet.cc).
  std::map<std::string, std::string> sasl_users;
  // zookeeper.superUser: the SASL user that also gets super.
  std::string sasl_super_user;
  // zookeeper.enforce.auth.schemes with enforce.auth.enabled (or "sasl" for
  // sessionRequireClientSASLAuth); empty: not enforced (auth_enforcement.cc).
  std::vector<std::string> enforce_auth_schemes;
};

class Ensemble {
 public:
  struct Hooks {
    std::function<void(int64_t server, uint64_t conn, EventType, const std::string& path)> event;
    std::function<void(int64_t server, uint64_t conn, const std::string& reason)> close_conn;
    // A new membership was committed (rebind listeners, write config files).
    std::function<void()> config_changed;
  };

  Ensemble(EnsembleOptions opts, const Clock* clock, Hooks hooks);

  const EnsembleOptions& options() const { return opts_; }
  const Clock* clock() const { return clock_; }
  ServerState* Server(int64_t id);
  const std::map<int64_t, std::unique_ptr<ServerState>>& servers() const { return servers_; }
  const std::map<int64_t, Member>& members() const { return members_; }
  // The members before the last committed reconfig (the first config until
  // then); Hooks::config_changed compares them with members().
  const std::map<int64_t, Member>& previous_members() const { return previous_members_; }
  SessionTable& sessions() { return sessions_; }
  const DataTree& committed() const { return committed_; }

  int64_t leader() const { return leader_; }
  int64_t last_zxid() const { return last_zxid_; }
  int64_t epoch() const { return last_zxid_ >> 32; }
  // The committed config's version.
  int64_t config_version() const { return config_version_; }
  // The last proposed config's version (ZooKeeper's "last seen"); differs
  // from config_version() while a reconfig is in flight.
  int64_t last_seen_config_version() const {
    return pending_ ? pending_->proposal.txn.zxid : config_version_;
  }
  bool reconfig_in_progress() const { return pending_.has_value(); }
  bool quorum_up() const { return leader_ != 0; }
  Role RoleOf(int64_t id) const;
  QuorumSpec Quorum() const;
  // The /zookeeper/config text.
  std::string ConfigText() const;
  static std::string ConfigTextOf(const std::map<int64_t, Member>& members, int64_t version);

  // Proposes `body` from a client of `origin`; `on_applied` runs when the
  // origin server has applied it (after its lag), with the transaction.
  // REQUIRES: quorum_up().
  void Submit(int64_t origin, int64_t session_id, TxnBody body,
              std::function<void(const Txn&)> on_applied);
  // `done` runs once `server` has applied everything committed now.
  void Sync(int64_t server, std::function<void()> done);

  // Processes due applies and session expiry.
  void Tick();
  // Monotonic ms of the next due apply, or -1.
  int64_t NextDueMs() const;

  // Asks the network layer to close a connection.
  void CloseConnection(int64_t server, uint64_t conn, const std::string& reason) {
    if (hooks_.close_conn) hooks_.close_conn(server, conn, reason);
  }

  // Faults and control. Return false for an unknown server.
  bool Kill(int64_t id);
  bool Start(int64_t id);
  bool Isolate(int64_t id, bool isolated);
  bool SetLag(int64_t id, int64_t lag_ms);

  // Proposes the membership `next` (a validated reconfig from a client of
  // `origin`): its version is the proposal's zxid, the transaction sets
  // /zookeeper/config. It commits after the delay of reconfig_commit_ms
  // (at once when that is 0 and no voter lags). On commit: the members are
  // installed, Hooks::config_changed runs, servers whose role changed
  // (participant <-> observer) drop their clients, and if the leader is no
  // longer a voter with the same quorum address every server drops its
  // clients and, after handoff_ms, a new leader starts a new epoch.
  // `on_applied` runs when `origin` has applied the transaction.
  // REQUIRES: quorum_up() && !reconfig_in_progress().
  void ProposeReconfig(int64_t origin, int64_t session_id, std::map<int64_t, Member> next,
                       std::function<void(const Txn&)> on_applied);

  // Hosts a server that is not in the config (a joiner): a non-voting
  // follower that serves clients, until a reconfig lists it. Returns false
  // if `m.id` is already hosted.
  bool AddServer(const Member& m);
  // The server line a hosted server runs with: its config line, or for a
  // joiner its own; nullptr if `id` is not hosted.
  const Member* LineOf(int64_t id) const;

 private:
  void Elect();  // picks a leader if a quorum of voters is up; new epoch
  void LoseQuorum();  // every running server turns read-only if enabled
  void LeaveReadOnly(ServerState& s);  // drops its read-only clients
  void Apply(ServerState& s, const Txn& txn);
  void DropClients(ServerState& s, const std::string& reason);
  // Hands `txn` to every connected server (after its lag).
  void Distribute(const Txn& txn, int64_t origin, std::function<void(const Txn&)> on_applied);
  // The lag after which a quorum of both `a` and `b` has acked.
  int64_t AckLagMs(const QuorumSpec& a, const QuorumSpec& b) const;
  std::set<int64_t> UpServers() const;
  // Commits the reconfig in flight, if any, and the writes held behind it.
  void CommitPendingReconfig();
  // Hands out the held writes with zxids below `below`, in zxid order, up
  // to the reconfig in flight.
  void DrainHeld(int64_t below);

  struct Proposal {
    Txn txn;
    int64_t origin = 0;
    std::function<void(const Txn&)> on_applied;
  };
  struct PendingReconfig {
    Proposal proposal;
    std::map<int64_t, Member> members;
    int64_t due_ms = 0;
  };

  EnsembleOptions opts_;
  const Clock* clock_;
  Hooks hooks_;
  std::map<int64_t, std::unique_ptr<ServerState>> servers_;
  std::map<int64_t, Member> members_;
  int64_t config_version_ = 0;
  SessionTable sessions_;
  DataTree committed_;
  int64_t leader_ = 0;
  int64_t last_zxid_ = 0;
  // The line each hosted server runs with (role changes are seen here).
  std::map<int64_t, Member> lines_;
  std::map<int64_t, Member> previous_members_;
  std::optional<PendingReconfig> pending_;
  std::deque<Proposal> held_;     // proposed after pending_, commit after it
  int64_t election_due_ms_ = -1;  // a hand-off election, or -1
  bool committing_ = false;       // inside CommitPendingReconfig
};

}  // namespace zk::sim

#endif  // ZK_SIM_ENSEMBLE_H_
