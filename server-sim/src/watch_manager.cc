#include "watch_manager.h"

#include "path.h"

namespace zk::sim {

void WatchManager::Add(Table* t, ConnId c, const std::string& path, uint8_t mode) {
  uint8_t& m = (*t)[path][c];
  if ((mode & kRecursive) && !(m & kRecursive)) ++recursive_count_;
  m |= mode;
}

void WatchManager::AddPersistent(ConnId c, const std::string& path, bool recursive) {
  if (recursive) {
    Add(&data_, c, path, kRecursive);
  } else {
    Add(&data_, c, path, kPersistent);
    Add(&child_, c, path, kPersistent);
  }
}

void WatchManager::Collect(Table* t, const std::string& path, bool ancestors,
                           std::set<ConnId>* out) {
  auto it = t->find(path);
  if (it != t->end()) {
    for (auto w = it->second.begin(); w != it->second.end();) {
      out->insert(w->first);
      if (w->second == kStandard) {
        w = it->second.erase(w);
      } else {
        w->second &= uint8_t(~kStandard);
        ++w;
      }
    }
    if (it->second.empty()) t->erase(it);
  }
  if (!ancestors || recursive_count_ == 0) return;
  for (std::string p = ParentPath(path); !p.empty(); p = ParentPath(p)) {
    auto a = t->find(p);
    if (a == t->end()) continue;
    for (const auto& [c, mode] : a->second) {
      if (mode & kRecursive) out->insert(c);
    }
  }
}

void WatchManager::Trigger(const std::vector<TreeChange>& changes) {
  for (const TreeChange& ch : changes) {
    std::set<ConnId> got;
    switch (ch.kind) {
      case TreeChange::kCreated: {
        Collect(&data_, ch.path, true, &got);
        for (ConnId c : got) deliver_(c, kEventNodeCreated, ch.path);
        std::string parent = ParentPath(ch.path);
        std::set<ConnId> kids;
        Collect(&child_, parent.empty() ? "/" : parent, false, &kids);
        for (ConnId c : kids) deliver_(c, kEventNodeChildrenChanged, parent);
        break;
      }
      case TreeChange::kDeleted: {
        Collect(&data_, ch.path, true, &got);
        Collect(&child_, ch.path, false, &got);
        for (ConnId c : got) deliver_(c, kEventNodeDeleted, ch.path);
        std::string parent = ParentPath(ch.path);
        std::set<ConnId> kids;
        Collect(&child_, parent, false, &kids);
        for (ConnId c : kids) deliver_(c, kEventNodeChildrenChanged, parent);
        break;
      }
      case TreeChange::kDataChanged:
        Collect(&data_, ch.path, true, &got);
        for (ConnId c : got) deliver_(c, kEventNodeDataChanged, ch.path);
        break;
    }
  }
}

bool WatchManager::CheckOrRemove(ConnId c, const std::string& path, int32_t type, bool remove) {
  bool found = false;
  auto visit = [&](Table* t, uint8_t modes) {
    auto it = t->find(path);
    if (it == t->end()) return;
    auto w = it->second.find(c);
    if (w == it->second.end() || !(w->second & modes)) return;
    found = true;
    if (!remove) return;
    if ((w->second & modes & kRecursive) && recursive_count_ > 0) --recursive_count_;
    w->second &= uint8_t(~modes);
    if (w->second == 0) it->second.erase(w);
    if (it->second.empty()) t->erase(it);
  };
  switch (type) {
    case kWatcherChildren:
      visit(&child_, kStandard);
      break;
    case kWatcherData:
      visit(&data_, kStandard);
      break;
    case kWatcherAny:
      visit(&data_, kStandard | kPersistent | kRecursive);
      visit(&child_, kStandard | kPersistent);
      break;
    case kWatcherPersistent:
      visit(&data_, kPersistent);
      visit(&child_, kPersistent);
      break;
    case kWatcherPersistentRecursive:
      visit(&data_, kRecursive);
      break;
    default:
      break;
  }
  return found;
}

void WatchManager::SetWatches(ConnId c, int64_t rel, const DataTree& tree,
                              const std::vector<std::string>& data,
                              const std::vector<std::string>& exist,
                              const std::vector<std::string>& child,
                              const std::vector<std::string>& persistent,
                              const std::vector<std::string>& recursive) {
  for (const auto& p : data) {
    const Node* n = tree.Find(p);
    if (n == nullptr) {
      deliver_(c, kEventNodeDeleted, p);
    } else if (n->mzxid > rel) {
      deliver_(c, kEventNodeDataChanged, p);
    } else {
      AddData(c, p);
    }
  }
  for (const auto& p : exist) {
    if (tree.Find(p) != nullptr) {
      deliver_(c, kEventNodeCreated, p);
    } else {
      AddData(c, p);
    }
  }
  for (const auto& p : child) {
    const Node* n = tree.Find(p);
    if (n == nullptr) {
      deliver_(c, kEventNodeDeleted, p);
    } else if (n->pzxid > rel) {
      deliver_(c, kEventNodeChildrenChanged, p);
    } else {
      AddChild(c, p);
    }
  }
  for (const auto& p : persistent) AddPersistent(c, p, false);
  for (const auto& p : recursive) AddPersistent(c, p, true);
}

void WatchManager::RemoveConnection(ConnId c) {
  for (Table* t : {&data_, &child_}) {
    for (auto it = t->begin(); it != t->end();) {
      auto w = it->second.find(c);
      if (w != it->second.end()) {
        if ((w->second & kRecursive) && recursive_count_ > 0) --recursive_count_;
        it->second.erase(w);
      }
      it = it->second.empty() ? t->erase(it) : std::next(it);
    }
  }
}

size_t WatchManager::DataWatchCount() const {
  size_t n = 0;
  for (const auto& [p, m] : data_) n += m.size();
  return n;
}

size_t WatchManager::DataConnectionCount() const {
  std::set<ConnId> conns;
  for (const auto& [p, m] : data_) {
    for (const auto& [c, mode] : m) conns.insert(c);
  }
  return conns.size();
}

size_t WatchManager::TotalWatchCount() const {
  size_t n = DataWatchCount();
  for (const auto& [p, m] : child_) n += m.size();
  return n;
}

std::map<std::string, std::set<ConnId>> WatchManager::DataByPath() const {
  std::map<std::string, std::set<ConnId>> out;
  for (const auto& [p, m] : data_) {
    for (const auto& [c, mode] : m) out[p].insert(c);
  }
  return out;
}

}  // namespace zk::sim
