// One server's watch tables: a data table and a child
// table, path -> {connection -> mode bits}. Turns tree changes into
// notifications, one per connection per event, in ZooKeeper's order.
//
// Connections are opaque ids; delivery goes through the `Deliver` callback,
// which the server wires to the connection's send path.
#ifndef ZK_SIM_WATCH_MANAGER_H_
#define ZK_SIM_WATCH_MANAGER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "data_tree.h"

namespace zk::sim {

enum EventType : int32_t {
  kEventNodeCreated = 1,
  kEventNodeDeleted = 2,
  kEventNodeDataChanged = 3,
  kEventNodeChildrenChanged = 4,
};

// WatcherType in checkWatches/removeWatches.
enum WatcherType : int32_t {
  kWatcherChildren = 1,
  kWatcherData = 2,
  kWatcherAny = 3,
  kWatcherPersistent = 4,
  kWatcherPersistentRecursive = 5,
};

using ConnId = uint64_t;

class WatchManager {
 public:
  using Deliver = std::function<void(ConnId, EventType, const std::string& path)>;

  enum Mode : uint8_t { kStandard = 1, kPersistent = 2, kRecursive = 4 };

  explicit WatchManager(Deliver deliver) : deliver_(std::move(deliver)) {}

  void AddData(ConnId c, const std::string& path) { Add(&data_, c, path, kStandard); }
  void AddChild(ConnId c, const std::string& path) { Add(&child_, c, path, kStandard); }
  // addWatch mode 0 (both tables) or 1 (data table, recursive).
  void AddPersistent(ConnId c, const std::string& path, bool recursive);

  // Delivers the notifications for `changes`, in order.
  void Trigger(const std::vector<TreeChange>& changes);

  // checkWatches (remove=false) / removeWatches (remove=true). Returns false
  // (ZNOWATCHER) when nothing matched.
  bool CheckOrRemove(ConnId c, const std::string& path, int32_t watcher_type, bool remove);

  // SetWatches/SetWatches2 on reconnect: catch-up events against `tree` and
  // registration, as ZooKeeper 3.8 does.
  void SetWatches(ConnId c, int64_t relative_zxid, const DataTree& tree,
                  const std::vector<std::string>& data, const std::vector<std::string>& exist,
                  const std::vector<std::string>& child,
                  const std::vector<std::string>& persistent,
                  const std::vector<std::string>& recursive);

  void RemoveConnection(ConnId c);

  // Data table only, as wchs/wchc/wchp and the AdminServer count.
  size_t DataWatchCount() const;
  size_t DataPathCount() const { return data_.size(); }
  size_t DataConnectionCount() const;
  size_t TotalWatchCount() const;  // data + child, as mntr zk_watch_count
  // path -> connections (data table).
  std::map<std::string, std::set<ConnId>> DataByPath() const;

 private:
  using Table = std::unordered_map<std::string, std::unordered_map<ConnId, uint8_t>>;
  void Add(Table* t, ConnId c, const std::string& path, uint8_t mode);
  // Collects recipients at `path` (and recursive ones at its ancestors when
  // `ancestors`), removing fired standard watches.
  void Collect(Table* t, const std::string& path, bool ancestors, std::set<ConnId>* out);

  Deliver deliver_;
  Table data_;
  Table child_;
  size_t recursive_count_ = 0;
};

}  // namespace zk::sim

#endif  // ZK_SIM_WATCH_MANAGER_H_
