#include "zk/wire/java_order.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace zk::wire {
namespace {

std::vector<std::string> Order(const std::vector<std::string>& keys) {
  std::vector<std::string_view> views(keys.begin(), keys.end());
  std::vector<std::string> out;
  for (auto i : JavaPropertiesOrder(views)) out.push_back(keys[i]);
  return out;
}

TEST_CASE("java order: String.hashCode") {
  CHECK(JavaStringHashCode("") == 0);
  CHECK(JavaStringHashCode("a") == 97);
  CHECK(JavaStringHashCode("server.1") == 1379102790);
  CHECK(JavaStringHashCode("Aa") == JavaStringHashCode("BB"));
  CHECK(JavaStringHashCode("polygenelubricants") == static_cast<int32_t>(0x80000000));
  CHECK(JavaStringHashCode("\xc3\xa9") == 0xe9);                          // U+00E9 is one unit
  CHECK(JavaStringHashCode("\xf0\x9f\x98\x80") == 0xd83d * 31 + 0xde00);  // a surrogate pair
}

TEST_CASE("java order: Properties iteration (checked against Java 17)") {
  // Colliding keys ("Aa" and "BB" hash alike) fill one bucket: the table
  // grows (and later turns the bucket into a tree) instead of chaining.
  std::vector<std::string> keys;
  for (const char* a : {"Aa", "BB"}) {
    for (const char* b : {"Aa", "BB"}) {
      for (const char* c : {"Aa", "BB"}) keys.push_back(std::string(a) + b + c);
    }
  }
  keys.push_back("x");
  // One bucket, insertion order kept (the table grew to 128 on the way).
  CHECK(Order(keys) == std::vector<std::string>{"AaAaAa", "AaAaBB", "AaBBAa", "AaBBBB", "BBAaAa",
                                                "BBAaBB", "BBBBAa", "BBBBBB", "x"});
  CHECK(Order({"b", "a", "c"}) == std::vector<std::string>{"a", "b", "c"});
  CHECK(Order({"a", "a", "b"}) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("java order: HashMap<Long> iteration") {
  JavaLongHashMap m;
  for (int64_t k : {17, 1, 2, 33}) m.Put(k);
  CHECK(m.capacity() == 16);
  CHECK(m.IterationOrder() == std::vector<int64_t>{17, 1, 33, 2});
  m.Put(17);  // existing key: no move
  CHECK(m.IterationOrder() == std::vector<int64_t>{17, 1, 33, 2});
  CHECK(m.Remove(17));
  m.Put(17);
  CHECK(m.IterationOrder() == std::vector<int64_t>{1, 33, 17, 2});
  // 13 keys grow the table to 32.
  JavaLongHashMap big;
  for (int64_t k = 1; k <= 13; ++k) big.Put(k + 16 * (k % 2));
  CHECK(big.capacity() == 32);
  // A copy of 5 entries is presized to 8 buckets.
  auto copy = JavaLongHashMap::CopyOf({1, 2, 9, 10, 17});
  CHECK(copy.capacity() == 8);
  CHECK(copy.IterationOrder() == std::vector<int64_t>{1, 9, 17, 2, 10});
  // Nine keys in one bucket of a small table double it (treeifyBin).
  JavaLongHashMap chain;
  for (int64_t k = 0; k < 9; ++k) chain.Put(1 + 16 * k);
  CHECK(chain.capacity() == 32);
  // Long.hashCode folds the high word.
  JavaLongHashMap wide;
  wide.Put(int64_t{1} << 32);
  wide.Put(0);
  wide.Put(2);
  CHECK(wide.IterationOrder() == std::vector<int64_t>{0, int64_t{1} << 32, 2});
}

}  // namespace
}  // namespace zk::wire
