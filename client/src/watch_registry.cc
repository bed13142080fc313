#include "watch_registry.h"

namespace zk::client_internal {

WatchRegistry::Table& WatchRegistry::Get(WatchTable t) {
  return const_cast<Table&>(static_cast<const WatchRegistry*>(this)->Get(t));
}

const WatchRegistry::Table& WatchRegistry::Get(WatchTable t) const {
  switch (t) {
    case WatchTable::kData:
      return data_;
    case WatchTable::kExist:
      return exist_;
    case WatchTable::kChild:
      return child_;
    case WatchTable::kPersistent:
      return persistent_;
    case WatchTable::kPersistentRecursive:
      return recursive_;
  }
  return data_;
}

void WatchRegistry::Add(WatchTable table, const std::string& path, Watcher w) {
  Get(table)[path].push_back(std::move(w));
}

void WatchRegistry::TakeFrom(Table& t, const std::string& path, std::vector<Watcher>* out) {
  auto it = t.find(path);
  if (it == t.end()) return;
  for (auto& w : it->second) out->push_back(std::move(w));
  t.erase(it);
}

void WatchRegistry::CopyFrom(const Table& t, const std::string& path, std::vector<Watcher>* out) {
  auto it = t.find(path);
  if (it == t.end()) return;
  for (const auto& w : it->second) out->push_back(w);
}

std::vector<Watcher> WatchRegistry::Remove(WatcherKind kind, const std::string& path) {
  std::vector<Watcher> out;
  switch (kind) {
    case WatcherKind::kChildren:
      TakeFrom(child_, path, &out);
      break;
    case WatcherKind::kData:
      TakeFrom(data_, path, &out);
      TakeFrom(exist_, path, &out);
      break;
    case WatcherKind::kAny:
      TakeFrom(data_, path, &out);
      TakeFrom(exist_, path, &out);
      TakeFrom(child_, path, &out);
      TakeFrom(persistent_, path, &out);
      TakeFrom(recursive_, path, &out);
      break;
    case WatcherKind::kPersistent:
      TakeFrom(persistent_, path, &out);
      break;
    case WatcherKind::kPersistentRecursive:
      TakeFrom(recursive_, path, &out);
      break;
  }
  return out;
}

std::vector<Watcher> WatchRegistry::Collect(EventType type, const std::string& path) {
  std::vector<Watcher> out;
  switch (type) {
    case EventType::kNodeCreated:
    case EventType::kNodeDataChanged:
      TakeFrom(data_, path, &out);
      TakeFrom(exist_, path, &out);
      break;
    case EventType::kNodeDeleted:
      TakeFrom(data_, path, &out);
      TakeFrom(exist_, path, &out);
      TakeFrom(child_, path, &out);
      break;
    case EventType::kNodeChildrenChanged:
      TakeFrom(child_, path, &out);
      break;
    default:
      return out;
  }
  CopyFrom(persistent_, path, &out);
  if (type != EventType::kNodeChildrenChanged) {
    // A recursive watch on P or any ancestor of P (the server keeps these in
    // the data table only, so never for NodeChildrenChanged).
    // A path from the server that is not absolute has no ancestors here
    // (once it looped forever: found by the session fuzz target).
    std::string p = path;
    while (true) {
      CopyFrom(recursive_, p, &out);
      if (p == "/" || p.empty()) break;
      auto slash = p.rfind('/');
      if (slash == std::string::npos) break;
      p = slash == 0 ? "/" : p.substr(0, slash);
    }
  }
  return out;
}

std::vector<std::string> WatchRegistry::Paths(WatchTable table) const {
  std::vector<std::string> out;
  for (const auto& [path, ws] : Get(table)) {
    if (!ws.empty()) out.push_back(path);
  }
  return out;
}

bool WatchRegistry::Empty() const { return Count() == 0; }

size_t WatchRegistry::Count() const {
  size_t n = 0;
  for (const Table* t : {&data_, &exist_, &child_, &persistent_, &recursive_}) {
    for (const auto& [p, ws] : *t) n += ws.size();
  }
  return n;
}

std::vector<Watcher> WatchRegistry::TakeAll() {
  std::vector<Watcher> out;
  for (Table* t : {&data_, &exist_, &child_, &persistent_, &recursive_}) {
    for (auto& [p, ws] : *t) {
      for (auto& w : ws) out.push_back(std::move(w));
    }
    t->clear();
  }
  return out;
}

std::vector<WatchLists> SplitWatchLists(const WatchLists& all, size_t max_path_bytes) {
  std::vector<WatchLists> out;
  size_t bytes = 0;
  auto add = [&](std::vector<std::string> WatchLists::*list, const std::string& path) {
    if (out.empty() || (bytes > 0 && bytes + path.size() > max_path_bytes)) {
      out.emplace_back();
      bytes = 0;
    }
    (out.back().*list).push_back(path);
    bytes += path.size();
  };
  for (auto list : {&WatchLists::data, &WatchLists::exist, &WatchLists::child,
                    &WatchLists::persistent, &WatchLists::recursive}) {
    for (const std::string& p : all.*list) add(list, p);
  }
  return out;
}

}  // namespace zk::client_internal
