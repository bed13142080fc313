// The session state machine. No sockets, no clock, no loop: like nghttp2's
// session it is fed events (transport connected, bytes, transport closed,
// "the time is now") and produces bytes to send, orders for the adapter
// (connect to H after delay D, drop the connection) and a deadline for the
// next OnTimer call. Unit tests and the fuzz target drive it directly.
//
// Callbacks (request completions, watch events, state changes) are never
// called from inside a call into the core; they are queued and delivered by
// RunCallbacks(), which the adapter calls from its own loop callbacks.
// Every request completes exactly once.
//
// Thread-safety: none; one loop thread.
#ifndef ZK_CLIENT_SRC_SESSION_CORE_H_
#define ZK_CLIENT_SRC_SESSION_CORE_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto.h"
#include "sasl_mechanism.h"
#include "small_queue.h"
#include "watch_registry.h"
#include "zk/client/logger.h"
#include "zk/client/watch.h"
#include "zk/hostprovider/host_provider.h"
#include "zk/hostprovider/rebalance_plan.h"
#include "zk/wire/status.h"

namespace zk::client_internal {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Millis = std::chrono::milliseconds;

struct SessionConfig {
  Millis session_timeout{4000};
  bool can_be_read_only = false;
  std::string chroot;                  // "" or "/app"; no trailing '/'
  size_t max_queued_requests = 10000;  // while disconnected
  Millis min_connect_timeout{500};
  // Local expiry: once a session exists on the quorum (it had a read-write
  // connection), hearing from no server for the negotiated timeout ends it
  // as Expired without waiting for a server's verdict (Curator's rule; Java
  // 3.8 waits, Java 3.9 expires after 4/3 of the timeout). Default on.
  bool local_expiry = true;
  // While ConnectedReadOnly, one other server is asked `isro` after
  // rw_probe_min, the interval doubling up to rw_probe_max after each probe
  // (Java's ClientCnxn: 100 ms, 60 s; 1 s for the probe's connect and reply).
  Millis rw_probe_min{100};
  Millis rw_probe_max{60000};
  Millis rw_probe_timeout{1000};
  // SetWatches(2) packets carry at most this many bytes of paths (Java's
  // SET_WATCHES_MAX_LENGTH, 128 KiB); more watches go in several packets.
  size_t set_watches_max_bytes = 128 * 1024;
  // Per-request timeout (0 = none): a request without its reply this long
  // after Submit (queued or sent) completes with ZOPERATIONTIMEOUT. A sent
  // one keeps its place in the reply order; its late reply is consumed
  // without a callback and without registering its watcher.
  Millis request_timeout{0};
  // Write-side backpressure: at most this many requests, and this many
  // frame bytes (4 + 8 + body each), sent and not yet answered; more wait
  // in the queue (a request larger than max_in_flight_bytes goes out alone
  // when nothing is in flight). The queue holds at most
  // max_queued_requests requests and max_queued_bytes bytes (a request
  // finding the queue empty is always taken); beyond, ZTHROTTLEDOP.
  size_t max_in_flight_requests = 1000;
  size_t max_in_flight_bytes = 4 * 1024 * 1024;
  size_t max_queued_bytes = 64 * 1024 * 1024;
  // The largest frame payload (jute.maxbuffer) either way: Submit refuses a
  // request whose header and body exceed it (kBadArguments; a server would
  // close the connection), and a longer reply frame drops the connection
  // (the session reconnects). Default 0xfffff, ZooKeeper's and Java's.
  uint32_t max_frame_bytes = kMaxFrameBytes;
  // Reattach: the session to resume (a predecessor's id and password, as
  // Java's ZooKeeper(..., sessionId, sessionPasswd) and the C client's
  // clientid_t) instead of creating one; 0 = a new session. Sent from the
  // first handshake on; a server that answers it with timeout 0 (the session
  // is gone or the password is wrong) ends it as Expired.
  int64_t session_id = 0;
  std::string session_password{};
  // SASL (ClientOptions::sasl): with a mechanism, every connection runs the
  // exchange (opcode sasl, 102, ordinary xids) right after the
  // ConnectResponse and before auth packets, SetWatches and queued
  // requests, which wait; the state becomes Connected(ReadOnly) only when it
  // succeeded. It must end within the read timeout (2/3 of the negotiated
  // session timeout) or the connection is dropped and retried. A refusal
  // (an error in the reply, or the mechanism failing) ends the session as
  // AuthFailed, as the C and Java clients do. Shared so that the config
  // stays copyable; used by this session only.
  std::shared_ptr<SaslMechanism> sasl{};
};

// What the session does with a reply to register a watch.
enum class WatchOn { kNone, kOkData, kExists, kOkChild, kOkPersistent, kOkRecursive };

struct Reply {
  Error err = Error::kOk;
  int64_t zxid = 0;
  std::string body;  // the record after the ReplyHeader
};

struct Request {
  int32_t op = 0;
  std::string body;  // encoded request record, paths already chroot-prefixed
  std::function<void(const Reply&)> done;
  WatchOn watch_on = WatchOn::kNone;
  std::string watch_path;  // client path (no chroot)
  Watcher watcher;
  // Set by the core: when the request times out (SessionConfig::request_timeout).
  TimePoint deadline = TimePoint::max();
};

class SessionCore {
 public:
  SessionCore(SessionConfig config, HostProvider hosts, std::shared_ptr<Logger> logger);

