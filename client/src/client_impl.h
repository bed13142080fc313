// The adapter between one SessionCore and libuv: executes the core's orders
// (connect after a delay, drop, write bytes), feeds it bytes and times, and
// delivers its callbacks from loop callbacks only. One uv_timer_t per session
// serves every deadline (ping, read timeout, handshake, reconnect delay,
// deferred callbacks), which keeps an idle session small.
//
// Lifetime (as in uvw): the object holds a reference to itself while its
// timer is open and drops it in the close callback after the session ended,
// so users may drop their shared_ptr at any time after Close().
#ifndef ZK_CLIENT_SRC_CLIENT_IMPL_H_
#define ZK_CLIENT_SRC_CLIENT_IMPL_H_

#include <uv.h>

#include <functional>
#include <memory>
#include <optional>
#include <random>

#include "connection.h"
#include "session_core.h"

namespace zk::client_internal {

class ClientImpl : public Connection::Listener {
 public:
  // resolver: ClientOptions::resolver (empty: getaddrinfo). seed fixes the
  // order each connection attempt tries a name's addresses in.
  ClientImpl(uv_loop_t* loop, SessionConfig config, HostProvider hosts,
             std::shared_ptr<Logger> logger, Resolver resolver = {}, uint64_t seed = 0);
  ~ClientImpl() override;

  // Every connection (the session's, the isro probes') uses TLS with this
  // context. REQUIRES: before Start.
  void SetTls(std::shared_ptr<const TlsContext> tls) { tls_ = std::move(tls); }

  // REQUIRES: called once, on the loop thread. `self` is the owning pointer.
  void Start(std::shared_ptr<ClientImpl> self);

  SessionCore& core() { return core_; }
  uv_loop_t* loop() const { return loop_; }
  TimePoint Now() const { return TimePoint(Millis(uv_now(loop_))); }

  // Call after any user API call that touched the core: flushes output and
  // orders now, and schedules callbacks for the loop (never runs them here).
  void AfterUserCall();

  // Runs fn once from a loop callback, never from inside this call. Works
  // also after the session ended and its timer closed (then through a
  // one-shot timer of its own, freed in its close callback).
  void Post(std::function<void()> fn);

  // Connection::Listener
  void OnConnected() override;
  void OnData(const char* data, size_t len) override;
  void OnClosed(const Status& reason) override;

 private:
  // The core's `isro` probe (read-write server search while read-only), on
  // a Connection of its own; the reply is whatever arrives before EOF.
  // Allocated on the first probe order only.
  struct IsroProbe : Connection::Listener {
    ClientImpl* owner = nullptr;
    HostPort host;
    std::string reply;
    Connection* conn = nullptr;
    void OnConnected() override;
    void OnData(const char* data, size_t len) override;
    void OnClosed(const Status& reason) override;
  };
  void ExecuteProbeOrders();
  void CloseProbe();

  void Pump(bool run_callbacks);
  void Arm(TimePoint when);
  static void OnTimer(uv_timer_t* t);
  static void OnTimerClosed(uv_handle_t* h);

  uv_loop_t* loop_;
  SessionCore core_;
  std::shared_ptr<Logger> log_;
  Resolver resolver_;
  std::shared_ptr<const TlsContext> tls_;  // null: plaintext
  std::mt19937_64 address_rng_;  // a shuffle seed per connection attempt
  uv_timer_t timer_;
  bool timer_open_ = false;
  std::shared_ptr<ClientImpl> self_;
  Connection* conn_ = nullptr;
  std::unique_ptr<IsroProbe> probe_;
  std::optional<SessionCore::ConnectOrder> waiting_order_;
  TimePoint connect_at_ = TimePoint::max();
  bool pumping_ = false;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_CLIENT_IMPL_H_
