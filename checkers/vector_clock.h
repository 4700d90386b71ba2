#pragma once
// VectorClock: one logical clock per thread, as happens-before race
// detection needs (Lamport; Mattern). An entry past its size reads as 0 and
// it grows as threads are added to it, so there is no limit on the number
// of threads. The first kInline entries live in the object itself: the
// clocks that primitives embed in their per-execution state cost no
// allocation in a test of a few threads. clear() keeps the storage.

#include <algorithm>
#include <cstdint>

#include <boost/container/small_vector.hpp>

#include "scheduler/types.h"

namespace weft::checkers {

// Clock is one thread's logical time.
using Clock = std::uint32_t;

class VectorClock {
 public:
  static constexpr std::size_t kInline = 4;

  // get is thread t's entry (0 if the clock never heard of t).
  Clock get(sched::ThreadId t) const noexcept { return t < clocks_.size() ? clocks_[t] : 0; }

  // set makes thread t's entry `c`, growing the clock if needed.
  void set(sched::ThreadId t, Clock c) {
    if (t >= clocks_.size()) clocks_.resize(t + 1, 0);
    clocks_[t] = c;
  }

  // tick advances thread t's own entry by one.
  void tick(sched::ThreadId t) { set(t, get(t) + 1); }

  // join makes every entry the larger of its own and `other`'s. The loop
  // over the common entries is branch-free, so compilers vectorize it.
  void join(const VectorClock& other) {
    const std::size_t n = other.clocks_.size();
    if (n > clocks_.size()) clocks_.resize(n, 0);
    Clock* to = clocks_.data();
    const Clock* from = other.clocks_.data();
    for (std::size_t i = 0; i < n; ++i) to[i] = std::max(to[i], from[i]);
  }

  // assign copies `other`, keeping this clock's storage.
  void assign(const VectorClock& other) { clocks_.assign(other.clocks_.begin(), other.clocks_.end()); }

  // clear makes every entry 0, keeping the storage.
  void clear() noexcept { clocks_.clear(); }

  // size is one past the highest thread with an entry (possibly 0).
  std::size_t size() const noexcept { return clocks_.size(); }

 private:
  boost::container::small_vector<Clock, kInline> clocks_;
};

}  // namespace weft::checkers
