#include "data_tree.h"

#include <algorithm>

#include "path.h"

namespace zk::sim {

Stat Node::ToStat() const {
  Stat s;
  s.czxid = czxid;
  s.mzxid = mzxid;
  s.ctime = ctime;
  s.mtime = mtime;
  s.version = version;
  s.cversion = 2 * child_creates - static_cast<int32_t>(children.size());
  s.aversion = aversion;
  // Clients see only session owners: ZooKeeper 3.8 reports 0 for containers
  // and TTL nodes (DataNode.getClientEphemeralOwner).
  s.ephemeral_owner = IsEphemeralOwner(ephemeral_owner) ? ephemeral_owner : 0;
  s.data_length = data ? static_cast<int32_t>(data->size()) : 0;
  s.num_children = static_cast<int32_t>(children.size());
  s.pzxid = pzxid;
  return s;
}

DataTree::DataTree() {
  Node root;
  root.acl = OpenAclUnsafe();
  root.data = std::string();
  root.children = {"zookeeper"};
  Node zk;
  zk.acl = OpenAclUnsafe();
  zk.data = std::string();
  zk.children = {"config", "quota"};
  Node quota;
  quota.acl = OpenAclUnsafe();
  quota.data = std::string();
  Node config;
  config.acl = ReadAclUnsafe();
  config.data = std::string();
  config.aversion = -1;
  nodes_.emplace("/", std::move(root));
  nodes_.emplace("/zookeeper", std::move(zk));
  nodes_.emplace("/zookeeper/quota", std::move(quota));
  nodes_.emplace("/zookeeper/config", std::move(config));
}

const Node* DataTree::Find(const std::string& path) const {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

Node* DataTree::FindMutable(const std::string& path) {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

std::vector<std::string> DataTree::Ephemerals(int64_t session_id) const {
  auto it = ephemerals_.find(session_id);
  if (it == ephemerals_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

int32_t DataTree::CountDescendants(const std::string& path) const {
  const Node* n = Find(path);
  if (n == nullptr) return 0;
  int32_t count = 0;
  for (const auto& c : n->children) {
    std::string child = path == "/" ? "/" + c : path + "/" + c;
    count += 1 + CountDescendants(child);
  }
  return count;
}

int64_t DataTree::ApproximateDataSize() const {
  int64_t sum = 0;  // the root's "" alias adds 0
  for (const auto& [path, node] : nodes_) {
    sum += static_cast<int64_t>(path.size()) + (node.data ? node.data->size() : 0);
  }
  return sum;
}

size_t DataTree::EphemeralCount() const {
  size_t n = 0;
  for (const auto& [sid, paths] : ephemerals_) n += paths.size();
  return n;
}

void DataTree::Create(const CreateTxn& t, int64_t zxid, int64_t time_ms,
                      std::vector<TreeChange>* changes) {
  std::string parent_path = ParentPath(t.path);
  Node* parent = FindMutable(parent_path);
  if (parent == nullptr || nodes_.count(t.path) != 0) return;  // cannot happen after prep
  parent->children.insert(std::string(BaseName(t.path)));
  parent->child_creates++;
  parent->pzxid = zxid;
  Node n;
  n.data = t.data;
  n.acl = t.acl;
  n.czxid = n.mzxid = n.pzxid = zxid;
  n.ctime = n.mtime = time_ms;
  n.ephemeral_owner = t.ephemeral_owner;
  nodes_.emplace(t.path, std::move(n));
  if (IsEphemeralOwner(t.ephemeral_owner)) {
    ephemerals_[t.ephemeral_owner].insert(t.path);
  }
  if (changes) changes->push_back({TreeChange::kCreated, t.path});
}

void DataTree::Delete(const std::string& path, int64_t zxid, std::vector<TreeChange>* changes) {
  auto it = nodes_.find(path);
  if (it == nodes_.end()) return;
  int64_t owner = it->second.ephemeral_owner;
  auto eph = ephemerals_.find(owner);
  if (eph != ephemerals_.end()) {
    eph->second.erase(path);
    if (eph->second.empty()) ephemerals_.erase(eph);
  }
  nodes_.erase(it);
  if (Node* parent = FindMutable(ParentPath(path))) {
    parent->children.erase(std::string(BaseName(path)));
    parent->pzxid = zxid;
  }
  if (changes) changes->push_back({TreeChange::kDeleted, path});
}

void DataTree::ApplySub(const SubTxn& op, int64_t zxid, int64_t time_ms,
                        std::vector<TreeChange>* changes) {
  if (auto* c = std::get_if<CreateTxn>(&op)) {
    Create(*c, zxid, time_ms, changes);
  } else if (auto* d = std::get_if<DeleteTxn>(&op)) {
    Delete(d->path, zxid, changes);
  } else if (auto* s = std::get_if<SetDataTxn>(&op)) {
    if (Node* n = FindMutable(s->path)) {
      n->data = s->data;
      n->version = s->version;
      n->mzxid = zxid;
      n->mtime = time_ms;
      if (changes) changes->push_back({TreeChange::kDataChanged, s->path});
    }
  } else if (auto* a = std::get_if<SetAclTxn>(&op)) {
    if (Node* n = FindMutable(a->path)) {
      n->acl = a->acl;
      n->aversion = a->aversion;
    }
  }
}

void DataTree::Apply(const Txn& txn, std::vector<TreeChange>* changes) {
  const TxnBody& b = txn.body;
  if (auto* c = std::get_if<CreateTxn>(&b)) {
    ApplySub(*c, txn.zxid, txn.time_ms, changes);
  } else if (auto* d = std::get_if<DeleteTxn>(&b)) {
    ApplySub(*d, txn.zxid, txn.time_ms, changes);
  } else if (auto* s = std::get_if<SetDataTxn>(&b)) {
    ApplySub(*s, txn.zxid, txn.time_ms, changes);
  } else if (auto* a = std::get_if<SetAclTxn>(&b)) {
    ApplySub(*a, txn.zxid, txn.time_ms, changes);
  } else if (auto* m = std::get_if<MultiTxn>(&b)) {
    if (m->errors.empty()) {
      for (const auto& op : m->ops) ApplySub(op, txn.zxid, txn.time_ms, changes);
    }
  } else if (auto* cs = std::get_if<CloseSessionTxn>(&b)) {
    for (const auto& path : Ephemerals(cs->session_id)) Delete(path, txn.zxid, changes);
  }
}

std::vector<std::string> DataTree::ReapCandidates(int64_t now_wall_ms,
                                                  int64_t max_never_used_ms) const {
  std::vector<std::string> out;
  for (const auto& [path, n] : nodes_) {
    if (!n.children.empty()) continue;
    const int64_t elapsed = now_wall_ms - n.mtime;
    if (n.ephemeral_owner == wire::kContainerEphemeralOwner) {
      // child_creates > 0 is ZooKeeper's "cversion > 0": a container that
      // never had a child is kept (unless max_never_used_ms says otherwise).
      if (n.child_creates > 0 || (max_never_used_ms != 0 && elapsed > max_never_used_ms)) {
        out.push_back(path);
      }
    } else if (wire::IsTtlEphemeralOwner(n.ephemeral_owner)) {
      const int64_t ttl = wire::TtlFromEphemeralOwner(n.ephemeral_owner);
      if (ttl != 0 && elapsed > ttl) out.push_back(path);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void DataTree::SetConfig(const std::string& text, int64_t zxid, int64_t time_ms,
                         std::vector<TreeChange>* changes) {
  Txn t;
  t.zxid = zxid;
  t.time_ms = time_ms;
  t.body = SetDataTxn{"/zookeeper/config", text, -1};
  Apply(t, changes);
}

}  // namespace zk::sim
