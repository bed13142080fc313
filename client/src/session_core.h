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
};

// What the session does with a reply to register a watch (PROTOCOL.md §5.3).
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
};

class SessionCore {
 public:
  SessionCore(SessionConfig config, HostProvider hosts,
              std::shared_ptr<Logger> logger);

  // ---------------- inputs from the adapter
  void Start(TimePoint now);
  void OnTransportConnected(TimePoint now);
  void OnBytes(const char* data, size_t len, TimePoint now);
  // The transport failed (the adapter's connection is already gone).
  void OnTransportClosed(const Status& reason, TimePoint now);
  void OnTimer(TimePoint now);

  // ---------------- orders for the adapter
  struct ConnectOrder {
    HostPort host;
    Millis delay{0};
    Millis connect_timeout{0};
  };
  std::string TakeOutput();
  // True if the adapter must close its connection now (no OnTransportClosed
  // follows; the core has already accounted for it).
  bool TakeDropOrder();
  std::optional<ConnectOrder> TakeConnectOrder();
  // When OnTimer must be called next (TimePoint::max() if never).
  TimePoint NextDeadline() const;
  // Delivers queued callbacks; returns how many ran.
  size_t RunCallbacks();
  bool HasCallbacks() const { return !callbacks_.empty(); }

  // ---------------- API
  // Error return ⇒ r.done is never called.
  Status Submit(Request r);
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
  const std::string& chroot() const { return config_.chroot; }
  size_t pending_count() const { return pending_.size(); }
  size_t queued_count() const { return queue_.size(); }
  const WatchRegistry& watches() const { return watches_; }
  bool terminal() const;
  // Statistics.
  uint64_t connects() const { return connects_; }
  uint64_t drops() const { return drops_; }

 private:
  enum class Link { kIdle, kTcpConnecting, kHandshaking, kOpen, kClosingSession };

  struct Sent {
    int32_t xid;
    Request req;
  };
  struct Auth {
    std::string scheme, auth;
    std::function<void(const Status&)> done;  // until first sent
  };

  void OrderConnect(TimePoint now, Millis extra_delay);
  bool MaybeMove(bool move, const std::optional<HostPort>& cur, TimePoint now);
  void Drop(const std::string& reason, TimePoint now, bool order_drop);
  void HandleFrame(std::string_view payload, TimePoint now);
  void HandleConnectReply(std::string_view payload, TimePoint now);
  void HandleNotification(std::string_view body);
  void SendFrame(int32_t xid, int32_t op, std::string_view body, TimePoint now);
  void SendRequest(Request r, TimePoint now);
  void FlushQueue(TimePoint now);
  void SetState(SessionState s);
  void Finish(SessionState terminal, Error err);
  void FailPending(Error err, const std::string& why);
  void CompleteRequest(Request& r, Reply reply);
  int32_t NextXid();
  std::string StripChroot(const std::string& server_path) const;

  SessionConfig config_;
  HostProvider hosts_;
  std::shared_ptr<Logger> log_;

  SessionState state_ = SessionState::kConnecting;
  Link link_ = Link::kIdle;
  bool started_ = false;
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

  FrameReader frames_;
  std::string out_;
  bool drop_order_ = false;
  std::optional<ConnectOrder> connect_order_;

  SmallQueue<Request> queue_;  // not yet sent
  SmallQueue<Sent> pending_;   // sent, awaiting a reply in order
  std::vector<Auth> auths_;
  SmallQueue<std::function<void(const Status&)>> auth_waiters_;
  WatchRegistry watches_;
  std::function<void(SessionState)> session_watcher_;
  SmallQueue<std::function<void()>> callbacks_;

  uint64_t connects_ = 0;
  uint64_t drops_ = 0;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_SESSION_CORE_H_
