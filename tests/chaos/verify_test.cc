// The chaos soak's checks find what they must find (verify.h): a checker
// that passes everything would make the soak prove nothing.
#include "verify.h"

#include <catch2/catch.hpp>

namespace zk::chaos {
namespace {

using std::chrono::milliseconds;
const TimePoint kT0{};
TimePoint At(int ms) { return kT0 + milliseconds(ms); }

SessionWrites Writes(std::map<int64_t, int64_t> acked, int64_t issued) {
  SessionWrites w;
  w.session = 7;
  w.acked = std::move(acked);
  w.issued = issued;
  return w;
}

TEST_CASE("chaos verify: writes present once and in order pass") {
  Findings f;
  // write 1 had no reply and was not applied; 3 had no reply and was applied
  CheckWrites(Writes({{0, 10}, {2, 12}}, 4),
              {"n-00000000-0000000010", "n-00000002-0000000012", "n-00000003-0000000013"}, &f);
  CHECK(f.lost_writes == 0);
  CHECK(f.duplicated_writes == 0);
  CHECK(f.misordered_writes == 0);
  CHECK(f.details.empty());
}

TEST_CASE("chaos verify: a lost, a duplicated, a misordered and an unknown write are counted") {
  Findings f;
  CheckWrites(Writes({{0, 10}, {1, 11}, {2, 12}, {3, 14}}, 4),
              {"n-00000000-0000000010",                           // ok
               "n-00000002-0000000012", "n-00000002-0000000013",  // 2 twice
               "n-00000003-0000000009",                           // 3 before 0, not its sequence
               "n-00000009-0000000020",                           // never written
               "garbage"},
              &f);
  CHECK(f.lost_writes == 2);        // 1 missing; 3 not with the sequence its reply named
  CHECK(f.duplicated_writes == 3);  // 2 twice, 9 and "garbage" never written
  CHECK(f.misordered_writes == 1);  // 3 (sequence 9) before 0 (sequence 10)
  CHECK(f.details.size() == 6);
}

TEST_CASE("chaos verify: write names parse strictly") {
  int64_t c = 0, s = 0;
  CHECK(ParseWriteName("n-00000012-0000000034", &c, &s));
  CHECK(c == 12);
  CHECK(s == 34);
  CHECK_FALSE(ParseWriteName("n-0000012-0000000034", &c, &s));
  CHECK_FALSE(ParseWriteName("n-0000001x-0000000034", &c, &s));
  CHECK_FALSE(ParseWriteName("x-00000012-0000000034", &c, &s));
}

std::vector<Change> ThreeChanges() {
  return {{0, EventType::kNodeCreated, 1, At(0), At(10)},
          {0, EventType::kNodeDataChanged, 1, At(100), At(110)},
          {0, EventType::kNodeDeleted, 0, At(200), At(210)}};
}

TEST_CASE("chaos verify: every change reported once in order passes") {
  Findings f;
  auto ch = ThreeChanges();
  CheckPersistent(1, ch,
                  {{ch[0].type, 0, 1, At(20)}, {ch[1].type, 0, 1, At(120)},
                   {ch[2].type, 0, 0, At(220)}},
                  {}, milliseconds(2000), &f);
  CHECK(f.missed_events == 0);
  CHECK(f.doubled_events == 0);
  CHECK(f.misordered_events == 0);
  CHECK(f.excused_events == 0);
}

TEST_CASE("chaos verify: a change skipped on a connection that stayed up is a miss") {
  Findings f;
  auto ch = ThreeChanges();
  // change 1 missing, change 2 came later on the same connection
  CheckPersistent(1, ch, {{ch[0].type, 0, 1, At(20)}, {ch[2].type, 0, 0, At(220)}},
                  {{At(5000), At(6000)}}, milliseconds(50), &f);
  CHECK(f.missed_events == 1);
  CHECK(f.excused_events == 0);
}

TEST_CASE("chaos verify: a change heard again after a reconnect is a redelivery, not a double") {
  Findings f;
  auto ch = ThreeChanges();
  // change 0 heard at 20, the connection lost at 50..80, heard again at 90
  // (a follower that had not applied it yet): allowed, counted apart
  CheckPersistent(1, ch,
                  {{ch[0].type, 0, 1, At(20)}, {ch[0].type, 0, 1, At(90)},
                   {ch[1].type, 0, 1, At(120)}, {ch[2].type, 0, 0, At(220)}},
                  {{At(50), At(80)}}, milliseconds(50), &f);
  CHECK(f.doubled_events == 0);
  CHECK(f.redelivered_events == 1);
  CHECK(f.misordered_events == 0);
  CHECK(f.missed_events == 0);
  // the same repeat with the connection up throughout, or an outage that
  // ended before the first delivery: doubled
  Findings g;
  CheckPersistent(1, ch,
                  {{ch[0].type, 0, 1, At(20)}, {ch[0].type, 0, 1, At(90)},
                   {ch[1].type, 0, 1, At(120)}, {ch[2].type, 0, 0, At(220)}},
                  {{At(5), At(10)}}, milliseconds(50), &g);
  CHECK(g.doubled_events == 1);
  CHECK(g.redelivered_events == 0);
}

TEST_CASE("chaos verify: a change lost with its connection is excused") {
  Findings f;
  auto ch = ThreeChanges();
  // disconnected between change 1 and the next event: excused
  CheckPersistent(1, ch, {{ch[0].type, 0, 1, At(20)}, {ch[2].type, 0, 0, At(400)}},
                  {{At(150), At(300)}}, milliseconds(50), &f);
  CHECK(f.missed_events == 0);
  CHECK(f.excused_events == 1);
  // the last change never came, the session was connected throughout: a miss
  Findings g;
  CheckPersistent(1, ch, {{ch[0].type, 0, 1, At(20)}, {ch[1].type, 0, 1, At(120)}}, {},
                  milliseconds(50), &g);
  CHECK(g.missed_events == 1);
}

TEST_CASE("chaos verify: doubled, unknown and out-of-order events are counted") {
  Findings f;
  auto ch = ThreeChanges();
  CheckPersistent(1, ch,
                  {{ch[1].type, 0, 1, At(120)},
                   {ch[0].type, 0, 1, At(130)},  // before change 1's: out of order
                   {ch[1].type, 0, 1, At(140)},  // twice
                   {EventType::kNodeCreated, 0, 9, At(150)},  // no such change
                   {ch[2].type, 0, 0, At(220)}},
                  {}, milliseconds(2000), &f);
  CHECK(f.misordered_events == 1);
  CHECK(f.doubled_events == 2);
  CHECK(f.missed_events == 0);
}

TEST_CASE("chaos verify: one-shot watches end on the final cversion, never go back, fire once") {
  Findings ok;
  CheckOneShot(1, 0, {{0, 2, 2, 5}, 0, 0}, 5, &ok);
  CHECK(ok.oneshot_stale + ok.oneshot_backwards + ok.oneshot_doubled == 0);
  Findings bad;
  CheckOneShot(1, 0, {{0, 3, 2}, 1, 1}, 5, &bad);
  CHECK(bad.oneshot_stale == 1);
  CHECK(bad.oneshot_backwards == 1);
  CHECK(bad.oneshot_doubled == 2);
}

}  // namespace
}  // namespace zk::chaos
