#include "scheduler/dependency.h"

namespace weft::sched {

namespace {
ObjectKind kind_of(const Op& op) noexcept { return sched::kind_of(op.object); }

bool failed(const Op& op) noexcept { return (op.flags & kFailed) != 0; }
}  // namespace

Effect effect_of(const Op& op) noexcept {
  const ObjectKind kind = kind_of(op);
  // Time: a timed wait that timed out moved the clock, which every
  // steady_clock::now() reads, and changed which other timers may fire.
  if ((op.flags & (kTimedOut | kFault)) != 0 || op.op == OpKind::Sleep) return Effect::Global;
  if (kind == ObjectKind::Process || op.op == OpKind::Kill || op.op == OpKind::Crash || op.op == OpKind::Exit)
    return Effect::Global;
  // poll/select (on no one object) and epoll_wait look at the state of
  // every descriptor they watch, which their own object does not name.
  if (op.op == OpKind::Poll && (kind == ObjectKind::None || kind == ObjectKind::Epoll)) return Effect::Global;
  if (kind == ObjectKind::None) return Effect::None;
  switch (op.op) {
    case OpKind::Load:
    case OpKind::CasFailure:
    case OpKind::Read:
    case OpKind::TryWait:
    case OpKind::Join:
      return Effect::Read;
    case OpKind::Wait:
      // Waiting for a latch to open looks at its count; waits on other
      // objects join a queue of waiters.
      return kind == ObjectKind::Latch ? Effect::Read : Effect::Write;
    case OpKind::TryLock:
    case OpKind::TryLockShared:
    case OpKind::TryAcquire:
    case OpKind::Recv:
    case OpKind::Send:
      // A try that failed found the object unavailable and left it so.
      return failed(op) ? Effect::Read : Effect::Write;
    default:
      return Effect::Write;
  }
}

void add_to(Footprint& footprint, const Op& op) {
  switch (effect_of(op)) {
    case Effect::None: break;
    case Effect::Read: footprint.add(op.object, false); break;
    case Effect::Write: footprint.add(op.object, true); break;
    case Effect::Global: footprint.make_global(); break;
  }
}

bool is_lock_acquisition(const Op& op) noexcept {
  if (!is_lock(kind_of(op)) || failed(op)) return false;
  return op.op == OpKind::Lock || op.op == OpKind::TryLock || op.op == OpKind::LockShared ||
         op.op == OpKind::TryLockShared;
}

bool is_lock_release(const Op& op) noexcept {
  return is_lock(kind_of(op)) && (op.op == OpKind::Unlock || op.op == OpKind::UnlockShared);
}

bool is_acquisition(const Op& op) noexcept {
  if (is_lock_acquisition(op)) return true;
  if (failed(op)) return false;
  const ObjectKind kind = kind_of(op);
  if (kind == ObjectKind::Semaphore) return op.op == OpKind::Acquire || op.op == OpKind::TryAcquire;
  return is_channel(kind) && op.op == OpKind::Recv;
}

bool never_before(const Op& earlier, ThreadId later_thread, const Op& later) noexcept {
  if (earlier.object != later.object) return false;
  // A wake that could have timed out could have come first (as a timeout).
  if (later.op == OpKind::Wake && (later.flags & (kSpurious | kTimedOut | kTimed)) == 0)
    return earlier.op == OpKind::NotifyAll || (earlier.op == OpKind::NotifyOne && earlier.peer == later_thread);
  if (later.op == OpKind::Join) return earlier.op == OpKind::End;
  // A blocking lock waits for the unlock before it: an exclusive lock for
  // any unlock, a shared one for an exclusive unlock (readers share). A
  // try_lock could have come first, and failed.
  if (is_lock_release(earlier) && (later.op == OpKind::Lock || later.op == OpKind::LockShared) &&
      is_lock_acquisition(later))
    return later.op == OpKind::Lock || earlier.op == OpKind::Unlock;
  return false;
}

}  // namespace weft::sched