  // ---------------- inputs from the adapter
  void Start(TimePoint now);
  void OnTransportConnected(TimePoint now);
  void OnBytes(const char* data, size_t len, TimePoint now);
  // The transport failed (the adapter's connection is already gone). A
  // reason with code ZAUTHFAILED is a TLS refusal: once every server of the
  // list refused since the last attach, the session ends AuthFailed.
  void OnTransportClosed(const Status& reason, TimePoint now);
  void OnTimer(TimePoint now);
  // The text a probe ordered by TakeProbeOrder() got back before its
  // connection ended ("" if it failed). Only "rw" matters: the session then
  // leaves its read-only server for `host`, keeping the session (a session
  // that never had a read-write connection gets its real id there).
  void OnProbeReply(const HostPort& host, std::string_view reply, TimePoint now);

  // ---------------- orders for the adapter
  struct ConnectOrder {
    HostPort host;
    Millis delay{0};
    Millis connect_timeout{0};
  };
  // Ask `host` the four-letter word `isro` on a connection of its own and
  // report the reply with OnProbeReply (also when it failed: "" then).
  // `timeout` bounds the connect; the core bounds the whole probe and
  // cancels it (TakeProbeCancel) when it takes longer or no longer matters.
  struct ProbeOrder {
    HostPort host;
    Millis timeout{0};
  };
  std::string TakeOutput();
  // True if the adapter must close its connection now (no OnTransportClosed
  // follows; the core has already accounted for it).
  bool TakeDropOrder();
  std::optional<ConnectOrder> TakeConnectOrder();
  std::optional<ProbeOrder> TakeProbeOrder();
  // True if the adapter must abandon its probe connection (no reply is
  // expected any more).
  bool TakeProbeCancel();
  // When OnTimer must be called next (TimePoint::max() if never).
  TimePoint NextDeadline() const;
  // Delivers queued callbacks; returns how many ran.
  size_t RunCallbacks();
  bool HasCallbacks() const { return !callbacks_.empty(); }

  // ---------------- API
  // Error return ⇒ r.done is never called. ZTHROTTLEDOP when the request
  // can neither go out (in-flight bounds) nor wait (queue bounds). `now`
  // starts the request's timeout (the adapter's clock; without it, the
  // latest time an input carried).
  Status Submit(Request r);
  Status Submit(Request r, TimePoint now);
  // addAuth: sent now if connected, remembered for reconnects.
  Status AddAuth(std::string scheme, std::string auth, std::function<void(const Status&)> done);
  // Sends closeSession; Closed once the server answers or the transport ends.
  void Close(TimePoint now);
  // Hands the new list to the host provider; if it says move, drops the
  // connection (keeping the session) and reconnects where it points.
  bool UpdateServerList(const std::vector<HostPort>& hosts, TimePoint now);
  // Follows a rebalancing plan (once per version, the provider decides);
  // moves like UpdateServerList.
  bool ApplyPlan(const RebalancePlan& plan, TimePoint now);
  // The provider's load hint (HostProvider::SetServerLoads); no move now.
  void SetServerLoads(const std::vector<ServerLoad>& loads) { hosts_.SetServerLoads(loads); }
  // Registers a watch locally without a request (used for removeWatches).
  std::vector<Watcher> RemoveLocalWatches(WatcherKind kind, const std::string& path) {
    return watches_.Remove(kind, path);
  }
  void SetSessionWatcher(std::function<void(SessionState)> w) { session_watcher_ = std::move(w); }
  // Queues a callback to run from RunCallbacks (keeps completions off the
  // caller's stack).
  void Defer(std::function<void()> fn) { callbacks_.push_back(std::move(fn)); }

  // ---------------- observers
  SessionState state() const { return state_; }
  int64_t session_id() const { return session_id_; }
  const std::string& password() const { return passwd_; }
  int64_t last_zxid() const { return last_zxid_; }
  Millis negotiated_timeout() const { return negotiated_; }
  const std::optional<HostPort>& current_host() const { return current_; }
  const std::vector<HostPort>& servers() const { return hosts_.servers(); }
  const std::string& chroot() const { return config_.chroot; }
  size_t pending_count() const { return pending_.size(); }
  size_t queued_count() const { return queue_.size(); }
  size_t in_flight_bytes() const { return in_flight_bytes_; }
  size_t queued_bytes() const { return queued_bytes_; }
  const WatchRegistry& watches() const { return watches_; }
  bool terminal() const;
  // Statistics.
  uint64_t connects() const { return connects_; }
  uint64_t drops() const { return drops_; }
  uint64_t rw_probes() const { return rw_probes_; }
  uint64_t set_watches_packets() const { return set_watches_packets_; }
  uint64_t sasl_exchanges() const { return sasl_exchanges_; }

 private:
  // kSasl: the session was accepted and the SASL exchange runs.
  enum class Link { kIdle, kTcpConnecting, kHandshaking, kSasl, kOpen, kClosingSession };

