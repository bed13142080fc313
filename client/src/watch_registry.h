// Client-side watch table. Mirrors what the server holds for this session so
// that a notification can be fanned out to local watchers and every watch can
// be re-registered after a reconnect (SetWatches / SetWatches2).
//
// Paths are client paths (chroot stripped). No I/O; loop thread only.
#ifndef ZK_CLIENT_SRC_WATCH_REGISTRY_H_
#define ZK_CLIENT_SRC_WATCH_REGISTRY_H_

#include <map>
#include <string>
#include <vector>

#include "proto.h"
#include "zk/client/watch.h"

namespace zk::client_internal {

enum class WatchTable { kData, kExist, kChild, kPersistent, kPersistentRecursive };

class WatchRegistry {
 public:
  void Add(WatchTable table, const std::string& path, Watcher w);

  // Removes the matching entries (one-shot entries leave when they fire).
  // Returns the removed watchers, to be told with a *WatchRemoved event.
  std::vector<Watcher> Remove(WatcherKind kind, const std::string& path);

  // The watchers a server notification reaches, in table order; one-shot
  // entries are removed. Each watcher appears once per table it was in.
  std::vector<Watcher> Collect(EventType type, const std::string& path);

  // Paths per table, for SetWatches(2).
  std::vector<std::string> Paths(WatchTable table) const;
  bool HasPersistent() const { return !persistent_.empty() || !recursive_.empty(); }
  bool Empty() const;
  size_t Count() const;

  // Every watcher, once per registration; the registry is emptied (session end).
  std::vector<Watcher> TakeAll();

 private:
  using Table = std::map<std::string, std::vector<Watcher>>;
  Table& Get(WatchTable t);
  const Table& Get(WatchTable t) const;
  static void TakeFrom(Table& t, const std::string& path, std::vector<Watcher>* out);
  static void CopyFrom(const Table& t, const std::string& path, std::vector<Watcher>* out);

  Table data_, exist_, child_, persistent_, recursive_;
};

// Splits the lists of one SetWatches(2) into packets whose paths add up to
// at most max_path_bytes each (a longer single path travels alone), keeping
// Java's order: data, exist, child, persistent, recursive. Java's
// ClientCnxn fills a packet while the sum is below 128 KiB, so its last path
// may overshoot; here no packet does. No lists: no packets.
std::vector<WatchLists> SplitWatchLists(const WatchLists& all, size_t max_path_bytes);

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_WATCH_REGISTRY_H_
