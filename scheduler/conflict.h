#pragma once
// What a pending operation does to its object, for the strategies that look
// ahead (POS, RFF, SURW's shared sites): whether two operations
// conflict, and which operations read a value another one wrote.

#include "scheduler/event.h"
#include "scheduler/types.h"

namespace weft::sched {

// same_object: both refer to one object of an execution (none is no object).
constexpr bool same_object(ObjectRef a, ObjectRef b) noexcept {
  return a.kind != ObjectKind::None && a.kind == b.kind && a.index == b.index;
}

// only_reads says whether `op` leaves its object as it found it, so that two
// of them commute: loads, var reads, a latch's try_wait, a channel's poll,
// and the shared side of a shared_mutex (shared holders do not exclude one
// another). Everything else counts as writing its object.
constexpr bool only_reads(OpKind op) noexcept {
  switch (op) {
    case OpKind::Load:
    case OpKind::CasFailure:
    case OpKind::Read:
    case OpKind::TryWait:
    case OpKind::Poll:
    case OpKind::LockShared:
    case OpKind::TryLockShared:
    case OpKind::UnlockShared:
    case OpKind::Join:
      return true;
    default:
      return false;
  }
}

// conflicts: two operations on one object, at least one of which writes it:
// their order can change what either of them sees (POS's "racing" events,
// the dependence of partial-order reduction).
constexpr bool conflicts(OpKind a, ObjectRef x, OpKind b, ObjectRef y) noexcept {
  return same_object(x, y) && !(only_reads(a) && only_reads(b));
}

// Reads-from, as reads-from fuzzing sees it: memory (atomics, vars) and
// locks. A lock operation reads from the unlock that freed the lock before
// it, so the order of critical sections is a reads-from relation too.

// is_memory_or_lock: objects whose reads-from reads-from fuzzing follows.
constexpr bool is_memory_or_lock(ObjectKind k) noexcept {
  return k == ObjectKind::Atomic || k == ObjectKind::Var || k == ObjectKind::Mutex ||
         k == ObjectKind::SharedMutex;
}

// reads_value: `op` on an object of kind `k` observes what the last write
// left (a read-modify-write does too).
constexpr bool reads_value(OpKind op, ObjectKind k) noexcept {
  if (!is_memory_or_lock(k)) return false;
  switch (op) {
    case OpKind::Load:
    case OpKind::Exchange:
    case OpKind::CasSuccess:
    case OpKind::CasFailure:
    case OpKind::FetchAdd:
    case OpKind::FetchSub:
    case OpKind::FetchAnd:
    case OpKind::FetchOr:
    case OpKind::FetchXor:
    case OpKind::Read:
    case OpKind::Lock:
    case OpKind::TryLock:
    case OpKind::LockShared:
    case OpKind::TryLockShared:
      return true;
    default:
      return false;
  }
}

// writes_value: `op` on an object of kind `k` leaves a value later reads
// read from. A pending compare-exchange counts (it may succeed); a failed
// one, as an event (CasFailure), does not.
constexpr bool writes_value(OpKind op, ObjectKind k) noexcept {
  if (!is_memory_or_lock(k)) return false;
  switch (op) {
    case OpKind::Store:
    case OpKind::Exchange:
    case OpKind::CasSuccess:
    case OpKind::FetchAdd:
    case OpKind::FetchSub:
    case OpKind::FetchAnd:
    case OpKind::FetchOr:
    case OpKind::FetchXor:
    case OpKind::Write:
    case OpKind::Unlock:
    case OpKind::UnlockShared:
      return true;
    default:
      return false;
  }
}

}  // namespace weft::sched