  struct Sent {
    int32_t xid;
    Request req;
    size_t bytes = 0;  // its frame
  };
  struct Auth {
    std::string scheme, auth;
    std::function<void(const Status&)> done;  // until first sent
  };

  void OrderConnect(TimePoint now, Millis extra_delay);
  void SendSetWatches(TimePoint now);
  // Local expiry applies now (see SessionConfig::local_expiry).
  bool LocalExpiryArmed() const;
  void StartProbe(TimePoint now);
  void StopProbing();
  bool MaybeMove(bool move, const std::optional<HostPort>& cur, TimePoint now);
  void Drop(const std::string& reason, TimePoint now, bool order_drop);
  void HandleFrame(std::string_view payload, TimePoint now);
  void HandleConnectReply(std::string_view payload, TimePoint now);
  // The connection is usable: auth packets, SetWatches, Connected, queue.
  void EstablishSession(TimePoint now);
  // SASL exchange (SessionConfig::sasl).
  void StartSasl(TimePoint now);
  void ContinueSasl(SaslStep step, TimePoint now);
  void HandleSaslFrame(std::string_view payload, TimePoint now);
  void SaslFailed(const std::string& why);
  void HandleNotification(std::string_view body);
  void SendFrame(int32_t xid, int32_t op, std::string_view body, TimePoint now);
  void SendRequest(Request r, TimePoint now);
  // Sends queued requests while the in-flight bounds allow (all: force).
  void FlushQueue(TimePoint now, bool force = false);
  bool CanSend(size_t frame_bytes) const;
  void TimeOutRequests(TimePoint now);
  TimePoint NextRequestDeadline() const;
  void SetState(SessionState s);
  void Finish(SessionState terminal, Error err);
  void FailPending(Error err, const std::string& why);
  void CompleteRequest(Request& r, Reply reply);
  int32_t NextXid();

  SessionConfig config_;
  HostProvider hosts_;
  std::shared_ptr<Logger> log_;

  SessionState state_ = SessionState::kConnecting;
  Link link_ = Link::kIdle;
  bool started_ = false;
  // The quorum knows the session: it had a read-write connection, or it was
  // handed over (SessionConfig::session_id). Reconnects then send its id.
  bool seen_rw_ = false;
  bool close_requested_ = false;
  int64_t session_id_ = 0;
  std::string passwd_ = std::string(16, '\0');
  int64_t last_zxid_ = 0;
  Millis negotiated_{0};
  int32_t xid_ = 0;
  std::optional<HostPort> current_;
  std::optional<HostPort> connecting_to_;

  TimePoint now_hint_{};  // the latest time an input carried
  TimePoint last_send_{};
  TimePoint last_recv_{};
  TimePoint link_deadline_ = TimePoint::max();  // connect/handshake/close timeout
  TimePoint last_heard_{};                      // the last bytes from any server (local expiry)

  // The read-write server search while ConnectedReadOnly. Allocated on the
  // first read-only connect and freed on a read-write one, so that the
  // many sessions that never meet a read-only server do not carry it.
  struct RwSearch {
    Millis interval{0};
    TimePoint at = TimePoint::max();        // next probe
    TimePoint deadline = TimePoint::max();  // the running probe's end
    std::optional<HostPort> probing;        // the running probe's host
    size_t cursor = 0;                      // rotates over the server list
    std::optional<ProbeOrder> order;
    std::optional<HostPort> target;  // the next connect goes here (a probe said "rw")
  };
  std::unique_ptr<RwSearch> rw_;
  bool probe_cancel_ = false;

  FrameReader frames_;
  std::string out_;
  bool drop_order_ = false;
  std::optional<ConnectOrder> connect_order_;

  SmallQueue<Request> queue_;  // not yet sent
  SmallQueue<Sent> pending_;   // sent, awaiting a reply in order
  // pending_[0, timed_out_) timed out (their replies are still due); the
  // deadlines of pending_ then queue_ follow submission order.
  size_t timed_out_ = 0;
  size_t in_flight_bytes_ = 0;  // frames of pending_
  size_t queued_bytes_ = 0;     // frames of queue_
  std::vector<Auth> auths_;
  SmallQueue<std::function<void(const Status&)>> auth_waiters_;
  WatchRegistry watches_;
  std::function<void(SessionState)> session_watcher_;
  SmallQueue<std::function<void()>> callbacks_;

  uint64_t connects_ = 0;
  uint64_t drops_ = 0;
  // Servers that refused a TLS connection (ZAUTHFAILED) since the last
  // attach.
  std::vector<HostPort> tls_refused_;
  uint64_t rw_probes_ = 0;
  uint64_t set_watches_packets_ = 0;
  uint64_t sasl_exchanges_ = 0;  // completed ones

  // The running SASL exchange: the xid of the token awaiting its reply (0:
  // none) and whether the mechanism said it was complete.
  int32_t sasl_xid_ = 0;
  bool sasl_complete_ = false;
  bool connect_read_only_ = false;  // the ConnectResponse's flag
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_SESSION_CORE_H_
