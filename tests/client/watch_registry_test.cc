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
  CHECK(Fire(r, EventType::kNodeCreated, "/a/b/c") == 1);      // recursive on /
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

TEST_CASE("SetWatches lists split into packets of bounded path bytes, in Java's order", "[watch]") {
  using zk::client_internal::SplitWatchLists;
  using zk::client_internal::WatchLists;
  CHECK(SplitWatchLists(WatchLists{}, 100).empty());

  WatchLists all;
  for (int i = 0; i < 10; ++i)
    all.data.push_back("/d" + std::string(8, char('0' + i)));  // 10 bytes
  all.exist = {"/e123456789"};                                 // 11
  all.child = {"/c12345678"};                                  // 10
  all.recursive = {"/r12345678"};                              // 10
  auto batches = SplitWatchLists(all, 35);
  // data 10+10+10 | 10+10+10 | 10+10+10 | data, exist, child 10+11+10 | recursive 10
  REQUIRE(batches.size() == 5);
  size_t seen = 0;
  std::vector<std::string> order;
  for (const auto& b : batches) {
    size_t bytes = 0;
    for (auto* l : {&b.data, &b.exist, &b.child, &b.persistent, &b.recursive}) {
      for (const auto& p : *l) {
        bytes += p.size();
        order.push_back(p);
      }
    }
    CHECK(bytes <= 35);
    seen +=
        b.data.size() + b.exist.size() + b.child.size() + b.persistent.size() + b.recursive.size();
  }
  CHECK(seen == 13);
  CHECK(order.front() == all.data.front());
  CHECK(order.back() == "/r12345678");
  CHECK(batches[3].data.size() == 1);
  CHECK(batches[3].exist.size() == 1);
  CHECK(batches[3].child.size() == 1);
  CHECK(batches[4].data.empty());
  CHECK(batches[4].recursive.size() == 1);
  // Only the last packet holds a persistent kind (it becomes SetWatches2).
  for (size_t i = 0; i + 1 < batches.size(); ++i) CHECK(batches[i].recursive.empty());

  // A path longer than the bound travels alone.
  WatchLists big;
  big.data = {"/a", "/" + std::string(50, 'x'), "/b"};
  auto b2 = SplitWatchLists(big, 20);
  REQUIRE(b2.size() == 3);
  CHECK(b2[1].data == std::vector<std::string>{"/" + std::string(50, 'x')});
}

TEST_CASE("a notification path that is not absolute matches only itself (regression: endless loop)",
          "[watch][bad-input]") {
  WatchRegistry r;
  int n = 0;
  r.Add(WatchTable::kPersistentRecursive, "/", [&](const WatchEvent&) { ++n; });
  r.Add(WatchTable::kPersistentRecursive, "1x", [&](const WatchEvent&) { ++n; });
  CHECK(Fire(r, EventType::kNodeDataChanged, "1x") == 1);
  CHECK(Fire(r, EventType::kNodeCreated, "a/b") == 0);
  CHECK(Fire(r, EventType::kNodeDeleted, "") == 0);
  CHECK(Fire(r, EventType::kNodeDataChanged, "/a/b") == 1);
  CHECK(n == 2);
}
