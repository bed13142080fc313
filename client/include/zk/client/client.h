// zk::Client — an asynchronous ZooKeeper session on a libuv loop.
//
// One Client is one ZooKeeper session. Any number of Clients can share one
// loop (and one thread). The session survives connection loss and moves
// between servers (UpdateServerList, ensemble tracking) keeping its id,
// ephemeral nodes and watches.
//
// Callback contract (every async call below):
//  * If the call returns a non-ok Status, the callback is never called.
//  * Otherwise it is called exactly once, on the loop thread, never from
//    inside the call that registered it.
//  * A request in flight when the connection drops completes with
//    ZCONNECTIONLOSS; a request made while disconnected waits (bounded queue,
//    ClientOptions::max_queued_requests) and goes out after the reconnect.
//  * While connected, requests in flight are bounded too
//    (max_in_flight_requests, max_in_flight_bytes); more wait in the same
//    queue. A call that finds the queue full returns ZTHROTTLEDOP.
//  * With ClientOptions::request_timeout, a request without its reply in
//    time completes with ZOPERATIONTIMEOUT.
//  * Close, expiry and auth failure complete everything pending with
//    ZCLOSING, ZSESSIONEXPIRED and ZAUTHFAILED, then tell every registered
//    watcher once (an event of type None with that state; watch.h).
//
// Thread-safety: a Client must be used only on its loop's thread. From other
// threads use zk::BlockingClient (blocking_client.h).
//
// Paths are client paths: with a chroot ("h:1/app") they are relative to it.
#ifndef ZK_CLIENT_CLIENT_H_
#define ZK_CLIENT_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "zk/client/logger.h"
#include "zk/client/resolver.h"
#include "zk/client/sasl_options.h"
#include "zk/client/tls_options.h"
#include "zk/client/watch.h"
#include "zk/hostprovider/provider_core.h"
#include "zk/hostprovider/rebalance_plan.h"
#include "zk/wire/host_port.h"
#include "zk/wire/protocol.h"
#include "zk/wire/records.h"
#include "zk/wire/status.h"

typedef struct uv_loop_s uv_loop_t;

