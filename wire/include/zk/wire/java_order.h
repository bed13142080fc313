// Iteration orders of the two Java collections ZooKeeper prints its
// configuration from. ZooKeeper's text output is "whatever order the map
// iterates in", so reproducing its text byte for byte means reproducing these
// orders:
//
//  * java.util.Properties (Java 9+: a ConcurrentHashMap created with 16
//    buckets): the order of `config -c` elements, of the static file written
//    after a reconfig, and the order in which ZooKeeper builds its member maps
//    from a text.
//  * java.util.HashMap<Long, …>: the order of the server, group and weight
//    lines of /zookeeper/config (QuorumMaj / QuorumHierarchical toString).
//
// Both models are exact for list buckets, including the ConcurrentHashMap
// resize that reverses part of a bucket. Known limit: a HashMap<Long> bucket
// holding 9+ keys in a table of 64+ buckets becomes a red-black tree whose
// iteration order is not modelled (needs 9+ server ids congruent modulo the
// table size). ConcurrentHashMap tree bins are modelled.
#ifndef ZK_WIRE_JAVA_ORDER_H_
#define ZK_WIRE_JAVA_ORDER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace zk::wire {

// String.hashCode() of the UTF-16 form of `utf8` (invalid UTF-8 bytes count
// as U+FFFD, as Java's decoder replaces them).
int32_t JavaStringHashCode(std::string_view utf8);

// Puts `keys` in this order into a fresh java.util.Properties and returns the
// iteration order as indexes into `keys`. A repeated key keeps the place of
// its first put; the returned index is that of its first occurrence.
std::vector<std::size_t> JavaPropertiesOrder(const std::vector<std::string_view>& keys);

// A java.util.HashMap<Long, V> reduced to what decides its iteration order:
// the table size and the insertion order of the keys present.
//
// Not thread-safe; a plain value type.
class JavaLongHashMap {
 public:
  // `new HashMap<>()`: 16 buckets on first insertion.
  JavaLongHashMap() = default;

  // `new HashMap<>(other)` where `other` holds `source_size` entries: the
  // table is presized (Java 17 rule), then the keys are inserted in
  // `source_order`.
  static JavaLongHashMap CopyOf(const std::vector<int64_t>& source_order);

  // HashMap.put: a new key goes to the end of its bucket (and may grow the
  // table); an existing key keeps its place.
  void Put(int64_t key);
  // HashMap.remove. Returns false when the key was absent. Never shrinks.
  bool Remove(int64_t key);
  bool Contains(int64_t key) const { return present_.count(key) != 0; }
  std::size_t size() const { return keys_.size(); }
  // The table size (0 before the first insertion).
  std::size_t capacity() const { return capacity_; }

  // The keys in iteration order.
  std::vector<int64_t> IterationOrder() const;

 private:
  static std::size_t Bucket(int64_t key, std::size_t capacity);
  void Grow();

  std::vector<int64_t> keys_;            // present keys, in insertion order
  std::unordered_set<int64_t> present_;  // the same keys, for lookups
  std::vector<uint32_t> bucket_sizes_;   // keys per bucket at capacity_
  std::size_t capacity_ = 0;
  std::size_t initial_capacity_ = 16;  // table size used at first insertion
};

}  // namespace zk::wire

#endif  // ZK_WIRE_JAVA_ORDER_H_
