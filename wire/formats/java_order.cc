#include "zk/wire/java_order.h"

#include <algorithm>
#include <deque>
#include <string_view>

#include "text_util.h"

namespace zk::wire {

namespace {

// Appends the UTF-16 code units of the code point `cp` to the running hash.
void HashCodePoint(uint32_t cp, uint32_t& h) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    h = h * 31u + (0xD800u + (cp >> 10));
    h = h * 31u + (0xDC00u + (cp & 0x3FFu));
  } else {
    h = h * 31u + cp;
  }
}

}  // namespace

int32_t JavaStringHashCode(std::string_view s) {
  uint32_t h = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = 1;
    const uint32_t cp = internal::DecodeUtf8At(s, i, &len);
    HashCodePoint(cp, h);
    i += len;
  }
  return static_cast<int32_t>(h);
}

// ---------------------------------------------------------------------------
// ConcurrentHashMap (Java 17), reduced to bucket contents and table size.

namespace {

constexpr std::size_t kTreeifyThreshold = 8;
constexpr std::size_t kUntreeifyThreshold = 6;
constexpr std::size_t kMinTreeifyCapacity = 64;

std::size_t TableSizeFor(std::size_t c) {
  std::size_t n = 1;
  while (n < c) n <<= 1;
  return n;
}

class ChmModel {
 public:
  explicit ChmModel(const std::vector<std::string_view>& keys) : keys_(keys) {
    hashes_.reserve(keys.size());
    for (auto k : keys) {
      auto h = static_cast<uint32_t>(JavaStringHashCode(k));
      hashes_.push_back((h ^ (h >> 16)) & 0x7fffffffu);
    }
  }

  void Put(std::size_t idx) {
    if (table_.empty()) {
      table_.resize(16);
      size_ctl_ = 12;
    }
    const std::size_t n = table_.size();
    Bin& bin = table_[hashes_[idx] & (n - 1)];
    for (std::size_t p = 0; p < bin.nodes.size(); ++p) {
      if (keys_[bin.nodes[p]] == keys_[idx]) {
        // Replacement: value changes, place kept. A long list still triggers
        // treeifyBin (binCount is the position + 1).
        if (!bin.tree && p + 1 >= kTreeifyThreshold) TreeifyBin(hashes_[idx] & (n - 1));
        return;
      }
    }
    std::size_t bin_count = 0;
    if (bin.tree) {
      // TreeBin.putTreeVal links the new node in front of `first`.
      bin.nodes.insert(bin.nodes.begin(), idx);
    } else {
      bin_count = bin.nodes.size();
      bin.nodes.push_back(idx);
    }
    if (bin_count >= kTreeifyThreshold) TreeifyBin(hashes_[idx] & (n - 1));
    ++count_;
    while (count_ >= size_ctl_) Transfer();
  }

  std::vector<std::size_t> Order() const {
    std::vector<std::size_t> out;
    for (const auto& bin : table_) out.insert(out.end(), bin.nodes.begin(), bin.nodes.end());
    return out;
  }

 private:
  struct Bin {
    std::vector<std::size_t> nodes;
    bool tree = false;
  };

  void TreeifyBin(std::size_t i) {
    if (table_.size() < kMinTreeifyCapacity) {
      TryPresize(table_.size() << 1);
    } else if (!table_[i].tree && !table_[i].nodes.empty()) {
      table_[i].tree = true;  // node order is kept
    }
  }

  void TryPresize(std::size_t size) {
    const std::size_t c = TableSizeFor(size + (size >> 1) + 1);
    while (c > size_ctl_) Transfer();
  }

