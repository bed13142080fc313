#include "zk/hostprovider/server_list.h"

#include <catch2/catch.hpp>

#include "test_util.h"
#include "zk/hostprovider/host_provider.h"

namespace zk {
namespace {

using testing::Hp;

TEST_CASE("identity rule: lowercased host + port, no DNS", "[server_list]") {
  CHECK(SameServer(Hp("ZK1.Example.COM"), Hp("zk1.example.com")));
  CHECK(SameServer(Hp("[::1]"), Hp("::1")));
  CHECK(SameServer(Hp("[FE80::1]"), Hp("fe80::1")));
  CHECK_FALSE(SameServer(Hp("host", 2181), Hp("host", 2182)));
  // A name and the address it resolves to are two servers.
  CHECK_FALSE(SameServer(Hp("localhost"), Hp("127.0.0.1")));
  CHECK(NormalizeHostPort(Hp("[Zk1]")).host == "zk1");
}

TEST_CASE("server lists: dedupe keeps the first occurrence, bad entries rejected",
          "[server_list]") {
  Result<ServerList> l = ServerList::Create({Hp("b"), Hp("A"), Hp("a"), Hp("b", 2182), Hp("B")});
  REQUIRE(l.ok());
  REQUIRE(l->size() == 3);
  CHECK(l->at(0) == Hp("b"));
  CHECK(l->at(1) == Hp("a"));
  CHECK(l->at(2) == Hp("b", 2182));
  CHECK(l->IndexOf(Hp("A")) == 1);
  CHECK(l->IndexOf(Hp("c")) == kNoServer);

  CHECK(ServerList::Create({}).status().code() == Error::kBadArguments);
  CHECK(ServerList::Create({Hp("", 2181)}).status().code() == Error::kBadArguments);
  CHECK(ServerList::Create({Hp("a", 0)}).status().code() == Error::kBadArguments);
}

TEST_CASE("DiffLists splits kept, added and removed servers", "[server_list]") {
  auto old_list = ServerList::Create(testing::Range(1, 4)).value();
  auto new_list = ServerList::Create(testing::Range(3, 12)).value();
  const ListChange c = DiffLists(old_list, new_list);
  CHECK(c.old_size == 4);
  CHECK(c.new_size == 10);
  CHECK(c.kept == 2);
  CHECK(c.added == 8);
  CHECK(c.removed == 2);
  CHECK(c.old_to_new[0] == kNoServer);
  CHECK(c.old_to_new[2] == 0);
  CHECK(c.is_added[0] == 0);
  CHECK(c.is_added[2] == 1);
  CHECK(new_list.SameSet(ServerList::Create(testing::Range(3, 12)).value()));
  CHECK_FALSE(new_list.SameSet(old_list));
}

TEST_CASE("a switch from names to addresses is a full replacement", "[server_list]") {
  // Documented consequence of the identity rule: no server is "kept".
  auto names = ServerList::Create({Hp("zk1"), Hp("zk2"), Hp("zk3")}).value();
  auto addrs = ServerList::Create({Hp("10.0.0.1"), Hp("10.0.0.2"), Hp("10.0.0.3")}).value();
  const ListChange c = DiffLists(names, addrs);
  CHECK(c.kept == 0);
  CHECK(c.removed == 3);
  CHECK(c.added == 3);
  // Every client moves, and only to the new entries.
  int moved = 0;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    auto hp = HostProvider::Create({Hp("zk1"), Hp("zk2"), Hp("zk3")}, {}, seed).value();
    const NextHost first = hp.Next();
    hp.OnConnected();
    auto r = hp.UpdateServerList({Hp("10.0.0.1"), Hp("10.0.0.2"), Hp("10.0.0.3")}, first.host);
    REQUIRE(r.ok());
    moved += r.value() ? 1 : 0;
    CHECK(hp.Next().host.host.rfind("10.0.0.", 0) == 0);
  }
  CHECK(moved == 50);
}

}  // namespace
}  // namespace zk
