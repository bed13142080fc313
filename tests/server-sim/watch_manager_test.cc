#include <catch2/catch.hpp>

#include "watch_manager.h"

using namespace zk::sim;

namespace {
struct Ev {
  ConnId c;
  EventType t;
  std::string p;
  friend bool operator==(const Ev&, const Ev&) = default;
};
}  // namespace

TEST_CASE("watches fire once, in ZooKeeper's order") {
  std::vector<Ev> got;
  WatchManager w([&](ConnId c, EventType t, const std::string& p) { got.push_back({c, t, p}); });
  w.AddData(1, "/nonode");  // exists watch on a missing node
  w.AddChild(1, "/");
  w.Trigger({{TreeChange::kCreated, "/nonode"}});
  CHECK(got == std::vector<Ev>{{1, kEventNodeCreated, "/nonode"},
                               {1, kEventNodeChildrenChanged, "/"}});
  got.clear();
  w.Trigger({{TreeChange::kDataChanged, "/nonode"}});
  CHECK(got.empty());  // standard watches are one-shot
}

TEST_CASE("delete: one NodeDeleted per connection for data+child watches") {
  std::vector<Ev> got;
  WatchManager w([&](ConnId c, EventType t, const std::string& p) { got.push_back({c, t, p}); });
  w.AddData(1, "/a");
  w.AddChild(1, "/a");
  w.AddChild(2, "/");
  w.Trigger({{TreeChange::kDeleted, "/a"}});
  CHECK(got == std::vector<Ev>{{1, kEventNodeDeleted, "/a"}, {2, kEventNodeChildrenChanged, "/"}});
}

TEST_CASE("persistent recursive: subtree, no child events, stays") {
  std::vector<Ev> got;
  WatchManager w([&](ConnId c, EventType t, const std::string& p) { got.push_back({c, t, p}); });
  w.AddPersistent(7, "/a", true);
  w.Trigger({{TreeChange::kDeleted, "/a/eph"}, {TreeChange::kDeleted, "/a"}});
  CHECK(got == std::vector<Ev>{{7, kEventNodeDeleted, "/a/eph"}, {7, kEventNodeDeleted, "/a"}});
  CHECK(w.DataWatchCount() == 1);
  CHECK(w.CheckOrRemove(7, "/a", kWatcherPersistentRecursive, true));
  CHECK_FALSE(w.CheckOrRemove(7, "/a", kWatcherAny, false));
}

TEST_CASE("SetWatches catch-up") {
  std::vector<Ev> got;
  WatchManager w([&](ConnId c, EventType t, const std::string& p) { got.push_back({c, t, p}); });
  DataTree tree;
  w.SetWatches(3, 0, tree, {"/gone"}, {"/zookeeper"}, {"/missing"}, {}, {});
  CHECK(got == std::vector<Ev>{{3, kEventNodeDeleted, "/gone"},
                               {3, kEventNodeCreated, "/zookeeper"},
                               {3, kEventNodeDeleted, "/missing"}});
  got.clear();
  w.SetWatches(3, 0, tree, {"/zookeeper"}, {"/none"}, {"/"}, {}, {});
  CHECK(got.empty());
  CHECK(w.DataWatchCount() == 2);
  CHECK(w.TotalWatchCount() == 3);
  w.RemoveConnection(3);
  CHECK(w.TotalWatchCount() == 0);
}
