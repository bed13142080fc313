// zksim's libuv front end: one loop, one listener per simulated server, the
// admin HTTP endpoint, the tick timer. Everything runs on the loop thread.
#ifndef ZK_SIM_SIM_SERVER_H_
#define ZK_SIM_SIM_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <uv.h>

#include "zk/wire/status.h"

namespace zk::sim {

// One member given explicitly (zksim serve --config): its line in the
// dynamic config, and the port the simulated server listens on.
struct SimMember {
  int64_t id = 0;
  std::string host = "127.0.0.1";
  int quorum_port = 0;
  int election_port = 0;
  bool observer = false;
  std::string client_host = "0.0.0.0";
  int client_port = 0;  // 0: no client address in the config line
  int listen_port = 0;  // bound on SimOptions::host; 0: a free port
  // With TLS (SimOptions::tls_cert): the secure client port; 0: a free port.
  int secure_listen_port = 0;
};

struct SimOptions {
  int servers = 3;
  std::string host = "127.0.0.1";
  int client_port_base = 0;  // 0: every server binds a free port
  int admin_port = -1;       // -1: no admin endpoint; 0: a free port
  // The admin endpoint's address: loopback unless told otherwise.
  std::string admin_address = "127.0.0.1";
  // Credentials of the admin endpoint's control commands (shed, kill,
  // start, isolate, lag): the digest id "user:<base64 sha1>" of
  // `--admin-auth user:password` (DigestId). Callers send
  // "Authorization: digest user:password" or HTTP Basic. Empty: only the
  // super digest's credentials are accepted (none when that is empty too).
  std::string admin_digest;
  // Per-connection limits (docs/zksim.md, "Limits"): jute.maxbuffer (a
  // longer frame closes the connection), globalOutstandingLimit (requests
  // read and not answered before reading stops) and the reply bytes queued
  // for a client's socket before reading stops.
  int64_t jute_max_buffer = 0xfffff;
  size_t max_outstanding = 1000;
  size_t max_unsent_bytes = 4u << 20;
  uint64_t seed = 1;
  int tick_ms = 2000;
  bool reconfig_enabled = true;
  bool standalone_enabled = true;
  bool skip_acl = false;
  std::string super_digest;  // "super:<base64 sha1>"
  std::set<std::string> four_letter_whitelist = {"*"};
  // zookeeper.extendedTypesEnabled: TTL nodes (else createTTL answers
  // UNIMPLEMENTED, as ZooKeeper).
  bool extended_types_enabled = false;
  // znode.container.checkIntervalMs (ZooKeeper's default: one minute) and
  // znode.container.maxNeverUsedIntervalMs (0: never-used containers stay).
  int64_t container_check_ms = 60000;
  int64_t container_max_never_used_ms = 0;
  // readonlymode.enabled: a server without a quorum serves read-only
  // clients (docs/zksim.md, "Read-only mode").
  bool read_only_enabled = false;
  // The version of the first config (the dynamic file's name); 0: the first
  // leader's epoch << 32, as ZooKeeper for a config without a version.
  int64_t initial_config_version = 0;
  // Explicit membership; when non-empty, `servers` and `client_port_base`
  // are ignored.
  std::vector<SimMember> members;
  // A reconfig stays proposed (in flight) this many ms before it commits,
  // plus the lag of the voters it waits for (RECONFIGINPROGRESS meanwhile).
  int reconfig_commit_ms = 20;
  // Unavailability when a reconfig removes the leader, before the new
  // leader serves in a new epoch.
  int handoff_ms = 50;
  // Called on the loop after every committed reconfig with the new
  // /zookeeper/config text.
  std::function<void(const std::string& config_text)> on_config_committed;
  // TLS (docs/zksim.md "TLS, x509 and SASL"): with a certificate, every
  // server also listens for TLS clients (secure_port_base + k - 1, or free
  // ports with 0; SimMember::secure_listen_port with explicit members).
  // PEM files; the key may be in the certificate file. client auth: "none",
  // "want" or "need" (ZooKeeper's ssl.clientAuth; default need). A client
  // certificate authenticates its connection as x509:<subject, RFC 2253>.
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  std::string tls_client_auth = "need";
  int secure_port_base = 0;
  // zookeeper.X509AuthenticationProvider.superUser: the certificate subject
  // (RFC 2253, as in its x509 id) that is also super.
  std::string x509_super_user;
  // SASL DIGEST-MD5 users (user -> password), as the user_<name> options of
  // a JAAS Server section; empty: no SASL. zookeeper.superUser: the SASL
  // user that is also super.
  std::map<std::string, std::string> sasl_users;
  std::string sasl_super_user;
  // zookeeper.enforce.auth.enabled + .schemes (sessionRequireClientSASLAuth
  // is {"sasl"}): every request but auth and sasl from a connection without
  // an id of one of these schemes answers SESSIONCLOSEDREQUIRESASLAUTH and
  // closes it. Empty: not enforced.
  std::vector<std::string> enforce_auth_schemes;
};

class SimServerImpl;

class SimServer {
 public:
  SimServer();
  ~SimServer();
  // Binds everything on `loop`. Error return: nothing is left open.
  Status Start(uv_loop_t* loop, const SimOptions& opts);
  // Closes every handle; the loop then runs to completion.
  void Stop();
  // "host:port,host:port,..."
  std::string ConnectString() const;
  std::vector<int> ClientPorts() const;
  // The TLS listeners' "host:port,..." (empty without TLS) and ports.
  std::string SecureConnectString() const;
  std::vector<int> SecureClientPorts() const;
  // The current /zookeeper/config text (ends with "version=<hex>").
  std::string ConfigText() const;
  int AdminPort() const;

  // Control (also reachable over the admin endpoint).
  // Starts server `m.id`, which is not hosted yet, as a joiner: a non-voting
  // follower serving clients on SimOptions::host:m.listen_port (0: a free
  // port), with the server line `m` (client port: the bound one when
  // m.client_port is 0; quorum/election ports 0: 2880+id / 3880+id).
  // `reconfig -add` of ServerLine(m.id) makes it a member. Error: the id is
  // hosted, not positive, or the port cannot be bound; nothing is started.
  Status StartJoiner(const SimMember& m);
  // "server.<id>=<host>:<q>:<e>:<role>;<client host>:<port>" of a hosted
  // server (its config line, or a joiner's own); empty if not hosted.
  std::string ServerLine(int64_t id) const;
  bool Kill(int64_t id);
  bool Restart(int64_t id);
  bool Isolate(int64_t id, bool on);
  bool SetLag(int64_t id, int64_t ms);
  // Closes connections of `server` (0 = all servers); see docs/zksim.md.
  int Shed(int64_t server, double fraction, int count, int target, int64_t window_ms,
           uint64_t except_conn);
  size_t ConnectionCount(int64_t server) const;

 private:
  std::unique_ptr<SimServerImpl> impl_;
};

}  // namespace zk::sim

#endif  // ZK_SIM_SIM_SERVER_H_
