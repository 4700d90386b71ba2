#pragma once
// Footprint: what one transition of a thread (its steps from one scheduling
// point to the next) did to shared state, as exhaustive search compares
// transitions: the objects it read and wrote. Two transitions are dependent
// (their order can change what happens) when they touch the same object and
// at least one of them writes it, or when either is global (it moved the
// virtual clock, or ended a process), which conflicts with everything.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "scheduler/types.h"

namespace weft::sched {

// ObjectKey names an object the same way in every execution: its kind in
// the top byte, below it its identity (Execution::identity_of), which does
// not depend on the order in which threads first used it.
using ObjectKey = std::uint64_t;
inline ObjectKey key_of(ObjectKind kind, std::uint64_t identity) noexcept {
  return (static_cast<ObjectKey>(kind) << 56) | (identity & ((ObjectKey{1} << 56) - 1));
}
inline ObjectKind kind_of(ObjectKey k) noexcept { return static_cast<ObjectKind>(k >> 56); }

// Access is one object a transition touched; `write` when it changed it.
struct Access {
  ObjectKey key = 0;
  bool write = false;
  friend bool operator==(const Access&, const Access&) = default;
};

class Footprint {
 public:
  void clear() noexcept {
    accesses_.clear();
    global_ = false;
  }
  // add notes an access; a write to an object already read makes it a write.
  void add(ObjectKey key, bool write) {
    auto it = std::lower_bound(accesses_.begin(), accesses_.end(), key,
                               [](const Access& a, ObjectKey k) { return a.key < k; });
    if (it != accesses_.end() && it->key == key) {
      it->write = it->write || write;
      return;
    }
    accesses_.insert(it, Access{key, write});
  }
  void make_global() noexcept { global_ = true; }
  // merge adds everything `other` touched (a union of transitions).
  void merge(const Footprint& other) {
    for (const Access& a : other.accesses_) add(a.key, a.write);
    global_ = global_ || other.global_;
  }
  // conflicts: the two transitions are dependent.
  bool conflicts(const Footprint& other) const noexcept {
    // A transition that reads the virtual clock (steady_clock::now) records
    // nothing, so a global one conflicts even with a transition that
    // touched nothing.
    if (global_ || other.global_) return true;
    auto a = accesses_.begin();
    auto b = other.accesses_.begin();
    while (a != accesses_.end() && b != other.accesses_.end()) {
      if (a->key < b->key) {
        ++a;
      } else if (b->key < a->key) {
        ++b;
      } else {
        if (a->write || b->write) return true;
        ++a;
        ++b;
      }
    }
    return false;
  }
  // empty: it touched nothing shared (a transition of local work only).
  bool empty() const noexcept { return accesses_.empty() && !global_; }
  bool global() const noexcept { return global_; }
  const std::vector<Access>& accesses() const noexcept { return accesses_; }

  friend bool operator==(const Footprint&, const Footprint&) = default;

 private:
  std::vector<Access> accesses_;  // ascending by key, one per object
  bool global_ = false;
};

}  // namespace weft::sched
