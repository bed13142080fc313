#include "session_table.h"

#include <algorithm>
#include <cstdint>

namespace zk::sim {

SessionTable::SessionTable(uint64_t seed, int32_t min_ms, int32_t max_ms)
    : seed_(seed), min_(min_ms), max_(max_ms) {}

int32_t SessionTable::Negotiate(int32_t requested) const {
  return std::clamp(requested, min_, max_);
}

int64_t SessionTable::NextId(int server_id) {
  auto it = next_.find(server_id);
  if (it == next_.end()) {
    // The "start time" is derived from the seed: 40 bits in the middle.
    uint64_t ms = (seed_ * 0x9E3779B97F4A7C15ULL) >> 24;
    uint64_t base = ((ms << 24) >> 8) | (static_cast<uint64_t>(server_id & 0xff) << 56);
    it = next_.emplace(server_id, static_cast<int64_t>(base + 1)).first;
  }
  return it->second++;
}

Session& SessionTable::Add(int64_t id, int32_t timeout_ms, int64_t now_ms) {
  Session& s = sessions_[id];
  s.id = id;
  s.timeout_ms = timeout_ms;
  s.last_seen_ms = now_ms;
  earliest_deadline_ms_ = std::min(earliest_deadline_ms_, now_ms + timeout_ms);
  return s;
}

Session* SessionTable::Find(int64_t id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

void SessionTable::Touch(int64_t id, int64_t now_ms) {
  if (Session* s = Find(id)) s->last_seen_ms = now_ms;
}

std::vector<int64_t> SessionTable::Expired(int64_t now_ms) const {
  std::vector<int64_t> out;
  if (now_ms <= earliest_deadline_ms_) return out;
  // The next walk is due when the earliest deadline of a candidate passes;
  // the expired ones count too, in case the caller leaves one open.
  int64_t earliest = INT64_MAX;
  for (const auto& [id, s] : sessions_) {
    if (s.closing || s.local) continue;
    earliest = std::min(earliest, s.last_seen_ms + s.timeout_ms);
    if (now_ms - s.last_seen_ms > s.timeout_ms) out.push_back(id);
  }
  earliest_deadline_ms_ = earliest;
  return out;
}

}  // namespace zk::sim
