#pragma once
// VectorClock: one logical clock per thread, as happens-before race
// detection needs (Lamport; Mattern). It grows with the threads it is told
// about, so there is no limit on the number of threads; an entry past its
// size reads as 0. clear() keeps the storage, so reusing one clock across
// executions allocates nothing once it has grown.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "scheduler/types.h"

namespace weft::checkers {

// Clock is one thread's logical time.
using Clock = std::uint32_t;

class VectorClock {
 public:
  // get is thread t's entry (0 if the clock never heard of t).
  Clock get(sched::ThreadId t) const noexcept { return t < clocks_.size() ? clocks_[t] : 0; }

  // set makes thread t's entry `c`, growing the clock if needed.
  void set(sched::ThreadId t, Clock c) {
    if (t >= clocks_.size()) clocks_.resize(t + 1, 0);
    clocks_[t] = c;
  }

  // tick advances thread t's own entry by one.
  void tick(sched::ThreadId t) { set(t, get(t) + 1); }

  // join makes every entry the larger of its own and `other`'s.
  void join(const VectorClock& other) {
    if (other.clocks_.size() > clocks_.size()) clocks_.resize(other.clocks_.size(), 0);
    for (std::size_t i = 0; i < other.clocks_.size(); ++i) clocks_[i] = std::max(clocks_[i], other.clocks_[i]);
  }

  // assign copies `other`, keeping this clock's storage.
  void assign(const VectorClock& other) { clocks_.assign(other.clocks_.begin(), other.clocks_.end()); }

  // clear makes every entry 0, keeping the storage.
  void clear() noexcept { clocks_.clear(); }

  // size is one past the highest thread with an entry (possibly 0).
  std::size_t size() const noexcept { return clocks_.size(); }

 private:
  std::vector<Clock> clocks_;
};

}  // namespace weft::checkers
