// SessionTable expiry: the walk is skipped until the earliest deadline has
// passed, and the skip never hides an expired session.
#include "session_table.h"

#include <catch2/catch.hpp>

using zk::sim::SessionTable;

TEST_CASE("session expiry: due exactly after last_seen + timeout, touched sessions later") {
  SessionTable t(1, 1000, 20000);
  t.Add(1, 4000, 0);
  t.Add(2, 6000, 0);
  CHECK(t.Expired(4000).empty());  // not yet: expiry needs now - last_seen > timeout
  t.Touch(1, 3000);
  CHECK(t.Expired(4001).empty());  // 1 was touched at 3000: due after 7000
  CHECK(t.Expired(6001) == std::vector<int64_t>{2});
  t.Find(2)->closing = true;  // what the ensemble does with an expired session
  CHECK(t.Expired(6002).empty());
  CHECK(t.Expired(7001) == std::vector<int64_t>{1});
}

TEST_CASE("session expiry: Add with a shorter timeout after a walk is still seen in time") {
  SessionTable t(1, 1000, 20000);
  t.Add(1, 10000, 0);
  CHECK(t.Expired(100).empty());  // walks; the next deadline is 10000
  t.Add(2, 1000, 200);            // due after 1200, before that deadline
  CHECK(t.Expired(1200).empty());
  CHECK(t.Expired(1201) == std::vector<int64_t>{2});
  // Re-adding an id with a shorter timeout moves its deadline earlier.
  t.Add(1, 1000, 1300);
  CHECK(t.Expired(2301) == std::vector<int64_t>{1, 2});
}

TEST_CASE("session expiry: an expired session left open is reported again; local sessions never") {
  SessionTable t(1, 1000, 20000);
  t.Add(1, 1000, 0);
  t.Add(2, 1000, 0).local = true;
  CHECK(t.Expired(1001) == std::vector<int64_t>{1});
  CHECK(t.Expired(1002) == std::vector<int64_t>{1});  // the caller did not close it
  t.Remove(1);
  CHECK(t.Expired(5000).empty());
}
