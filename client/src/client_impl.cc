#include "client_impl.h"

#include <algorithm>

namespace zk::client_internal {

ClientImpl::ClientImpl(uv_loop_t* loop, SessionConfig config, HostProvider hosts,
                       std::shared_ptr<Logger> logger, Resolver resolver, uint64_t seed)
    : loop_(loop),
      core_(std::move(config), std::move(hosts), logger),
      log_(std::move(logger)),
      resolver_(std::move(resolver)),
      address_rng_(seed) {}

ClientImpl::~ClientImpl() {
  if (conn_ != nullptr) conn_->Close();
  CloseProbe();
}

void ClientImpl::IsroProbe::OnConnected() { conn->Write("isro"); }

void ClientImpl::IsroProbe::OnData(const char* data, size_t len) {
  // The answer is "rw", "ro" or "null"; more is not a reply to isro.
  constexpr size_t kMaxReply = 64;
  reply.append(data, std::min(len, kMaxReply - std::min(kMaxReply, reply.size())));
}

void ClientImpl::IsroProbe::OnClosed(const Status&) {
  conn = nullptr;  // it frees itself
  auto keep = owner->self_;
  owner->core_.OnProbeReply(host, reply, owner->Now());
  owner->Pump(true);
}

void ClientImpl::CloseProbe() {
  if (probe_ == nullptr) return;
  if (probe_->conn != nullptr) probe_->conn->Close();
  probe_->conn = nullptr;
}

void ClientImpl::ExecuteProbeOrders() {
  if (core_.TakeProbeCancel()) CloseProbe();
  if (auto p = core_.TakeProbeOrder()) {
    CloseProbe();
    if (probe_ == nullptr) {
      probe_ = std::make_unique<IsroProbe>();
      probe_->owner = this;
    }
    probe_->host = p->host;
    probe_->reply.clear();
    probe_->conn =
        Connection::Start(loop_, p->host, p->timeout, probe_.get(), resolver_, address_rng_(), tls_);
  }
}

void ClientImpl::Start(std::shared_ptr<ClientImpl> self) {
  self_ = std::move(self);
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  timer_open_ = true;
  core_.Start(Now());
  AfterUserCall();
}

void ClientImpl::AfterUserCall() {
  if (pumping_) return;  // the running Pump picks the changes up
  Pump(false);
}

namespace {

struct PostedTask {
  uv_timer_t timer;
  std::function<void()> fn;
};

void OnPostedTimer(uv_timer_t* t) {
  auto* task = static_cast<PostedTask*>(t->data);
  auto fn = std::move(task->fn);
  uv_close(reinterpret_cast<uv_handle_t*>(&task->timer),
           [](uv_handle_t* h) { delete static_cast<PostedTask*>(h->data); });
  fn();
}

}  // namespace

void ClientImpl::Post(std::function<void()> fn) {
  if (timer_open_) {
    core_.Defer(std::move(fn));
    AfterUserCall();
    return;
  }
  auto* task = new PostedTask{{}, std::move(fn)};
  uv_timer_init(loop_, &task->timer);
  task->timer.data = task;
  uv_timer_start(&task->timer, &OnPostedTimer, 0, 0);
}

void ClientImpl::OnConnected() {
  auto keep = self_;
  if (conn_ != nullptr && !conn_->failed_addresses().empty() && log_->Enabled(LogLevel::kDebug)) {
    std::string failed;
    for (const std::string& f : conn_->failed_addresses())
      failed += (failed.empty() ? "" : "; ") + f;
    log_->Log(LogLevel::kDebug, "connected after trying: {}", failed);
  }
  core_.OnTransportConnected(Now());
  Pump(true);
}

void ClientImpl::OnData(const char* data, size_t len) {
  auto keep = self_;
  core_.OnBytes(data, len, Now());
  Pump(true);
}

void ClientImpl::OnClosed(const Status& reason) {
  auto keep = self_;
  conn_ = nullptr;  // it frees itself
  core_.OnTransportClosed(reason, Now());
  Pump(true);
}

void ClientImpl::OnTimer(uv_timer_t* t) {
  auto* c = static_cast<ClientImpl*>(t->data);
  auto keep = c->self_;
  uv_update_time(c->loop_);
  c->core_.OnTimer(c->Now());
  c->Pump(true);
}

void ClientImpl::Pump(bool run_callbacks) {
  pumping_ = true;
  for (int round = 0;; ++round) {
    TimePoint now = Now();
    if (core_.TakeDropOrder()) {
      if (conn_ != nullptr) conn_->Close();
      conn_ = nullptr;
      waiting_order_.reset();
      connect_at_ = TimePoint::max();
    }
    if (auto order = core_.TakeConnectOrder()) {
      waiting_order_ = std::move(order);
      connect_at_ = now + waiting_order_->delay;
    }
    if (waiting_order_ && now >= connect_at_ && conn_ == nullptr) {
      conn_ = Connection::Start(loop_, waiting_order_->host, waiting_order_->connect_timeout, this,
                                resolver_, address_rng_(), tls_);
      waiting_order_.reset();
      connect_at_ = TimePoint::max();
    }
    ExecuteProbeOrders();
    std::string out = core_.TakeOutput();
    if (!out.empty() && conn_ != nullptr) conn_->Write(std::move(out));
    if (!run_callbacks || !core_.HasCallbacks()) break;
    core_.RunCallbacks();
    (void)round;
  }
  pumping_ = false;
  if (core_.terminal() && !core_.HasCallbacks()) {
    if (conn_ != nullptr) conn_->Close();
    conn_ = nullptr;
    CloseProbe();
    if (timer_open_) {
      timer_open_ = false;
      uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &ClientImpl::OnTimerClosed);
    }
    return;
  }
  TimePoint when = core_.HasCallbacks() ? Now() : std::min(core_.NextDeadline(), connect_at_);
  Arm(when);
}

void ClientImpl::Arm(TimePoint when) {
  if (!timer_open_) return;
  if (when == TimePoint::max()) {
    uv_timer_stop(&timer_);
    return;
  }
  auto delta = std::chrono::duration_cast<Millis>(when - Now()).count();
  // +1: libuv fires a timer at loop time >= due, and a deadline computed at
  // sub-millisecond precision must not be missed by one tick.
  uv_timer_start(&timer_, &ClientImpl::OnTimer, static_cast<uint64_t>(std::max<int64_t>(0, delta)) + (delta > 0 ? 1 : 0), 0);
}

void ClientImpl::OnTimerClosed(uv_handle_t* h) {
  auto* c = static_cast<ClientImpl*>(h->data);
  // Dropping the self reference may destroy c; nothing touches it after.
  auto self = std::move(c->self_);
}

}  // namespace zk::client_internal
