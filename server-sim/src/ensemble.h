// The simulated ensemble's core: servers, the leader, zxids and epochs,
// quorum commit, per-server apply lag, global sessions and faults. No I/O:
// the network layer feeds it requests and is told, through Hooks, which
// notifications to send and which connections to close. Time comes from the
// injected Clock; the owner calls Tick() when NextDueMs() is reached.
//
// Commit model: a transaction commits at once when the running, connected
// voters form a quorum (the leader's round trip is not simulated); each
// server applies it after its own lag. Without a quorum nothing is served.
#ifndef ZK_SIM_ENSEMBLE_H_
#define ZK_SIM_ENSEMBLE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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
  SessionTable& sessions() { return sessions_; }
  const DataTree& committed() const { return committed_; }

  int64_t leader() const { return leader_; }
  int64_t last_zxid() const { return last_zxid_; }
  int64_t epoch() const { return last_zxid_ >> 32; }
  int64_t config_version() const { return config_version_; }
  bool quorum_up() const { return leader_ != 0; }
  Role RoleOf(int64_t id) const;
  QuorumSpec Quorum() const;
  // The /zookeeper/config text (PROTOCOL.md §6.2, majority form).
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


  // Installs a committed membership (reconfig) with its version; writes the
  // config node through the normal transaction path by the caller.
  void InstallMembers(std::map<int64_t, Member> members, int64_t version);
  // After a reconfig commit: hands leadership over if the leader is no
  // longer a voter (new epoch, clients of every server dropped).
  void OnConfigCommitted();
  // Joiner servers: started but not in the config.
  bool AddServer(const Member& m);

 private:
  void Elect();  // picks a leader if a quorum of voters is up; new epoch
  void LoseQuorum();  // every running server turns read-only if enabled
  void LeaveReadOnly(ServerState& s);  // drops its read-only clients
  void Apply(ServerState& s, const Txn& txn);
  void DropClients(ServerState& s, const std::string& reason);

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
};

}  // namespace zk::sim

#endif  // ZK_SIM_ENSEMBLE_H_
