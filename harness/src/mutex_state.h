#pragma once
// The per-execution state of the weft mutexes, shared with the condition
// variables (which release and re-acquire a mutex as part of waiting).

#include <vector>

#include "engine_access.h"
#include "weft/mutex.h"

namespace weft::detail {

struct MutexState {
  explicit MutexState(bool is_recursive) noexcept : recursive(is_recursive) {}

  ObjectRef ref;
  bool recursive;
  ThreadId owner = sched::kNoThread;
  unsigned depth = 0;  // times the owner locked it
  checkers::LockChecks checked;  // what the checkers keep of it

  // blocker is what a thread waiting to lock this mutex waits for.
  sched::Blocker blocker() const noexcept;
  // take makes `t` the owner (or deepens its ownership).
  void take(ThreadId t) noexcept {
    owner = t;
    ++depth;
  }
};

// MutexAccess reaches a MutexBase's state for the condition variables.
class MutexAccess {
 public:
  static MutexState& state(Execution& x, MutexBase& m) {
    return state_of<MutexState>(x, m.slot_, ObjectKind::Mutex, m.recursive_);
  }
};

// acquire blocks until `m` can be taken by the caller and takes it; false
// if the execution is being unwound.
bool acquire(Execution& x, MutexState& m, source_location where);

// locked tells the checkers that the caller took `m` (blocking: by a lock
// that waits); unlocked that it released it once.
inline void locked(Execution& x, MutexState& m, bool blocking, source_location where) {
  if (checkers::Checks* c = checks(x)) c->lock_taken(x.current(), m.ref, m.checked, false, blocking, at(where));
}
inline void unlocked(Execution& x, MutexState& m, source_location where) {
  if (checkers::Checks* c = checks(x)) c->lock_released(x.current(), m.ref, m.checked, false, at(where));
}

}  // namespace weft::detail
