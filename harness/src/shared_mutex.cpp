// weft::shared_mutex.

#include "weft/shared_mutex.h"

#include <algorithm>
#include <vector>

#include "engine_access.h"

namespace weft {

namespace {
using detail::Execution;
using detail::OpKind;
using detail::StepResult;
using detail::ThreadId;

struct SharedMutexState {
  detail::ObjectRef ref;
  ThreadId writer = sched::kNoThread;
  std::vector<ThreadId> readers;  // one entry per shared lock held
  checkers::LockChecks checked;  // what the checkers keep of it

  bool reads(ThreadId t) const { return std::find(readers.begin(), readers.end(), t) != readers.end(); }
};

bool writable(const void* state, ThreadId) noexcept {
  const auto& s = *static_cast<const SharedMutexState*>(state);
  return s.writer == sched::kNoThread && s.readers.empty();
}
bool readable(const void* state, ThreadId) noexcept {
  return static_cast<const SharedMutexState*>(state)->writer == sched::kNoThread;
}
void holders(const void* state, ThreadId, std::vector<ThreadId>& out) {
  const auto& s = *static_cast<const SharedMutexState*>(state);
  if (s.writer != sched::kNoThread) out.push_back(s.writer);
  for (ThreadId r : s.readers)
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
}

SharedMutexState* state(Execution* x, detail::Slot& slot) {
  return x ? &detail::state_of<SharedMutexState>(*x, slot, detail::ObjectKind::SharedMutex) : nullptr;
}

// self_deadlock reports a thread asking for a lock its own holding blocks.
bool self_deadlock(Execution& x, const SharedMutexState& s, bool exclusive, source_location where) {
  const ThreadId me = x.current();
  if (s.writer != me && !(exclusive && s.reads(me))) return false;
  detail::misuse(x, detail::thread_name(me) + (exclusive ? " locks " : " locks shared ") + sched::object_name(s.ref) +
                        (s.writer == me ? ", which it already holds exclusively" : ", which it already holds shared") +
                        ": this would deadlock",
                 where);
  return true;
}

// Change is what an operation did to the lock, as the checkers hear it.
enum class Change : std::uint8_t { Nothing, Locked, LockedShared, Unlocked, UnlockedShared };

// tell tells the checkers what the caller's operation did.
void tell(Execution& x, SharedMutexState& s, Change change, bool blocking, source_location where) {
  checkers::Checks* c = detail::checks(x);
  if (!c) return;
  const ThreadId me = x.current();
  switch (change) {
    case Change::Nothing: return c->lock_failed(me, s.ref, s.checked, detail::at(where));
    case Change::Locked: return c->lock_taken(me, s.ref, s.checked, false, blocking, detail::at(where));
    case Change::LockedShared: return c->lock_taken(me, s.ref, s.checked, true, blocking, detail::at(where));
    case Change::Unlocked: return c->lock_released(me, s.ref, s.checked, false, detail::at(where));
    case Change::UnlockedShared: return c->lock_released(me, s.ref, s.checked, true, detail::at(where));
  }
}

sched::Blocker blocker(const SharedMutexState& s, bool exclusive) {
  sched::Blocker b;
  b.ready = exclusive ? &writable : &readable;
  b.holders = &holders;
  b.state = &s;
  return b;
}
}  // namespace

shared_mutex::~shared_mutex() {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  if (auto* s = detail::bound_state<SharedMutexState>(*x, slot_); s && (s->writer != sched::kNoThread || !s->readers.empty()))
    detail::misuse(*x, sched::object_name(s->ref) + " was destroyed while locked", {}, true);
}

void shared_mutex::lock(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  SharedMutexState* s = state(x, slot_);
  if (!s || self_deadlock(*x, *s, true, where)) return;
  const sched::Blocker b = blocker(*s, true);
  if (x->step(OpKind::Lock, s->ref, detail::at(where), &b) == StepResult::Aborted) return;
  s->writer = x->current();
  tell(*x, *s, Change::Locked, true, where);
  detail::record_op(*x, OpKind::Lock, s->ref, where);
}

bool shared_mutex::try_lock(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  SharedMutexState* s = state(x, slot_);
  if (!s) return true;
  if (x->step(OpKind::TryLock, s->ref, detail::at(where)) == StepResult::Aborted) return false;
  const bool ok = writable(s, x->current());
  if (ok) s->writer = x->current();
  tell(*x, *s, ok ? Change::Locked : Change::Nothing, false, where);
  detail::record_op(*x, OpKind::TryLock, s->ref, where, ok ? 0 : sched::kFailed);
  return ok;
}

void shared_mutex::unlock(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  SharedMutexState* s = state(x, slot_);
  if (!s) return;
  const StepResult r = x->release_step(OpKind::Unlock, s->ref, detail::at(where));
  const bool owns = s->writer == x->current();
  if (r == StepResult::Aborted) {
    if (owns) s->writer = sched::kNoThread;
    return;
  }
  if (!owns) {
    detail::misuse(*x, detail::thread_name(x->current()) + " unlocks " + sched::object_name(s->ref) +
                           ", which it does not hold exclusively", where, true);
    return;
  }
  s->writer = sched::kNoThread;
  tell(*x, *s, Change::Unlocked, false, where);
  detail::record_op(*x, OpKind::Unlock, s->ref, where);
}

void shared_mutex::lock_shared(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  SharedMutexState* s = state(x, slot_);
  if (!s || self_deadlock(*x, *s, false, where)) return;
  const sched::Blocker b = blocker(*s, false);
  if (x->step(OpKind::LockShared, s->ref, detail::at(where), &b) == StepResult::Aborted) return;
  s->readers.push_back(x->current());
  tell(*x, *s, Change::LockedShared, true, where);
  detail::record_op(*x, OpKind::LockShared, s->ref, where);
}

bool shared_mutex::try_lock_shared(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  SharedMutexState* s = state(x, slot_);
  if (!s) return true;
  if (x->step(OpKind::TryLockShared, s->ref, detail::at(where)) == StepResult::Aborted) return false;
  const bool ok = readable(s, x->current());
  if (ok) s->readers.push_back(x->current());
  tell(*x, *s, ok ? Change::LockedShared : Change::Nothing, false, where);
  detail::record_op(*x, OpKind::TryLockShared, s->ref, where, ok ? 0 : sched::kFailed);
  return ok;
}

bool shared_mutex::lock_until(std::int64_t deadline, bool exclusive, source_location where) {
  Execution* x = Execution::active();
  SharedMutexState* s = state(x, slot_);
  if (!s) return true;
  if (self_deadlock(*x, *s, exclusive, where)) return false;
  const sched::Blocker b = blocker(*s, exclusive);
  const OpKind op = exclusive ? OpKind::TryLock : OpKind::TryLockShared;
  const StepResult r = x->step(op, s->ref, detail::at(where), &b, deadline);
  if (r == StepResult::Aborted) return false;
  if (r == StepResult::TimedOut) {
    tell(*x, *s, Change::Nothing, false, where);
    detail::record_op(*x, op, s->ref, where, sched::kFailed | sched::kTimedOut);
    return false;
  }
  if (exclusive)
    s->writer = x->current();
  else
    s->readers.push_back(x->current());
  tell(*x, *s, exclusive ? Change::Locked : Change::LockedShared, false, where);
  detail::record_op(*x, op, s->ref, where);
  return true;
}

void shared_mutex::unlock_shared(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  SharedMutexState* s = state(x, slot_);
  if (!s) return;
  const StepResult r = x->release_step(OpKind::UnlockShared, s->ref, detail::at(where));
  auto it = std::find(s->readers.begin(), s->readers.end(), x->current());
  if (r == StepResult::Aborted) {
    if (it != s->readers.end()) s->readers.erase(it);
    return;
  }
  if (it == s->readers.end()) {
    detail::misuse(*x, detail::thread_name(x->current()) + " unlocks shared " + sched::object_name(s->ref) +
                           ", which it does not hold shared", where, true);
    return;
  }
  s->readers.erase(it);
  tell(*x, *s, Change::UnlockedShared, false, where);
  detail::record_op(*x, OpKind::UnlockShared, s->ref, where);
}

}  // namespace weft
