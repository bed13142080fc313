#include "watch_registry.h"

#include <catch2/catch.hpp>

using zk::EventType;
using zk::WatcherKind;
using zk::WatchEvent;
using zk::client_internal::WatchRegistry;
using zk::client_internal::WatchTable;

namespace {
int Fire(WatchRegistry& r, EventType t, const std::string& p) {
  auto ws = r.Collect(t, p);
  for (auto& w : ws) w(WatchEvent{t, zk::SessionState::kConnected, p});
  return static_cast<int>(ws.size());
}
}  // namespace

TEST_CASE("one-shot data and exist watches fire once", "[watch]") {
  WatchRegistry r;
  int n = 0;
  r.Add(WatchTable::kData, "/a", [&](const WatchEvent&) { ++n; });
  r.Add(WatchTable::kExist, "/b", [&](const WatchEvent&) { ++n; });
  CHECK(Fire(r, EventType::kNodeDataChanged, "/a") == 1);
  CHECK(Fire(r, EventType::kNodeDataChanged, "/a") == 0);
  CHECK(Fire(r, EventType::kNodeCreated, "/b") == 1);
  CHECK(n == 2);
  CHECK(r.Empty());
}

TEST_CASE("child watches see NodeChildrenChanged and NodeDeleted only", "[watch]") {
  WatchRegistry r;
  r.Add(WatchTable::kChild, "/a", [](const WatchEvent&) {});
  CHECK(Fire(r, EventType::kNodeDataChanged, "/a") == 0);
  CHECK(Fire(r, EventType::kNodeDeleted, "/a") == 1);
  r.Add(WatchTable::kChild, "/a", [](const WatchEvent&) {});
  CHECK(Fire(r, EventType::kNodeChildrenChanged, "/a") == 1);
}

TEST_CASE("persistent and recursive watches stay and match like the server", "[watch]") {
  WatchRegistry r;
  r.Add(WatchTable::kPersistent, "/a", [](const WatchEvent&) {});
  r.Add(WatchTable::kPersistentRecursive, "/", [](const WatchEvent&) {});
  CHECK(Fire(r, EventType::kNodeChildrenChanged, "/a") == 1);  // persistent only
  CHECK(Fire(r, EventType::kNodeCreated, "/a/b/c") == 1);       // recursive on /
  CHECK(Fire(r, EventType::kNodeDataChanged, "/a") == 2);
  CHECK(Fire(r, EventType::kNodeDataChanged, "/a") == 2);
  CHECK(r.HasPersistent());
  CHECK(r.Paths(WatchTable::kPersistentRecursive) == std::vector<std::string>{"/"});
  CHECK(r.Remove(WatcherKind::kPersistent, "/a").size() == 1);
  CHECK(r.Remove(WatcherKind::kPersistent, "/a").empty());
  CHECK(r.Count() == 1);
}

TEST_CASE("remove any takes every table at a path", "[watch]") {
  WatchRegistry r;
  for (auto t : {WatchTable::kData, WatchTable::kExist, WatchTable::kChild}) {
    r.Add(t, "/x", [](const WatchEvent&) {});
  }
  CHECK(r.Remove(WatcherKind::kData, "/x").size() == 2);
  CHECK(r.Remove(WatcherKind::kAny, "/x").size() == 1);
  CHECK(r.TakeAll().empty());
}