  void Transfer() {
    const std::size_t n = table_.size();
    std::vector<Bin> next(n << 1);
    for (std::size_t i = 0; i < n; ++i) {
      const Bin& f = table_[i];
      if (f.nodes.empty()) continue;
      Bin& lo = next[i];
      Bin& hi = next[i + n];
      if (f.tree) {
        // Split preserving order; a small half becomes a list again.
        for (auto idx : f.nodes) ((hashes_[idx] & n) == 0 ? lo : hi).nodes.push_back(idx);
        lo.tree = lo.nodes.size() > kUntreeifyThreshold;
        hi.tree = hi.nodes.size() > kUntreeifyThreshold;
        continue;
      }
      // The longest tail whose nodes all go the same way is moved as is; the
      // nodes before it are pushed one by one onto the front of their list,
      // which reverses them.
      std::size_t last_run = 0;
      std::size_t run_bit = hashes_[f.nodes[0]] & n;
      for (std::size_t p = 1; p < f.nodes.size(); ++p) {
        std::size_t b = hashes_[f.nodes[p]] & n;
        if (b != run_bit) {
          run_bit = b;
          last_run = p;
        }
      }
      std::deque<std::size_t> ln;
      std::deque<std::size_t> hn;
      auto& tail = run_bit == 0 ? ln : hn;
      tail.assign(f.nodes.begin() + static_cast<std::ptrdiff_t>(last_run), f.nodes.end());
      for (std::size_t p = 0; p < last_run; ++p) {
        std::size_t idx = f.nodes[p];
        ((hashes_[idx] & n) == 0 ? ln : hn).push_front(idx);
      }
      lo.nodes.assign(ln.begin(), ln.end());
      hi.nodes.assign(hn.begin(), hn.end());
    }
    table_ = std::move(next);
    size_ctl_ = (n << 1) - (n >> 1);
  }

  const std::vector<std::string_view>& keys_;
  std::vector<uint32_t> hashes_;
  std::vector<Bin> table_;
  std::size_t size_ctl_ = 16;
  std::size_t count_ = 0;
};

}  // namespace

std::vector<std::size_t> JavaPropertiesOrder(const std::vector<std::string_view>& keys) {
  ChmModel chm(keys);
  for (std::size_t i = 0; i < keys.size(); ++i) chm.Put(i);
  return chm.Order();
}

// ---------------------------------------------------------------------------
// HashMap<Long, V> (Java 17).

JavaLongHashMap JavaLongHashMap::CopyOf(const std::vector<int64_t>& source_order) {
  JavaLongHashMap m;
  if (!source_order.empty()) {
    // putMapEntries: ft = s / 0.75f + 1; threshold = tableSizeFor((int) ft).
    const float ft = static_cast<float>(source_order.size()) / 0.75f + 1.0f;
    m.initial_capacity_ = TableSizeFor(static_cast<std::size_t>(ft));
  }
  for (auto k : source_order) m.Put(k);
  return m;
}

std::size_t JavaLongHashMap::Bucket(int64_t key, std::size_t capacity) {
  const auto u = static_cast<uint64_t>(key);
  auto h = static_cast<uint32_t>(u ^ (u >> 32));  // Long.hashCode
  h ^= h >> 16;                                   // HashMap.hash
  return h & (capacity - 1);
}

void JavaLongHashMap::Grow() {
  capacity_ <<= 1;
  bucket_sizes_.assign(capacity_, 0);
  for (auto k : keys_) ++bucket_sizes_[Bucket(k, capacity_)];
}

void JavaLongHashMap::Put(int64_t key) {
  if (!present_.insert(key).second) return;
  if (capacity_ == 0) {
    capacity_ = initial_capacity_;
    bucket_sizes_.assign(capacity_, 0);
  }
  // putVal: appending to a bucket that already holds 8 nodes calls
  // treeifyBin, which only doubles the table while it is below 64 buckets.
  const std::size_t in_bucket = bucket_sizes_[Bucket(key, capacity_)]++;
  keys_.push_back(key);
  if (in_bucket >= kTreeifyThreshold && capacity_ < kMinTreeifyCapacity) Grow();
  // ++size > threshold (0.75 × capacity) doubles the table. A resize splits
  // every bucket in order, so the insertion order alone stays decisive.
  if (static_cast<double>(keys_.size()) > 0.75 * static_cast<double>(capacity_)) Grow();
}

bool JavaLongHashMap::Remove(int64_t key) {
  if (present_.erase(key) == 0) return false;
  keys_.erase(std::find(keys_.begin(), keys_.end(), key));
  --bucket_sizes_[Bucket(key, capacity_)];
  return true;
}

std::vector<int64_t> JavaLongHashMap::IterationOrder() const {
  std::vector<int64_t> out = keys_;
  if (capacity_ == 0) return out;
  std::stable_sort(out.begin(), out.end(), [this](int64_t a, int64_t b) {
    return Bucket(a, capacity_) < Bucket(b, capacity_);
  });
  return out;
}

}  // namespace zk::wire
