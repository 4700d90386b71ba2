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

// ThreadClock is a thread's own vector clock: its own entry is kept apart
// from the others', so a thread numbered 4000 that knows of two threads
// holds two entries, not 4001 (a spawned thread knows of its creator and
// itself). Entries of others past their size read as 0, as in VectorClock.
class ThreadClock {
 public:
  // start makes this the clock of a new thread `id` that knows nothing else.
  void start(sched::ThreadId id) noexcept {
    id_ = id;
    own_ = 1;
    others_.clear();
  }
  Clock get(sched::ThreadId t) const noexcept { return t == id_ ? own_ : others_.get(t); }
  Clock own() const noexcept { return own_; }
  // tick advances the thread's own entry.
  void tick() noexcept { ++own_; }
  // join takes in what `other` knows (nothing can know more of this thread
  // than itself, so `other`'s entry for it changes nothing).
  void join(const VectorClock& other) { others_.join(other); }
  void join(const ThreadClock& other) {
    others_.join(other.others_);
    if (other.own_ > others_.get(other.id_)) others_.set(other.id_, other.own_);
  }
  // release_into makes `into` know what this thread knows, its own entry
  // included.
  void release_into(VectorClock& into) const {
    into.join(others_);
    if (own_ > into.get(id_)) into.set(id_, own_);
  }

 private:
  sched::ThreadId id_ = 0;
  Clock own_ = 0;
  VectorClock others_;
};

}  // namespace weft::checkers
