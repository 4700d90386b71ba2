#pragma once
// HeldLocks: the locks each thread of the running execution holds, kept
// once and read by every checker that needs them: the lock-order graph
// (the locks held when another is taken), the race detector (the lock
// sets a race report names) and the end-of-execution leak check (a lock
// its holder never released).

#include <cstdint>
#include <span>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "scheduler/types.h"

namespace weft::checkers {

// HeldLock is one lock one thread holds in one mode.
struct HeldLock {
  sched::ObjectRef lock;
  bool shared = false;      // held shared (shared_mutex::lock_shared)
  unsigned depth = 0;       // times taken in this mode and not released (recursive mutexes)
  sched::Location where;    // where it was first taken
};

class HeldLocks {
 public:
  // begin forgets the previous execution's locks, keeping the storage.
  void begin() noexcept {
    for (auto& locks : by_thread_) locks.clear();
  }

  // take records that `t` took `lock` in mode `shared` at `where`; true when
  // it did not hold it in that mode already (not a recursive re-lock).
  bool take(sched::ThreadId t, sched::ObjectRef lock, bool shared, sched::Location where) {
    if (t >= by_thread_.size()) by_thread_.resize(t + 1);
    for (HeldLock& h : by_thread_[t]) {
      if (same(h, lock, shared)) {
        ++h.depth;
        return false;
      }
    }
    by_thread_[t].push_back(HeldLock{lock, shared, 1, where});
    return true;
  }

  // drop records one release of `lock` in mode `shared` by `t`.
  void drop(sched::ThreadId t, sched::ObjectRef lock, bool shared) noexcept {
    if (t >= by_thread_.size()) return;
    auto& mine = by_thread_[t];
    for (auto it = mine.begin(); it != mine.end(); ++it) {
      if (!same(*it, lock, shared)) continue;
      if (--it->depth == 0) mine.erase(it);
      return;
    }
  }

  // of is what `t` holds, in the order it took them.
  std::span<const HeldLock> of(sched::ThreadId t) const noexcept {
    if (t >= by_thread_.size()) return {};
    return {by_thread_[t].data(), by_thread_[t].size()};
  }

  // threads is one past the highest thread that ever held a lock.
  std::size_t threads() const noexcept { return by_thread_.size(); }

 private:
  static bool same(const HeldLock& h, sched::ObjectRef lock, bool shared) noexcept {
    return h.lock.kind == lock.kind && h.lock.index == lock.index && h.shared == shared;
  }

  std::vector<boost::container::small_vector<HeldLock, 2>> by_thread_;
};

}  // namespace weft::checkers
