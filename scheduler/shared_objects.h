#pragma once
// SharedObjects: which objects more than one thread has operated on, as
// strategies learn it from the operations they let run, kept across the
// executions of one exploration (objects are named per execution by kind
// and creation order, so the same object has the same name in each).
// Operations on objects no other thread touches commute with everything
// the others do; PCT places its change points, and SURW its weights, on the
// shared ones only.

#include <cstdint>
#include <vector>

#include "scheduler/types.h"

namespace weft::sched {

class SharedObjects {
 public:
  // note records that thread `t` operates on `object` and returns whether
  // the object is shared (by now). No object (a yield, a sleep) never is.
  bool note(ThreadId t, ObjectRef object) {
    if (object.kind == ObjectKind::None) return false;
    auto& entries = by_kind_[static_cast<unsigned>(object.kind) & 15];
    if (object.index >= entries.size()) entries.resize(object.index + 1);
    Entry& e = entries[object.index];
    if (e.first == kNoThread) {
      e.first = t;
    } else if (e.first != t && !e.shared) {
      e.shared = true;
      shared_.push_back(object);
    }
    return e.shared;
  }
  bool shared(ObjectRef object) const noexcept {
    const auto& entries = by_kind_[static_cast<unsigned>(object.kind) & 15];
    return object.kind != ObjectKind::None && object.index < entries.size() && entries[object.index].shared;
  }
  // list is every shared object, in the order they were found shared.
  const std::vector<ObjectRef>& list() const noexcept { return shared_; }

 private:
  struct Entry {
    ThreadId first = kNoThread;  // the first thread seen on it
    bool shared = false;         // another thread was seen on it too
  };
  std::vector<Entry> by_kind_[16];
  std::vector<ObjectRef> shared_;
};

}  // namespace weft::sched
