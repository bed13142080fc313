// A FIFO that allocates nothing while empty. libstdc++'s std::deque
// allocates its map and a 512-byte node at construction, which is most of an
// idle session's memory when a process holds 10,000 of them.
#ifndef ZK_CLIENT_SRC_SMALL_QUEUE_H_
#define ZK_CLIENT_SRC_SMALL_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace zk::client_internal {

template <typename T>
class SmallQueue {
 public:
  bool empty() const { return head_ == items_.size(); }
  size_t size() const { return items_.size() - head_; }
  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  // The i-th element from the front. REQUIRES: i < size().
  T& operator[](size_t i) { return items_[head_ + i]; }
  const T& operator[](size_t i) const { return items_[head_ + i]; }
  void push_back(T v) { items_.push_back(std::move(v)); }
  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      items_.clear();
      head_ = 0;
      if (items_.capacity() > 64) items_.shrink_to_fit();
    } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }
  void clear() {
    items_.clear();
    items_.shrink_to_fit();
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  size_t head_ = 0;
};

}  // namespace zk::client_internal

#endif  // ZK_CLIENT_SRC_SMALL_QUEUE_H_
