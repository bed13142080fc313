// Ensemble tracking (docs/client.md): after each
// connect, getConfig with a watch; on a change, sync then getConfig; a newer
// version is applied after a uniform random delay in [0, jitter] through
// UpdateServerList with the config's client addresses. Chroot-safe: the
// config path is never prefixed.
//
// Lives inside its Client (which outlives every callback, see client.cc);
// its jitter timer is the only libuv handle it owns, allocated on demand.
// With ClientOptions::plan_path it also follows an operator's rebalancing
// plan znode (plan_json.h format); the host provider applies each version
// once.
#ifndef ZK_CLIENT_SRC_TRACKER_H_
#define ZK_CLIENT_SRC_TRACKER_H_

#include <uv.h>

#include <functional>
#include <optional>
#include <string>
#include <random>

#include "small_queue.h"
#include "zk/client/client.h"
#include "zk/hostprovider/random_source.h"
#include "zk/hostprovider/rebalance_plan.h"

namespace zk::client_internal {

// Uses only Client's public API.
class Tracker {
 public:
  Tracker(Client* client, const ClientOptions& options, uint64_t seed);
  ~Tracker();

  void OnState(SessionState s);
  void Stop();
  int64_t version() const { return applied_version_; }

 private:
  void Fetch(bool sync_first);
  void FetchPlan(bool sync_first);
  void Register();
  void CreateParent(const std::string& path, std::function<void()> next);
  void CreateFollower(bool creator_all);
  void Schedule();
  void Consider(const ConfigResult& cfg);
  void Apply();
  static void OnJitter(uv_timer_t* t);

  Client* client_;
  bool enabled_;
  std::chrono::milliseconds jitter_;
  SplitMix64 rng_;
  bool stopped_ = false;
  bool watch_armed_ = false;
  bool fetching_ = false;
  int64_t seen_version_ = 0;     // newest version read
  int64_t applied_version_ = 0;  // newest version handed to UpdateServerList
  std::string pending_connect_;  // waiting for the jitter timer
  std::string plan_path_;
  bool plan_watch_armed_ = false;
  bool plan_fetching_ = false;
  uint64_t plan_seen_ = 0;
  std::optional<RebalancePlan> pending_plan_;
  bool registering_ = false;
  int64_t registered_session_ = 0;  // session registered under /zkbalance/followers
  uv_timer_t* timer_ = nullptr;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_TRACKER_H_
