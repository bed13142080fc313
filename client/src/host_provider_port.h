// The host provider as the session core sees it. TEMPORARY: hostprovider/ is
// being written by another engineer; until its public header lands this
// minimal interface (Next / OnConnected / UpdateServerList) and the simple
// round-robin implementation below stand in. Replace, don't keep both.
#ifndef ZK_CLIENT_SRC_HOST_PROVIDER_PORT_H_
#define ZK_CLIENT_SRC_HOST_PROVIDER_PORT_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "small_queue.h"
#include "zk/wire/host_port.h"

namespace zk::client_internal {

struct NextHost {
  HostPort host;
  std::chrono::milliseconds delay{0};
};

class HostProviderPort {
 public:
  virtual ~HostProviderPort() = default;
  virtual NextHost Next() = 0;
  virtual void OnConnected() = 0;
  // True if the client currently on `current` should move.
  virtual bool UpdateServerList(const std::vector<HostPort>& list, const HostPort& current) = 0;
  virtual size_t size() const = 0;
};

// Shuffled list, round robin; after a full unsuccessful cycle a back-off of
// `cycle_delay`. UpdateServerList: move only if the current server left.
class SimpleHostProvider : public HostProviderPort {
 public:
  SimpleHostProvider(std::vector<HostPort> hosts, uint64_t seed,
                     std::chrono::milliseconds cycle_delay = std::chrono::milliseconds(200))
      : hosts_(std::move(hosts)), rng_(seed), cycle_delay_(cycle_delay) {
    std::shuffle(hosts_.begin(), hosts_.end(), rng_);
  }
  NextHost Next() override {
    NextHost n{hosts_[next_ % hosts_.size()], std::chrono::milliseconds(0)};
    if (tried_ >= hosts_.size()) {
      n.delay = cycle_delay_;
      tried_ = 0;
    }
    ++tried_;
    ++next_;
    return n;
  }
  void OnConnected() override { tried_ = 0; }
  bool UpdateServerList(const std::vector<HostPort>& list, const HostPort& current) override {
    bool keep = std::find(list.begin(), list.end(), current) != list.end();
    hosts_ = list;
    std::shuffle(hosts_.begin(), hosts_.end(), rng_);
    next_ = 0;
    tried_ = 0;
    return !keep;
  }
  size_t size() const override { return hosts_.size(); }

 private:
  std::vector<HostPort> hosts_;
  SplitMix64 rng_;
  std::chrono::milliseconds cycle_delay_;
  size_t next_ = 0;
  size_t tried_ = 0;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_HOST_PROVIDER_PORT_H_
