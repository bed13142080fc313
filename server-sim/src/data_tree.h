// One replica of the znode tree. Applies transactions (which never fail) and
// answers reads. Knows nothing about connections; the changes it reports are
// turned into notifications by WatchManager.
//
// Not thread-safe; lives on the loop thread.
#ifndef ZK_SIM_DATA_TREE_H_
#define ZK_SIM_DATA_TREE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "acl.h"
#include "txn.h"
#include "zk/wire/protocol.h"

namespace zk::sim {

struct Stat {
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t ctime = 0;
  int64_t mtime = 0;
  int32_t version = 0;
  int32_t cversion = 0;
  int32_t aversion = 0;
  int64_t ephemeral_owner = 0;
  int32_t data_length = 0;
  int32_t num_children = 0;
  int64_t pzxid = 0;
  friend bool operator==(const Stat&, const Stat&) = default;
};

// True when `owner` (Stat.ephemeralOwner) marks a session-owned ephemeral node,
// as opposed to a persistent (0), container or TTL node.
constexpr bool IsEphemeralOwner(int64_t owner) {
  return owner != 0 && owner != wire::kContainerEphemeralOwner && !wire::IsTtlEphemeralOwner(owner);
}

struct Node {
  std::optional<std::string> data;
  AclList acl;
  int64_t czxid = 0, mzxid = 0, ctime = 0, mtime = 0, pzxid = 0;
  int64_t ephemeral_owner = 0;
  int32_t version = 0;
  int32_t aversion = 0;
  // Number of child creates so far (sequence counter); the reported cversion
  // is 2 * child_creates - numChildren = creates + deletes.
  int32_t child_creates = 0;
  std::set<std::string> children;

  Stat ToStat() const;
};

// A change a transaction made, in the order ZooKeeper triggers watches.
struct TreeChange {
  enum Kind { kCreated, kDeleted, kDataChanged };
  Kind kind;
  std::string path;
};

class DataTree {
 public:
  // The four built-in nodes; /zookeeper/config empty, with aversion -1 and
  // READ_ACL_UNSAFE.
  DataTree();

  // Applies `txn`; appends what changed to `changes` (may be null).
  void Apply(const Txn& txn, std::vector<TreeChange>* changes);

  const Node* Find(const std::string& path) const;
  Node* FindMutable(const std::string& path);

  // Ephemeral paths owned by `session_id`, sorted.
  std::vector<std::string> Ephemerals(int64_t session_id) const;
  const std::map<int64_t, std::set<std::string>>& AllEphemerals() const { return ephemerals_; }

  // Descendants of `path` (not counting itself).
  int32_t CountDescendants(const std::string& path) const;

  // ZooKeeper reports the root twice (under "" and "/").
  size_t NodeCount() const { return nodes_.size() + 1; }
  // Sum of path length + data length over all nodes, as mntr reports it.
  int64_t ApproximateDataSize() const;
  size_t EphemeralCount() const;

  // The containers and TTL nodes ZooKeeper's ContainerManager would delete
  // at wall time `now_wall_ms`, sorted: childless containers that once had
  // a child (or, when `max_never_used_ms` != 0, whose mtime is older than
  // that), and childless TTL nodes whose mtime is older than their TTL
  // (znode.container.maxNeverUsedIntervalMs; 0 = never). Pure: the caller
  // deletes them through transactions.
  std::vector<std::string> ReapCandidates(int64_t now_wall_ms, int64_t max_never_used_ms) const;

  // Writes /zookeeper/config (version -1, mzxid = zxid) as reconfig does.
  void SetConfig(const std::string& text, int64_t zxid, int64_t time_ms,
                 std::vector<TreeChange>* changes);

 private:
  void ApplySub(const SubTxn& op, int64_t zxid, int64_t time_ms,
                std::vector<TreeChange>* changes);
  void Create(const CreateTxn& t, int64_t zxid, int64_t time_ms,
              std::vector<TreeChange>* changes);
  void Delete(const std::string& path, int64_t zxid, std::vector<TreeChange>* changes);

  std::unordered_map<std::string, Node> nodes_;
  std::map<int64_t, std::set<std::string>> ephemerals_;
};

}  // namespace zk::sim

#endif  // ZK_SIM_DATA_TREE_H_
