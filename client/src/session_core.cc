#include "session_core.h"

#include <algorithm>

#include "zk/wire/znode_path.h"

namespace zk::client_internal {

namespace {

// The bytes a request takes on the wire: length, xid, opcode, body.
size_t FrameBytes(const Request& r) { return 4 + 8 + r.body.size(); }

}  // namespace

SessionCore::SessionCore(SessionConfig config, HostProvider hosts, std::shared_ptr<Logger> logger)
    : config_(std::move(config)), hosts_(std::move(hosts)), log_(std::move(logger)) {
  if (!log_) log_ = Logger::Null();
  frames_.SetMax(config_.max_frame_bytes);
  if (config_.session_id != 0) {
    session_id_ = config_.session_id;
    passwd_ = config_.session_password;
    seen_rw_ = true;
  }
}

bool SessionCore::terminal() const {
  return state_ == SessionState::kExpired || state_ == SessionState::kAuthFailed ||
         state_ == SessionState::kClosed;
}

void SessionCore::Start(TimePoint now) {
  now_hint_ = now;
  if (started_ || terminal()) return;
  started_ = true;
  OrderConnect(now, Millis(0));
}

void SessionCore::OrderConnect(TimePoint now, Millis extra_delay) {
  (void)now;
  zk::NextHost n;
  if (rw_ && rw_->target) {
    // Java's rwServerAddress: the server a probe found read-write is tried
    // next, without asking the host provider (which still counts the
    // read-only server as its connection; a later loss is reported as that).
    n.host = std::move(*rw_->target);
    rw_->target.reset();
  } else {
    n = hosts_.Next();
  }
  Millis timeout = negotiated_.count() > 0 ? negotiated_ : config_.session_timeout;
  timeout =
      std::max(config_.min_connect_timeout,
               Millis(timeout.count() / static_cast<int64_t>(std::max<size_t>(1, hosts_.size()))));
  connect_order_ = ConnectOrder{n.host, n.delay + extra_delay, timeout};
  connecting_to_ = n.host;
  link_ = Link::kTcpConnecting;
  link_deadline_ = TimePoint::max();
  log_->Log(LogLevel::kDebug, "session 0x{:x}: connecting to {} in {} ms", session_id_,
            n.host.ToString(), (n.delay + extra_delay).count());
}

void SessionCore::OnTransportConnected(TimePoint now) {
  now_hint_ = now;
  if (link_ != Link::kTcpConnecting) return;
  link_ = Link::kHandshaking;
  frames_.Reset();
  ConnectParams p;
  p.last_zxid = last_zxid_;
  p.timeout_ms = static_cast<int32_t>(config_.session_timeout.count());
  p.session_id = seen_rw_ ? session_id_ : 0;
  p.passwd = seen_rw_ ? passwd_ : std::string(16, '\0');
  p.read_only = config_.can_be_read_only;
  out_ += FrameConnect(p);
  last_send_ = last_recv_ = now;
  link_deadline_ =
      now + (connect_order_ ? connect_order_->connect_timeout : config_.session_timeout);
  if (!connect_order_) {
    Millis t = std::max(config_.min_connect_timeout,
                        Millis(config_.session_timeout.count() /
                               static_cast<int64_t>(std::max<size_t>(1, hosts_.size()))));
    link_deadline_ = now + t;
  }
}

void SessionCore::OnBytes(const char* data, size_t len, TimePoint now) {
  now_hint_ = now;
  if (link_ != Link::kHandshaking && link_ != Link::kSasl && link_ != Link::kOpen &&
      link_ != Link::kClosingSession) {
    return;
  }
  last_recv_ = now;
  last_heard_ = now;
  frames_.Feed(data, len);
  std::string payload;
  Status error;
  while (link_ == Link::kHandshaking || link_ == Link::kSasl || link_ == Link::kOpen ||
         link_ == Link::kClosingSession) {
    if (!frames_.Next(&payload, &error)) {
      if (!error.ok()) Drop(error.message(), now, true);
      return;
    }
    if (link_ == Link::kHandshaking) {
      HandleConnectReply(payload, now);
    } else if (link_ == Link::kSasl) {
      HandleSaslFrame(payload, now);
    } else {
      HandleFrame(payload, now);
    }
  }
}

void SessionCore::HandleConnectReply(std::string_view payload, TimePoint now) {
  auto r = ParseConnectReply(payload);
  if (!r.ok()) {
    // ZooKeeper 3.8's read-only server answers a session it will not create
    // (a new one, unless localSessionsEnabled=true) with a bare reply header
    // carrying ZNOTREADONLY instead of a ConnectResponse.
    std::string_view rest;
    auto h =
        payload.size() == 16 ? ParseReplyHeader(payload, &rest) : Result<ReplyHeader>(r.status());
    if (h.ok() && h->err == static_cast<int32_t>(Error::kNotReadOnly)) {
      Drop(
          "the read-only server refused a new session (ZNOTREADONLY; it needs "
          "localSessionsEnabled=true)",
          now, true);
      return;
    }
    Drop("bad ConnectResponse: " + r.status().ToString(), now, true);
    return;
  }
  const ConnectReply& c = r.value();
  if (c.timeout_ms <= 0 || (seen_rw_ && c.session_id != session_id_)) {
    std::string server = connecting_to_ ? connecting_to_->ToString() : "?";
    if (connects_ == 0 && config_.session_id != 0) {
      // ZooKeeper answers an unknown session and a wrong password alike.
      log_->Log(LogLevel::kWarn,
                "session 0x{:x} expired: server {} refused to reattach it (timeout {}): the "
                "session expired or was closed, or the password is wrong",
                session_id_, server, c.timeout_ms);
    } else {
      log_->Log(LogLevel::kWarn, "session 0x{:x} expired (server {} refused it)", session_id_,
                server);
    }
    Finish(SessionState::kExpired, Error::kSessionExpired);
    return;
  }
  session_id_ = c.session_id;
  passwd_ = c.passwd;
  negotiated_ = Millis(c.timeout_ms);
  link_deadline_ = TimePoint::max();
  current_ = connecting_to_;
  ++connects_;
  if (!c.read_only) seen_rw_ = true;
  tls_refused_.clear();
  connect_read_only_ = c.read_only;
  hosts_.OnConnected();
  log_->Log(LogLevel::kInfo, "session 0x{:x} attached to {} (timeout {} ms{})", session_id_,
            current_ ? current_->ToString() : "?", c.timeout_ms, c.read_only ? ", read-only" : "");
  if (config_.sasl) {
    StartSasl(now);
  } else {
    EstablishSession(now);
  }
}

void SessionCore::EstablishSession(TimePoint now) {
  link_ = Link::kOpen;
  link_deadline_ = TimePoint::max();
  last_recv_ = now;
  // Java's order after a (re)connect: auth packets, SetWatches, queued requests.
  for (Auth& a : auths_) {
    SendFrame(kXidAuth, kOpAuth, EncodeAuth(a.scheme, a.auth), now);
    auth_waiters_.push_back(std::move(a.done));
    a.done = nullptr;
  }
  SendSetWatches(now);
  if (connect_read_only_) {
    if (!rw_) rw_ = std::make_unique<RwSearch>();
    rw_->interval = config_.rw_probe_min;
    rw_->at = now + rw_->interval;
  } else {
    rw_.reset();
  }
  SetState(connect_read_only_ ? SessionState::kConnectedReadOnly : SessionState::kConnected);
  FlushQueue(now);
  if (close_requested_) {
    close_requested_ = false;
    Close(now);
  }
}

void SessionCore::SendSetWatches(TimePoint now) {
  if (watches_.Empty()) return;
  WatchLists w;
  // The data watch of /zookeeper/config (GetConfig, and GetData of that
  // path) was set on the server's /zookeeper/config, never under the chroot,
  // and is re-registered there: prefixed, it would watch a path that does not
  // exist and ensemble tracking would stop following after one reconnect.
  auto prefix = [this](std::vector<std::string> v, bool keep_config = false) {
    if (!config_.chroot.empty()) {
      for (auto& p : v) {
        if (keep_config && p == kConfigZnode) continue;
        p = p == "/" ? config_.chroot : config_.chroot + p;
      }
    }
    return v;
  };
  w.data = prefix(watches_.Paths(WatchTable::kData), true);
  w.exist = prefix(watches_.Paths(WatchTable::kExist));
  w.child = prefix(watches_.Paths(WatchTable::kChild));
  w.persistent = prefix(watches_.Paths(WatchTable::kPersistent));
  w.recursive = prefix(watches_.Paths(WatchTable::kPersistentRecursive));
  // Every packet carries the same relative zxid; each is SetWatches unless
  // its own batch holds persistent watches (as Java decides per packet).
  std::vector<WatchLists> batches = SplitWatchLists(w, config_.set_watches_max_bytes);
  log_->Log(
      LogLevel::kDebug,
      "session 0x{:x}: re-registering {} watched paths in {} SetWatches packet(s)", session_id_,
      w.data.size() + w.exist.size() + w.child.size() + w.persistent.size() + w.recursive.size(),
      batches.size());
  for (const WatchLists& batch : batches) {
    int32_t op = 0;
    std::string body = EncodeSetWatches(last_zxid_, batch, &op);
    SendFrame(kXidSetWatches, op, body, now);
    ++set_watches_packets_;
  }
}

void SessionCore::HandleFrame(std::string_view payload, TimePoint now) {
  std::string_view body;
  auto h = ParseReplyHeader(payload, &body);
  if (!h.ok()) {
    Drop("bad reply header: " + h.status().ToString(), now, true);
    return;
  }
  const ReplyHeader& hdr = h.value();
  auto err = ErrorFromCode(hdr.err);
  if (!err) {
    Drop(fmt::format("reply with unknown error code {}", hdr.err), now, true);
    return;
  }
  if (*err == Error::kSessionClosedRequireSaslAuth) {
    // The server requires an authentication this session did not present
    // (sessionRequireClientSASLAuth, or enforce.auth.enabled with schemes it
    // lacks): it answers any request, pings included, with this error and
    // closes the connection. Every connection would present the same
    // credentials and end alike (reconnecting every ping interval, as the
    // Java client does), so the session ends here, as AuthFailed.
    log_->Log(LogLevel::kWarn,
              "session 0x{:x}: {} requires authentication this session does not offer "
              "(ZSESSIONCLOSEDREQUIRESASLAUTH to xid {}; the server has "
              "sessionRequireClientSASLAuth or enforce.auth.enabled): AuthFailed",
              session_id_, current_ ? current_->ToString() : "?", hdr.xid);
    if (!pending_.empty() && pending_.front().xid == hdr.xid) {
      Sent s = std::move(pending_.front());
      pending_.pop_front();
      in_flight_bytes_ -= s.bytes;
      if (timed_out_ > 0) --timed_out_;
      CompleteRequest(s.req, Reply{*err, hdr.zxid, {}});
    }
    Finish(SessionState::kAuthFailed, Error::kAuthFailed);
    return;
  }
  switch (hdr.xid) {
    case kXidNotification:
      HandleNotification(body);
      return;
    case kXidPing:
      return;
    case kXidSetWatches:
      if (*err != Error::kOk) {
        log_->Log(LogLevel::kWarn, "SetWatches refused: {}", ErrorName(*err));
      }
      return;
    case kXidAuth: {
      std::function<void(const Status&)> w;
      if (!auth_waiters_.empty()) {
        w = std::move(auth_waiters_.front());
        auth_waiters_.pop_front();
      }
      if (*err != Error::kOk) {
        if (w) Defer([w = std::move(w), e = *err] { w(Status(e, "auth refused")); });
        log_->Log(LogLevel::kWarn, "session 0x{:x}: authentication failed", session_id_);
        Finish(SessionState::kAuthFailed, Error::kAuthFailed);
        return;
      }
      if (w) Defer([w = std::move(w)] { w(Status()); });
      return;
    }
    default:
      break;
  }
  if (pending_.empty() || pending_.front().xid != hdr.xid) {
    Drop(pending_.empty()
             ? fmt::format("reply with unknown xid {} (nothing pending)", hdr.xid)
             : fmt::format("xid out of order: got {}, expected {}", hdr.xid, pending_.front().xid),
         now, true);
    return;
  }
  Sent s = std::move(pending_.front());
  pending_.pop_front();
  in_flight_bytes_ -= s.bytes;
  // A request that timed out has neither callback nor watcher any more:
  // its late reply only moves the zxid.
  if (timed_out_ > 0) --timed_out_;
  if (hdr.zxid > 0) last_zxid_ = hdr.zxid;
  bool is_close = s.req.op == kOpCloseSession;
  CompleteRequest(s.req, Reply{*err, hdr.zxid, std::string(body)});
  if (is_close) {
    Finish(SessionState::kClosed, Error::kClosing);
    return;
  }
  FlushQueue(now);  // room in flight again
}

void SessionCore::HandleNotification(std::string_view body) {
  auto e = ParseWatcherEvent(body);
  if (!e.ok()) {
    log_->Log(LogLevel::kWarn, "ignoring malformed notification: {}", e.status().ToString());
    return;
  }
  auto type = static_cast<EventType>(e->type);
  if (type < EventType::kNodeCreated || type > EventType::kNodeChildrenChanged) {
    log_->Log(LogLevel::kWarn, "ignoring notification of unknown type {}", e->type);
    return;
  }
  WatchEvent ev{type, state_, wire::StripChroot(config_.chroot, e->path)};
  for (auto& w : watches_.Collect(type, ev.path)) {
    Defer([w = std::move(w), ev] { w(ev); });
  }
}

void SessionCore::CompleteRequest(Request& r, Reply reply) {
  if (r.watcher) {
    bool ok = reply.err == Error::kOk;
    switch (r.watch_on) {
      case WatchOn::kNone:
        break;
      case WatchOn::kOkData:
        if (ok) watches_.Add(WatchTable::kData, r.watch_path, std::move(r.watcher));
        break;
      case WatchOn::kExists:
        if (ok)
          watches_.Add(WatchTable::kData, r.watch_path, std::move(r.watcher));
        else if (reply.err == Error::kNoNode)
          watches_.Add(WatchTable::kExist, r.watch_path, std::move(r.watcher));
        break;
      case WatchOn::kOkChild:
        if (ok) watches_.Add(WatchTable::kChild, r.watch_path, std::move(r.watcher));
        break;
      case WatchOn::kOkPersistent:
        if (ok) watches_.Add(WatchTable::kPersistent, r.watch_path, std::move(r.watcher));
        break;
      case WatchOn::kOkRecursive:
        if (ok) watches_.Add(WatchTable::kPersistentRecursive, r.watch_path, std::move(r.watcher));
        break;
    }
  }
  if (r.done) {
    Defer([done = std::move(r.done), reply = std::move(reply)] { done(reply); });
  }
}

int32_t SessionCore::NextXid() {
  if (xid_ == INT32_MAX) xid_ = 0;
  return ++xid_;
}

void SessionCore::SendFrame(int32_t xid, int32_t op, std::string_view body, TimePoint now) {
  out_ += FrameRequest(xid, op, body);
  last_send_ = now;
}

void SessionCore::SendRequest(Request r, TimePoint now) {
  int32_t xid = NextXid();
  size_t bytes = FrameBytes(r);
  SendFrame(xid, r.op, r.body, now);
  r.body = std::string();  // framed in out_; not kept while in flight
  in_flight_bytes_ += bytes;
  pending_.push_back(Sent{xid, std::move(r), bytes});
}

bool SessionCore::CanSend(size_t frame_bytes) const {
  if (link_ != Link::kOpen) return false;
  if (pending_.empty()) return true;  // one request always fits
  return pending_.size() < config_.max_in_flight_requests &&
         in_flight_bytes_ + frame_bytes <= config_.max_in_flight_bytes;
}

void SessionCore::FlushQueue(TimePoint now, bool force) {
  while (link_ == Link::kOpen && !queue_.empty() &&
         (force || CanSend(FrameBytes(queue_.front())))) {
    Request r = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= FrameBytes(r);
    SendRequest(std::move(r), now);
  }
}

void SessionCore::TimeOutRequests(TimePoint now) {
  if (config_.request_timeout.count() <= 0) return;
  auto time_out = [this](Request& r) {
    r.watcher = nullptr;  // the server may set it; nobody is told
    if (r.done) {
      Defer([done = std::move(r.done)] { done(Reply{Error::kOperationTimeout, 0, {}}); });
    }
    r.done = nullptr;
  };
  // Sent ones keep their slot: the reply is still due, in order.
  while (timed_out_ < pending_.size() && pending_[timed_out_].req.deadline <= now) {
    time_out(pending_[timed_out_].req);
    ++timed_out_;
    log_->Log(LogLevel::kDebug, "session 0x{:x}: request xid {} timed out after {} ms", session_id_,
              pending_[timed_out_ - 1].xid, config_.request_timeout.count());
  }
  while (!queue_.empty() && queue_.front().deadline <= now) {
    Request r = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= FrameBytes(r);
    time_out(r);
  }
}

TimePoint SessionCore::NextRequestDeadline() const {
  TimePoint t = TimePoint::max();
  if (timed_out_ < pending_.size()) t = pending_[timed_out_].req.deadline;
  if (!queue_.empty()) t = std::min(t, queue_.front().deadline);
  return t;
}

Status SessionCore::Submit(Request r, TimePoint now) {
  now_hint_ = std::max(now_hint_, now);
  return Submit(std::move(r));
}

Status SessionCore::Submit(Request r) {
  if (terminal()) {
    return Status(state_ == SessionState::kExpired      ? Error::kSessionExpired
                  : state_ == SessionState::kAuthFailed ? Error::kAuthFailed
                                                        : Error::kClosing,
                  "session is " + std::string(SessionStateName(state_)));
  }
  if (close_requested_ || link_ == Link::kClosingSession) {
    return Status(Error::kClosing, "session is closing");
  }
  if (config_.request_timeout.count() > 0) r.deadline = now_hint_ + config_.request_timeout;
  size_t bytes = FrameBytes(r);
  if (bytes - 4 > config_.max_frame_bytes) {
    return Status(Error::kBadArguments,
                  fmt::format("request of {} bytes (header and body) exceeds max_frame_bytes {} "
                              "(jute.maxbuffer): a server would close the connection",
                              bytes - 4, config_.max_frame_bytes));
  }
  if (queue_.empty() && CanSend(bytes)) {
    SendRequest(std::move(r), now_hint_);
    return Status();
  }
  std::string why = link_ == Link::kOpen ? fmt::format("behind {} requests ({} bytes) in flight",
                                                       pending_.size(), in_flight_bytes_)
                                         : std::string("for a connection");
  if (queue_.size() >= config_.max_queued_requests) {
    return Status(Error::kThrottledOp,
                  fmt::format("request queue full: {} requests already wait {} "
                              "(max_queued_requests {})",
                              queue_.size(), why, config_.max_queued_requests));
  }
  if (!queue_.empty() && queued_bytes_ + bytes > config_.max_queued_bytes) {
    return Status(Error::kThrottledOp,
                  fmt::format("request queue full: {} bytes already wait {}; this request's "
                              "{} bytes would exceed max_queued_bytes {}",
                              queued_bytes_, why, bytes, config_.max_queued_bytes));
  }
  queued_bytes_ += bytes;
  queue_.push_back(std::move(r));
  return Status();
}

Status SessionCore::AddAuth(std::string scheme, std::string auth,
                            std::function<void(const Status&)> done) {
  if (terminal() || close_requested_) return Status(Error::kClosing, "session is not usable");
  if (link_ == Link::kOpen) {
    SendFrame(kXidAuth, kOpAuth, EncodeAuth(scheme, auth), now_hint_);
    auth_waiters_.push_back(std::move(done));
    auths_.push_back(Auth{std::move(scheme), std::move(auth), nullptr});
  } else {
    // Sent with the other credentials right after the next handshake.
    auths_.push_back(Auth{std::move(scheme), std::move(auth), std::move(done)});
  }
  return Status();
}

void SessionCore::Close(TimePoint now) {
  now_hint_ = now;
  if (terminal()) return;
  if (link_ == Link::kOpen) {
    // Anything still queued goes out first (beyond the in-flight bounds:
    // the queue's own bounds hold); then closeSession, answered in order.
    FlushQueue(now, true);
    Request r;
    r.op = kOpCloseSession;
    SendRequest(std::move(r), now);
    link_ = Link::kClosingSession;
    link_deadline_ = now + std::min<Millis>(negotiated_, Millis(2000));
    return;
  }
  if (link_ == Link::kClosingSession) return;
  Finish(SessionState::kClosed, Error::kClosing);
}

bool SessionCore::UpdateServerList(const std::vector<HostPort>& hosts, TimePoint now) {
  now_hint_ = now;
  if (terminal() || hosts.empty()) return false;
  std::optional<HostPort> cur = current_;
  auto r = hosts_.UpdateServerList(hosts, cur);
  if (!r.ok()) {
    log_->Log(LogLevel::kWarn, "session 0x{:x}: server list refused: {}", session_id_, r.status());
    return false;
  }
  return MaybeMove(r.value(), cur, now);
}

bool SessionCore::ApplyPlan(const RebalancePlan& plan, TimePoint now) {
  now_hint_ = now;
  if (terminal()) return false;
  std::optional<HostPort> cur = current_;
  auto r = hosts_.ApplyPlan(plan, cur, static_cast<uint64_t>(session_id_));
  if (!r.ok()) {
    log_->Log(LogLevel::kWarn, "session 0x{:x}: plan refused: {}", session_id_, r.status());
    return false;
  }
  return MaybeMove(r.value(), cur, now);
}

bool SessionCore::MaybeMove(bool move, const std::optional<HostPort>& cur, TimePoint now) {
  if (!move) return false;
  if (link_ == Link::kOpen || link_ == Link::kSasl || link_ == Link::kHandshaking ||
      link_ == Link::kTcpConnecting) {
    log_->Log(LogLevel::kInfo, "session 0x{:x}: host provider moves it off {}", session_id_,
              cur ? cur->ToString() : "(none)");
    Drop("moving to another server", now, true);
  }
  return true;
}

void SessionCore::OnTransportClosed(const Status& reason, TimePoint now) {
  now_hint_ = now;
  if (link_ == Link::kIdle) return;
  if (link_ == Link::kClosingSession) {
    Finish(SessionState::kClosed, Error::kClosing);
    return;
  }
  if (reason.code() == Error::kAuthFailed) {
    // A TLS refusal (tls_options.h): a configuration problem. Once every
    // server of the list refused since the last attach, retrying would only
    // hide it.
    if (connecting_to_) {
      bool seen = false;
      for (const HostPort& h : tls_refused_) seen = seen || h == *connecting_to_;
      if (!seen) tls_refused_.push_back(*connecting_to_);
    }
    size_t refused = 0;
    for (const HostPort& h : hosts_.servers()) {
      for (const HostPort& r : tls_refused_) {
        if (r == h) {
          ++refused;
          break;
        }
      }
    }
    log_->Log(LogLevel::kWarn, "session 0x{:x}: {} refused: {} ({} of {} servers refused)",
              session_id_, connecting_to_ ? connecting_to_->ToString() : "?", reason.message(),
              refused, hosts_.size());
    if (refused >= hosts_.size()) {
      log_->Log(LogLevel::kError,
                "session 0x{:x}: every server refused the TLS connection; the session ends "
                "as AuthFailed (last: {})",
                session_id_, reason.message());
      Finish(SessionState::kAuthFailed, Error::kAuthFailed);
      return;
    }
  }
  Drop(reason.message(), now, false);
}

void SessionCore::Drop(const std::string& reason, TimePoint now, bool order_drop) {
  ++drops_;
  // Failed connect attempts are routine while a server is down, and a move
  // is the host provider's decision; everything else is worth a warning.
  LogLevel level = link_ == Link::kTcpConnecting    ? LogLevel::kDebug
                   : reason.rfind("moving", 0) == 0 ? LogLevel::kInfo
                                                    : LogLevel::kWarn;
  log_->Log(level, "session 0x{:x}: connection to {} dropped: {}", session_id_,
            connecting_to_ ? connecting_to_->ToString() : "?", reason);
  if (order_drop) drop_order_ = true;
  StopProbing();
  connect_order_.reset();
  link_ = Link::kIdle;
  link_deadline_ = TimePoint::max();
  sasl_xid_ = 0;
  current_.reset();
  frames_.Reset();
  out_.clear();
  FailPending(Error::kConnectionLoss, reason);
  if (state_ == SessionState::kConnected || state_ == SessionState::kConnectedReadOnly) {
    SetState(SessionState::kDisconnected);
  }
  OrderConnect(now, Millis(0));
}

void SessionCore::FailPending(Error err, const std::string& why) {
  (void)why;
  timed_out_ = 0;  // those have no callback any more
  in_flight_bytes_ = 0;
  while (!pending_.empty()) {
    Sent s = std::move(pending_.front());
    pending_.pop_front();
    if (s.req.done) Defer([done = std::move(s.req.done), err] { done(Reply{err, 0, {}}); });
  }
  while (!auth_waiters_.empty()) {
    auto w = std::move(auth_waiters_.front());
    auth_waiters_.pop_front();
    if (w)
      Defer([w = std::move(w), err] { w(Status(err, "connection lost before the auth reply")); });
  }
}

void SessionCore::Finish(SessionState terminal_state, Error err) {
  if (terminal()) return;
  FailPending(err, "");
  while (!queue_.empty()) {
    Request r = std::move(queue_.front());
    queue_.pop_front();
    if (r.done) Defer([done = std::move(r.done), err] { done(Reply{err, 0, {}}); });
  }
  queued_bytes_ = 0;
  for (Auth& a : auths_) {
    if (a.done) Defer([w = std::move(a.done), err] { w(Status(err, "session ended")); });
    a.done = nullptr;
  }
  drop_order_ = true;
  StopProbing();
  rw_.reset();
  connect_order_.reset();
  link_ = Link::kIdle;
  link_deadline_ = TimePoint::max();
  current_.reset();
  out_.clear();
  // Every watch still registered is told once that the session ended (type
  // None, the terminal state; Java's ZKWatchManager.materialize for a None
  // event), and the registry is emptied; before the session watcher, whose
  // call may release the Client that owns internal watchers.
  const WatchEvent ended{EventType::kNone, terminal_state, ""};
  for (Watcher& w : watches_.TakeAll()) {
    if (w) Defer([w = std::move(w), ended] { w(ended); });
  }
  SetState(terminal_state);
}

void SessionCore::SetState(SessionState s) {
  if (s == state_) return;
  state_ = s;
  if (session_watcher_) {
    auto w = session_watcher_;
    Defer([w = std::move(w), s] { w(s); });
  }
}

bool SessionCore::LocalExpiryArmed() const {
  // Only a session the quorum knows can expire; while a connection is open
  // its read timeout (2/3 of the timeout) ends it first.
  return config_.local_expiry && seen_rw_ && !terminal() && negotiated_.count() > 0 &&
         (link_ == Link::kIdle || link_ == Link::kTcpConnecting || link_ == Link::kHandshaking ||
          link_ == Link::kSasl);
}

void SessionCore::OnTimer(TimePoint now) {
  now_hint_ = now;
  TimeOutRequests(now);
  if (LocalExpiryArmed() && now >= last_heard_ + negotiated_) {
    log_->Log(LogLevel::kWarn,
              "session 0x{:x} expired locally: no server heard for {} ms (session timeout {} ms)",
              session_id_, std::chrono::duration_cast<Millis>(now - last_heard_).count(),
              negotiated_.count());
    Finish(SessionState::kExpired, Error::kSessionExpired);
    return;
  }
  if (rw_ && rw_->probing && now >= rw_->deadline) {
    log_->Log(LogLevel::kDebug, "session 0x{:x}: isro probe of {} timed out", session_id_,
              rw_->probing->ToString());
    rw_->probing.reset();
    rw_->order.reset();
    rw_->deadline = TimePoint::max();
    probe_cancel_ = true;
  }
  switch (link_) {
    case Link::kHandshaking:
      if (now >= link_deadline_) Drop("handshake timed out", now, true);
      return;
    case Link::kSasl:
      if (now >= link_deadline_) Drop("SASL exchange timed out", now, true);
      return;
    case Link::kClosingSession:
      if (now >= link_deadline_) Finish(SessionState::kClosed, Error::kClosing);
      return;
    case Link::kOpen: {
      if (now - last_recv_ >= negotiated_ * 2 / 3) {
        Drop(fmt::format("nothing heard for {} ms", negotiated_.count() * 2 / 3), now, true);
        return;
      }
      if (now - last_send_ >= negotiated_ / 3) SendFrame(kXidPing, kOpPing, {}, now);
      if (state_ == SessionState::kConnectedReadOnly && rw_ && !rw_->probing && now >= rw_->at) {
        StartProbe(now);
      }
      return;
    }
    default:
      return;
  }
}

TimePoint SessionCore::NextDeadline() const {
  TimePoint t = TimePoint::max();
  switch (link_) {
    case Link::kHandshaking:
    case Link::kSasl:
    case Link::kClosingSession:
      t = link_deadline_;
      break;
    case Link::kOpen:
      t = std::min(last_send_ + negotiated_ / 3, last_recv_ + negotiated_ * 2 / 3);
      if (state_ == SessionState::kConnectedReadOnly && rw_ && !rw_->probing)
        t = std::min(t, rw_->at);
      break;
    default:
      break;
  }
  if (rw_ && rw_->probing) t = std::min(t, rw_->deadline);
  if (LocalExpiryArmed()) t = std::min(t, last_heard_ + negotiated_);
  t = std::min(t, NextRequestDeadline());
  return t;
}

void SessionCore::StartProbe(TimePoint now) {
  RwSearch& rw = *rw_;
  // Candidates: the list in order, rotating, skipping the server we are on.
  const std::vector<HostPort>& list = hosts_.servers();
  std::optional<HostPort> pick;
  for (size_t i = 0; i < list.size() && !pick; ++i) {
    const HostPort& h = list[(rw.cursor + i) % list.size()];
    if (!current_ || !(h == *current_)) {
      pick = h;
      rw.cursor = (rw.cursor + i + 1) % list.size();
    }
  }
  // As Java: the interval doubles at each probe, and the next probe is due
  // that long after this one started.
  rw.interval = std::min(rw.interval * 2, config_.rw_probe_max);
  rw.at = now + rw.interval;
  if (!pick) return;  // nobody else to ask (yet: the list may grow)
  ++rw_probes_;
  log_->Log(LogLevel::kDebug, "session 0x{:x}: read-only; asking {} isro (next in {} ms)",
            session_id_, pick->ToString(), rw.interval.count());
  rw.probing = pick;
  rw.order = ProbeOrder{*pick, config_.rw_probe_timeout};
  rw.deadline = now + 2 * config_.rw_probe_timeout;  // connect, then the reply
}

void SessionCore::StopProbing() {
  if (!rw_) return;
  if (rw_->probing) probe_cancel_ = true;
  rw_->probing.reset();
  rw_->order.reset();
  rw_->deadline = TimePoint::max();
  rw_->at = TimePoint::max();
}

void SessionCore::OnProbeReply(const HostPort& host, std::string_view reply, TimePoint now) {
  now_hint_ = now;
  if (!rw_ || !rw_->probing || !(host == *rw_->probing)) return;  // a probe we gave up on
  rw_->probing.reset();
  rw_->order.reset();
  rw_->deadline = TimePoint::max();
  if (state_ != SessionState::kConnectedReadOnly || link_ != Link::kOpen) return;
  if (reply != "rw") {
    log_->Log(LogLevel::kDebug, "session 0x{:x}: {} answered isro with '{}'", session_id_,
              host.ToString(), reply.substr(0, 16));
    return;
  }
  log_->Log(LogLevel::kInfo, "session 0x{:x}: {} is read-write; leaving the read-only server",
            session_id_, host.ToString());
  rw_->target = host;
  Drop("moving to read-write server " + host.ToString(), now, true);
}

std::optional<SessionCore::ProbeOrder> SessionCore::TakeProbeOrder() {
  if (!rw_) return std::nullopt;
  auto o = std::move(rw_->order);
  rw_->order.reset();
  return o;
}

bool SessionCore::TakeProbeCancel() {
  bool c = probe_cancel_;
  probe_cancel_ = false;
  return c;
}

std::string SessionCore::TakeOutput() { return std::move(out_); }

bool SessionCore::TakeDropOrder() {
  bool d = drop_order_;
  drop_order_ = false;
  return d;
}

std::optional<SessionCore::ConnectOrder> SessionCore::TakeConnectOrder() {
  auto o = std::move(connect_order_);
  connect_order_.reset();
  return o;
}

size_t SessionCore::RunCallbacks() {
  size_t n = 0;
  while (!callbacks_.empty()) {
    auto fn = std::move(callbacks_.front());
    callbacks_.pop_front();
    fn();
    ++n;
  }
  return n;
}

}  // namespace zk::client_internal