namespace zk {

namespace client_internal {
class ClientImpl;
class Tracker;
}

using Stat = wire::Stat;
using Acl = wire::Acl;
using Id = wire::Id;
using ClientInfo = wire::ClientInfo;
using CreateMode = wire::CreateMode;

struct ClientOptions {
  // "host[:port][,host[:port]...][/chroot]". Required. Parsed by
  // zk::wire::ParseConnectString as Java's ConnectStringParser does: a
  // server without a port gets 2181 ("zk1,zk2:2182,[::1]" is zk1:2181,
  // zk2:2182, [::1]:2181); IPv6 literals in brackets ("[::1]:2181"),
  // canonical IP literals, chroot validated. An unbracketed IPv6 literal is
  // split at its last ':' as Java does, so bare "::1" would be host ":" on
  // port 1; it is refused here (write "[::1]"), as is every host that is not
  // a plausible name. Stricter than Java: empty elements ("a:1,,b:2") are
  // refused. A host name is resolved at every connection attempt (see
  // resolver below).
  std::string connect_string;
  // Requested session timeout; the server clamps it to [2, 20] × tickTime.
  std::chrono::milliseconds session_timeout{10000};
  // Allow attaching to a read-only server (state ConnectedReadOnly). While
  // read-only, other servers are asked `isro` (100 ms, doubling to 60 s) and
  // the session moves to one that answers "rw".
  bool can_be_read_only = false;
  // Local expiry: once the session had a read-write connection, hearing from
  // no server for the negotiated timeout ends it as Expired (queued requests
  // fail with ZSESSIONEXPIRED) without waiting for a server's verdict, which
  // never comes while the whole ensemble is unreachable. false: wait for a
  // server to refuse the session, as the Java client does. Default true.
  bool local_expiry = true;
  // Per-request timeout; 0 (default) = none. A request that has no reply
  // this long after the call (waiting for a connection or sent) completes
  // with ZOPERATIONTIMEOUT, once; the session and connection are kept. A
  // reply that comes later is consumed silently, and a watcher passed with
  // the request is then never registered (the server may still have set
  // the watch; its events find no watcher and are dropped).
  std::chrono::milliseconds request_timeout{0};
  // Write-side backpressure while connected: at most this many requests,
  // and this many bytes of them (4 + 8 + encoded body each), are sent and
  // not yet answered; more wait in the queue below and go out as replies
  // come. A request larger than max_in_flight_bytes goes out alone.
  size_t max_in_flight_requests = 1000;
  size_t max_in_flight_bytes = 4 * 1024 * 1024;
  // Requests that wait (for a connection, or behind the in-flight bounds):
  // at most this many and this many bytes (a request finding the queue
  // empty is always taken); beyond, the call returns ZTHROTTLEDOP naming
  // the bound.
  size_t max_queued_requests = 10000;
  size_t max_queued_bytes = 64 * 1024 * 1024;
  // The largest frame payload either way (ZooKeeper's jute.maxbuffer, whose
  // default, 0xfffff = 1,048,575 bytes, servers and Java's client apply).
  // A request whose header and body exceed it is refused at the call with
  // ZBADARGUMENTS naming both sizes (ZooKeeper would close the connection on
  // it: "Len error ... greater than jute.maxbuffer"); a reply frame longer
  // than it drops the connection, as Java's "Packet len N is out of range!"
  // (requests in flight fail with ZCONNECTIONLOSS, the session reconnects).
  // Raise it with the servers' -Djute.maxbuffer. Range [1024, 2^31-1].
  uint32_t max_frame_bytes = 0xfffff;
  // Ensemble tracking (docs/client.md): follow /zookeeper/config, handing
  // each new config's connect addresses (ConfigResult::connect_addresses:
  // wildcard client hosts replaced by the quorum host) to the host provider.
  // On by default.
  bool track_ensemble = true;
  // Upper bound of the uniform random delay before following a config; the
  // first one a session reads waits too (until then servers() is the
  // connect string's list).
  std::chrono::milliseconds tracking_jitter{3000};
  // A rebalance-plan znode to follow ("" = none). Client path (chrooted).
  // Independent of track_ensemble. A following session registers itself as
  // the ephemeral /zkbalance/followers/0x<16 hex> (docs/hostprovider.md).
  std::string plan_path;
  // Host provider policies (failover, migration on list changes, delays);
  // see zk/hostprovider/provider_core.h. Plans are followed whatever the
  // migration policy.
  ProviderOptions host_provider;
  // Seed of every random choice (host order, the order a name's addresses
  // are tried in, jitter); 0 = random (logged).
  uint64_t random_seed = 0;
  // Name resolution (zk/client/resolver.h). Empty: the system resolver
  // (getaddrinfo, both families). Either way a name is resolved at every
  // connection attempt and each of its addresses is tried, in a shuffled
  // order, within the attempt's connect timeout (docs/client.md).
  Resolver resolver;
  // TLS for every connection of the session (zk/client/tls_options.h);
  // off by default. zk/client/client_config_file.h fills it from zkCli.sh's
  // client configuration file.
  TlsOptions tls;
  // Default: Logger::Stderr().
  std::shared_ptr<Logger> logger;
  // Session state changes (Connected, Disconnected, Expired, ...).
  std::function<void(SessionState)> session_watcher;
  // Reattach an existing session instead of creating one, so that a process
  // can hand its session to its successor (Java's ZooKeeper(connectString,
  // timeout, watcher, sessionId, sessionPasswd), the C client's clientid_t):
  // the predecessor's Client::session_id() and session_password(). The
  // session keeps its ephemeral nodes; watches are per connection, so the
  // successor sets its own. A session the quorum no longer has (expired or
  // closed) and a wrong password end alike in Expired, with the reason
  // logged (ZooKeeper answers both with timeout 0). 0: a new session; a
  // non-zero id needs a non-empty password (16 bytes as servers issue them).
  int64_t session_id = 0;
  std::string session_password;
  // SASL authentication (zk/client/sasl_options.h; default none): the
  // exchange runs on every connection before any request, and requests
  // wait for it; a refusal ends the session as AuthFailed (every pending
  // and later request fails with ZAUTHFAILED). Checked by Create
  // (ValidateSaslOptions), which also fails when the Cyrus SASL library
  // cannot be initialized.
  SaslOptions sasl;
};

// Znode data is std::optional<std::string> everywhere (arguments and
// results), because ZooKeeper keeps null and empty apart: std::nullopt is
// null (length -1 on the wire; Java's create(path, null, ...), zkCli.sh's
// `create /x` without data, which `get` prints as "null"), "" is empty data
// (length 0). A node created or set with either reads back as the same; both
// have Stat.dataLength 0.

struct CreateResult {
  std::string path;  // the actual path (sequential suffix), chroot stripped
  Stat stat;         // filled by every create (op create2/createContainer/createTTL)
};
struct DataResult {
  std::optional<std::string> data;  // std::nullopt: the znode holds null
  Stat stat;
};
struct ChildrenResult {
  std::vector<std::string> children;  // names, not paths
  Stat stat;
};
struct AclResult {
  std::vector<Acl> acl;
  Stat stat;
};
// /zookeeper/config: the raw text, its version (hex zxid of the config) and
// the members' client addresses ("config -c").
struct ConfigResult {
  std::string text;
  int64_t version = 0;
  // As published, wildcards included: the guide's bare-port form
  // "server.1=10.0.0.1:2888:3888:participant;2181" gives 0.0.0.0:2181.
  std::vector<HostPort> client_addresses;
  // Where a client connects: one per server line with a client address, a
  // wildcard host (0.0.0.0, [0:0:0:0:0:0:0:0]) replaced by that server's
  // quorum host (10.0.0.1:2181 above), as Curator's EnsembleTracker does.
  // This is the list ensemble tracking hands to the host provider.
  std::vector<HostPort> connect_addresses;
  Stat stat;
};

// One operation of Multi / MultiRead.
struct Op {
  enum class Kind { kCreate, kDelete, kSetData, kCheck, kGetData, kGetChildren };
  Kind kind = Kind::kCheck;
  std::string path{};
  std::optional<std::string> data{};  // create, setData; std::nullopt = null
  std::vector<Acl> acl{};
  CreateMode mode = CreateMode::kPersistent;
  int64_t ttl_ms = 0;
  int32_t version = -1;

