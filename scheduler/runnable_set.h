#pragma once
// RunnableSet: the threads that may take the next step, kept up to date as
// threads block, wake and end, so that a decision reads it instead of asking
// every thread. Adding, removing and testing a thread are O(1); members()
// is a contiguous list for strategies to choose from. Its order is the
// order of additions as changed by removals (a removal moves the last
// member into the gap), so it is the same in every run of a schedule, but
// not ascending.

#include <cstdint>
#include <span>
#include <vector>

#include "scheduler/types.h"

namespace weft::sched {

class RunnableSet {
 public:
  // clear empties the set, keeping its storage.
  void clear() noexcept {
    for (ThreadId t : members_) position_[t] = kAbsent;
    members_.clear();
  }
  bool contains(ThreadId t) const noexcept { return t < position_.size() && position_[t] != kAbsent; }
  [[gnu::always_inline]] void add(ThreadId t) {
    if (t < position_.size() && position_[t] != kAbsent) return;
    insert(t);
  }
  void remove(ThreadId t) noexcept {
    if (!contains(t)) return;
    const std::uint32_t at = position_[t];
    const ThreadId last = members_.back();
    members_[at] = last;
    position_[last] = at;
    members_.pop_back();
    position_[t] = kAbsent;
  }
  // set adds or removes `t`.
  void set(ThreadId t, bool runnable) {
    if (runnable) {
      add(t);
    } else {
      remove(t);
    }
  }
  std::size_t size() const noexcept { return members_.size(); }
  std::span<const ThreadId> members() const noexcept { return members_; }

 private:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;

  [[gnu::noinline]] void insert(ThreadId t) {
    if (t >= position_.size()) position_.resize(t + 1, kAbsent);
    position_[t] = static_cast<std::uint32_t>(members_.size());
    members_.push_back(t);
  }
  std::vector<ThreadId> members_;
  std::vector<std::uint32_t> position_;  // by thread: index in members_, or kAbsent
};

}  // namespace weft::sched
