#include "verify.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <tuple>

#include <fmt/format.h>

namespace zk::chaos {

namespace {
constexpr size_t kMaxDetails = 40;

bool ParseDigits(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}
}  // namespace

void Findings::Note(const std::string& what) {
  if (details.size() < kMaxDetails) details.push_back(what);
}

bool ParseWriteName(const std::string& name, int64_t* counter, int64_t* sequence) {
  // n-CCCCCCCC-SSSSSSSSSS
  if (name.size() != 2 + 8 + 1 + 10 || name.compare(0, 2, "n-") != 0 || name[10] != '-') {
    return false;
  }
  return ParseDigits(std::string_view(name).substr(2, 8), counter) &&
         ParseDigits(std::string_view(name).substr(11), sequence);
}

void CheckWrites(const SessionWrites& w, const std::vector<std::string>& children, Findings* f) {
  std::map<int64_t, std::vector<int64_t>> present;  // counter -> sequences
  std::vector<std::pair<int64_t, int64_t>> by_sequence;
  for (const auto& name : children) {
    int64_t counter = 0, sequence = 0;
    if (!ParseWriteName(name, &counter, &sequence) || counter >= w.issued) {
      ++f->duplicated_writes;
      f->Note(fmt::format("session {}: child {} was never written", w.session, name));
      continue;
    }
    present[counter].push_back(sequence);
    by_sequence.emplace_back(sequence, counter);
  }
  for (const auto& [counter, seqs] : present) {
    if (seqs.size() > 1) {
      f->duplicated_writes += static_cast<int64_t>(seqs.size()) - 1;
      f->Note(fmt::format("session {}: write {} present {} times", w.session, counter,
                          seqs.size()));
    }
  }
  for (const auto& [counter, sequence] : w.acked) {
    auto it = present.find(counter);
    if (it == present.end()) {
      ++f->lost_writes;
      f->Note(fmt::format("session {}: acknowledged write {} (sequence {}) is missing", w.session,
                          counter, sequence));
    } else if (std::find(it->second.begin(), it->second.end(), sequence) == it->second.end()) {
      ++f->lost_writes;
      f->Note(fmt::format("session {}: acknowledged write {} has sequence {}, the reply said {}",
                          w.session, counter, it->second.front(), sequence));
    }
  }
  std::sort(by_sequence.begin(), by_sequence.end());
  for (size_t i = 1; i < by_sequence.size(); ++i) {
    if (by_sequence[i].second < by_sequence[i - 1].second) {  // equal: a duplicate, counted above
      ++f->misordered_writes;
      f->Note(fmt::format("session {}: write {} (sequence {}) after write {} (sequence {})",
                          w.session, by_sequence[i].second, by_sequence[i].first,
                          by_sequence[i - 1].second, by_sequence[i - 1].first));
    }
  }
}

void CheckPersistent(int session, const std::vector<Change>& changes,
                     const std::vector<ReceivedEvent>& events, const std::vector<Outage>& outages,
                     std::chrono::milliseconds margin, Findings* f) {
  // A change is identified by (type, path): the writer never repeats one.
  std::map<std::tuple<EventType, int, int64_t>, size_t> index;
  for (size_t i = 0; i < changes.size(); ++i) {
    index[{changes[i].type, changes[i].parent, changes[i].child}] = i;
  }
  std::vector<int> seen(changes.size(), 0);
  std::vector<TimePoint> first_at(changes.size());
  std::map<int, size_t> last_per_parent;  // parent -> index of the last event reported
  for (const auto& e : events) {
    auto it = index.find({e.type, e.parent, e.child});
    if (it == index.end()) {
      ++f->doubled_events;
      f->Note(fmt::format("session {}: persistent event {} {}/c-{} matches no change", session,
                          EventTypeName(e.type), e.parent, e.child));
      continue;
    }
    size_t i = it->second;
    if (seen[i] > 0) {
      // ZooKeeper 3.8's notifications carry no zxid (the reply header's is
      // -1), so a session that heard a change and lost its connection before
      // any reply with a newer zxid may attach to a follower that has not yet
      // applied that change (its last zxid is still older); the persistent
      // watch it re-registers there hears the change again. ZooKeeper does
      // the same. Such a repeat, after a disconnection that began after the
      // first delivery, is counted apart; one on a connection that stayed up
      // is a doubled event.
      const bool reconnected =
          std::any_of(outages.begin(), outages.end(), [&](const Outage& o) {
            return o.from >= first_at[i] && o.from <= e.at;
          });
      ++seen[i];
      if (reconnected) {
        ++f->redelivered_events;
        continue;
      }
      ++f->doubled_events;
      f->Note(fmt::format("session {}: persistent event {} {}/c-{} reported twice", session,
                          EventTypeName(e.type), e.parent, e.child));
      continue;
    }
    ++seen[i];
    first_at[i] = e.at;
    int parent = changes[i].parent;
    auto last = last_per_parent.find(parent);
    if (last != last_per_parent.end() && last->second > i) {
      ++f->misordered_events;
      f->Note(fmt::format("session {}: persistent event {} {}/c-{} came after a later change's", session,
                          EventTypeName(e.type), e.parent, e.child));
    }
    if (last == last_per_parent.end() || last->second < i) last_per_parent[parent] = i;
  }
  // The first event (in arrival order) of a change later than i, for each i:
  // scanning arrivals, each event answers every earlier change not yet answered.
  std::vector<size_t> first_later(changes.size(), events.size());
  {
    size_t answered = 0;  // changes [0, answered) have their first later event
    for (size_t e = 0; e < events.size(); ++e) {
      auto it = index.find({events[e].type, events[e].parent, events[e].child});
      if (it == index.end()) continue;
      for (; answered < it->second; ++answered) first_later[answered] = e;
    }
  }
  auto outage_between = [&](TimePoint from, TimePoint to) {
    return std::any_of(outages.begin(), outages.end(),
                       [&](const Outage& o) { return o.from <= to && o.to >= from; });
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    if (seen[i]) continue;
    const Change& c = changes[i];
    TimePoint from = c.requested - margin;
    bool excused;
    std::string why;
    if (first_later[i] < events.size()) {
      const ReceivedEvent& later = events[first_later[i]];
      excused = outage_between(from, later.at);
      why = fmt::format("{} {}/c-{} came later on the same connection", EventTypeName(later.type),
                        later.parent, later.child);
    } else {
      excused = outage_between(from, TimePoint::max());
      why = "connected throughout";
    }
    if (excused) {
      ++f->excused_events;
    } else {
      ++f->missed_events;
      f->Note(fmt::format("session {}: persistent watch missed {} {}/c-{} ({})", session,
                          EventTypeName(c.type), c.parent, c.child, why));
    }
  }
}

void CheckOneShot(int session, int parent, const OneShotRecord& r, int32_t final_cversion,
                  Findings* f) {
  for (size_t i = 1; i < r.read_cversions.size(); ++i) {
    if (r.read_cversions[i] < r.read_cversions[i - 1]) {
      ++f->oneshot_backwards;
      f->Note(fmt::format("session {}: parent {} read cversion {} after {}", session, parent,
                          r.read_cversions[i], r.read_cversions[i - 1]));
    }
  }
  if (r.read_cversions.empty() || r.read_cversions.back() != final_cversion) {
    ++f->oneshot_stale;
    f->Note(fmt::format("session {}: parent {}: last one-shot read cversion {}, final is {}",
                        session, parent,
                        r.read_cversions.empty() ? -1 : r.read_cversions.back(), final_cversion));
  }
  if (r.registrations_fired_twice > 0 || r.foreign_events > 0) {
    f->oneshot_doubled += r.registrations_fired_twice + r.foreign_events;
    f->Note(fmt::format("session {}: parent {}: {} one-shot registrations fired twice, {} foreign "
                        "events", session, parent, r.registrations_fired_twice, r.foreign_events));
  }
}

}  // namespace zk::chaos