  static Op Create(std::string path, std::optional<std::string> data, std::vector<Acl> acl,
                   CreateMode mode = CreateMode::kPersistent, int64_t ttl_ms = 0);
  static Op Delete(std::string path, int32_t version = -1);
  static Op SetData(std::string path, std::optional<std::string> data, int32_t version = -1);
  static Op Check(std::string path, int32_t version);
  static Op GetData(std::string path);
  static Op GetChildren(std::string path);
};
// One op's result. err is kOk for an op that succeeded; in a failed Multi
// and in MultiRead it is that op's error (then the other fields are empty).
struct OpResult {
  Error err = Error::kOk;
  std::string path;                   // create (chroot stripped)
  Stat stat;                          // create, setData, getData
  std::optional<std::string> data;    // getData; std::nullopt = null
  std::vector<std::string> children;  // getChildren
};

// The outcome of Multi. ok() when the transaction was applied; results then
// has one entry per op. When the server refused it (and changed nothing),
// status is the failing op's error, failed_op that op's index, and results
// again one entry per op, as ZooKeeper answers: kOk for the ops before the
// failing one (rolled back), its error for it, and kRuntimeInconsistency for
// the ops after it (never tried). When no answer came (connection loss,
// session end, Close) status says why, results is empty and failed_op unset.
struct [[nodiscard]] MultiResult {
  Status status;
  std::vector<OpResult> results;
  std::optional<size_t> failed_op;
  bool ok() const { return status.ok(); }
};

// Reconfig input: incremental (joining/leaving) or bulk (new_members).
struct ReconfigSpec {
  std::vector<std::string> joining;  // "server.4=127.0.0.1:2884:3884:participant;127.0.0.1:2184"
  std::vector<std::string> leaving;  // server ids, "3"
  std::vector<std::string> new_members;  // bulk mode when non-empty
  int64_t from_config = -1;              // -1: unconditional
};

template <typename T>
using Callback = std::function<void(Result<T>)>;
using StatusCallback = std::function<void(Status)>;
using MultiCallback = std::function<void(MultiResult)>;

class Client {
 public:
  // Validates the options (an invalid connect string is refused here, naming
  // the problem) and starts connecting. REQUIRES: on the loop thread.
  static Result<std::shared_ptr<Client>> Create(uv_loop_t* loop, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // ---------------------------------------------------------------- ops
  // ttl_ms only for the *WithTtl modes. With acl empty: OPEN_ACL_UNSAFE.
  // data std::nullopt creates a node holding null (see above).
  Status CreateNode(const std::string& path, std::optional<std::string> data, std::vector<Acl> acl,
                    CreateMode mode, Callback<CreateResult> cb, int64_t ttl_ms = 0);
  Status Delete(const std::string& path, int32_t version, StatusCallback cb);
  // ZNONODE when the node is missing; a watcher is still set then (exist watch).
  Status Exists(const std::string& path, Watcher watcher, Callback<Stat> cb);
  Status GetData(const std::string& path, Watcher watcher, Callback<DataResult> cb);
  Status SetData(const std::string& path, std::optional<std::string> data, int32_t version,
                 Callback<Stat> cb);
  Status GetChildren(const std::string& path, Watcher watcher, Callback<ChildrenResult> cb);
  Status GetAcl(const std::string& path, Callback<AclResult> cb);
  Status SetAcl(const std::string& path, std::vector<Acl> acl, int32_t version, Callback<Stat> cb);
  Status Sync(const std::string& path, StatusCallback cb);
  // Atomic: all ops are applied or none (see MultiResult). Only write ops
  // (Create, Delete, SetData, Check); others are refused here.
  Status Multi(std::vector<Op> ops, MultiCallback cb);
  // Not atomic: each GetData/GetChildren op has its own result and error
  // (OpResult::err); the Result fails only when no answer came.
  Status MultiRead(std::vector<Op> ops, Callback<std::vector<OpResult>> cb);
  Status GetEphemerals(const std::string& prefix, Callback<std::vector<std::string>> cb);
  Status GetAllChildrenNumber(const std::string& path, Callback<int32_t> cb);
  Status WhoAmI(Callback<std::vector<ClientInfo>> cb);
  // Remembered and re-sent after every reconnect.
  Status AddAuth(const std::string& scheme, std::string auth, StatusCallback cb);
  Status AddWatch(const std::string& path, AddWatchMode mode, Watcher watcher, StatusCallback cb);
  // Removes on the server and locally; ZNOWATCHER if none.
  Status RemoveWatches(const std::string& path, WatcherKind kind, StatusCallback cb);
  // Reads /zookeeper/config (never chroot-prefixed); watcher optional.
  Status GetConfig(Watcher watcher, Callback<ConfigResult> cb);
  Status Reconfig(ReconfigSpec spec, Callback<ConfigResult> cb);

  // ---------------------------------------------------------------- session
  // Hands a new server list to the host provider; if it decides this client
  // must move, the connection is dropped (the session kept) and re-made
  // where it points. Invalid strings are refused.
  Status UpdateServerList(const std::string& connect_string);
  // A load hint for the host provider: per server its connection count
  // (e.g. from `srvr`, or an operator's hint service). Nothing moves now;
  // the next server-list change (UpdateServerList or a tracked config)
  // uses it under the `load-aware` migration policy, which falls back to
  // `probabilistic` unless every old server has a count (see
  // docs/hostprovider.md). Replaces the previous hint; an empty vector
  // clears it. Servers not in the list are ignored. REQUIRES: on the loop
  // thread, like every method here.
  void SetServerLoads(const std::vector<ServerLoad>& loads);
  // Sends closeSession. done (optional) runs once the session is Closed,
  // or soon (from a loop callback, not from inside Close) when the session
  // had already ended (Expired, AuthFailed, Closed).
  void Close(std::function<void()> done = {});

  SessionState state() const;
  int64_t session_id() const;
  // The session's password (16 bytes as the server issued it; zeros before
  // a new session's first connect, the given one before a reattach's). With
  // session_id() it is all a successor needs to reattach the session
  // (ClientOptions::session_id): keep it secret.
  std::string session_password() const;
  std::optional<HostPort> current_server() const;
  std::chrono::milliseconds negotiated_timeout() const;
  int64_t last_zxid() const;
  // Version of the last config applied by ensemble tracking (0 = none).
  int64_t tracked_config_version() const;
  // The server list the host provider holds now: the connect string's hosts
  // until UpdateServerList or ensemble tracking replaces them (tracking: the
  // ConfigResult::connect_addresses of the config it applied). Order is not
  // significant.
  std::vector<HostPort> servers() const;
  uint64_t connect_count() const;
  // The connect string's chroot ("" if none), as validated at Create.
  const std::string& chroot() const { return chroot_; }
  uv_loop_t* loop() const;
  const std::shared_ptr<Logger>& logger() const { return log_; }

  // Applies an operator's rebalance plan (zk/hostprovider/rebalance_plan.h)
  // as ClientOptions::plan_path does for a plan read from a znode: when the
  // plan moves this session (by its id) and its version is newer than the
  // last one applied, the connection is dropped (the session kept) and
  // re-made on the plan's server. Any other plan changes nothing.
  void ApplyPlan(const RebalancePlan& plan);

  // The x509 identity servers see with TLS: the subject of
  // ClientOptions::tls's client certificate (RFC 2253, "CN=app,O=corp", the
  // id of an x509 ACL); "" without one.
  const std::string& tls_subject() const { return tls_subject_; }

 private:
  Client() = default;
  std::string Full(const std::string& path) const;
  std::string Strip(std::string server_path) const;

  std::shared_ptr<client_internal::ClientImpl> impl_;
  std::unique_ptr<client_internal::Tracker> tracker_;
  std::shared_ptr<Logger> log_;
  std::function<void(SessionState)> user_session_watcher_;
  std::vector<std::function<void()>> close_waiters_;
  std::string chroot_;
  std::string tls_subject_;
  bool close_called_ = false;
};

}  // namespace zk

#endif  // ZK_CLIENT_CLIENT_H_
