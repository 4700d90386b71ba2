#pragma once
// VectorClock: one logical clock per thread, as happens-before race
// detection needs (Lamport; Mattern). An entry past its size reads as 0 and
// it grows as threads are added to it, so there is no limit on the number
// of threads. The first kInline entries live in the object itself, so the
// clocks that primitives embed in their per-execution state cost no
// allocation in a test of a few threads; clear() keeps the storage.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

#include "scheduler/types.h"

namespace weft::checkers {

// Clock is one thread's logical time.
using Clock = std::uint32_t;

class VectorClock {
 public:
  static constexpr std::uint32_t kInline = 4;

  VectorClock() noexcept = default;
  VectorClock(const VectorClock& other) { assign(other); }
  VectorClock& operator=(const VectorClock& other) {
    if (this != &other) assign(other);
    return *this;
  }
  ~VectorClock() = default;

  // get is thread t's entry (0 if the clock never heard of t).
  Clock get(sched::ThreadId t) const noexcept { return t < size_ ? data()[t] : 0; }

  // set makes thread t's entry `c`, growing the clock if needed.
  void set(sched::ThreadId t, Clock c) {
    if (t >= size_) grow(t + 1);
    data()[t] = c;
  }

  // tick advances thread t's own entry by one.
  void tick(sched::ThreadId t) {
    if (t >= size_) grow(t + 1);
    ++data()[t];
  }

  // join makes every entry the larger of its own and `other`'s. The loop
  // is branch-free, so compilers vectorize it.
  void join(const VectorClock& other) {
    const std::uint32_t n = other.size_;
    if (n > size_) grow(n);
    Clock* to = data();
    const Clock* from = other.data();
    for (std::uint32_t i = 0; i < n; ++i) to[i] = std::max(to[i], from[i]);
  }

  // assign copies `other`, keeping this clock's storage.
  void assign(const VectorClock& other) {
    size_ = 0;
    if (other.size_ > capacity()) grow(other.size_);
    size_ = other.size_;
    std::memcpy(data(), other.data(), size_ * sizeof(Clock));
  }

  // clear makes every entry 0, keeping the storage.
  void clear() noexcept { size_ = 0; }

  // size is one past the highest thread with an entry (possibly 0).
  std::size_t size() const noexcept { return size_; }

 private:
  Clock* data() noexcept { return heap_ ? heap_.get() : inline_; }
  const Clock* data() const noexcept { return heap_ ? heap_.get() : inline_; }
  std::uint32_t capacity() const noexcept { return heap_ ? heap_capacity_ : kInline; }

  // grow makes the clock `n` entries long, the new ones 0.
  void grow(std::uint32_t n) {
    if (n > capacity()) {
      const std::uint32_t capacity = std::max(n, 2 * this->capacity());
      std::unique_ptr<Clock[]> bigger(new Clock[capacity]);
      std::memcpy(bigger.get(), data(), size_ * sizeof(Clock));
      heap_ = std::move(bigger);
      heap_capacity_ = capacity;
    }
    std::fill(data() + size_, data() + n, 0);
    size_ = n;
  }

  std::uint32_t size_ = 0;
  std::uint32_t heap_capacity_ = 0;
  Clock inline_[kInline] = {};
  std::unique_ptr<Clock[]> heap_;  // the entries, once there are more than kInline
};

}  // namespace weft::checkers
