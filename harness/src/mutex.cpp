// weft::mutex and its recursive and timed siblings.

#include "weft/mutex.h"

#include "mutex_state.h"

namespace weft::detail {

namespace {
bool lockable(const void* state, ThreadId self) noexcept {
  const auto& m = *static_cast<const MutexState*>(state);
  return m.owner == sched::kNoThread || (m.recursive && m.owner == self);
}

void owner_of(const void* state, ThreadId, std::vector<ThreadId>& out) {
  const auto& m = *static_cast<const MutexState*>(state);
  if (m.owner != sched::kNoThread) out.push_back(m.owner);
}

// relock_misuse reports a thread locking a non-recursive mutex it holds.
[[gnu::noinline]] void report_relock(Execution& x, const MutexState& m, source_location where) {
  misuse(x, thread_name(x.current()) + " locks " + sched::object_name(m.ref) +
                ", which it already holds: a non-recursive mutex would deadlock here",
         where);
}
inline bool relock_misuse(Execution& x, const MutexState& m, source_location where) {
  if (m.recursive || m.owner != x.current()) [[likely]] return false;
  report_relock(x, m, where);
  return true;
}
}  // namespace

sched::Blocker MutexState::blocker() const noexcept {
  sched::Blocker b;
  b.ready = &lockable;
  b.holders = &owner_of;
  b.state = this;
  return b;
}

bool acquire(Execution& x, MutexState& m, source_location where) {
  sched::Blocker b;
  b.ready = &lockable;
  b.holders = &owner_of;
  b.state = &m;
  if (x.step(OpKind::Lock, m.ref, at(where), &b) == StepResult::Aborted) return false;
  m.take(x.current());
  locked(x, m, true, where);
  record_op(x, OpKind::Lock, m.ref, where);
  return true;
}

MutexBase::~MutexBase() {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  if (auto* m = bound_state<MutexState>(*x, slot_); m && m->owner != sched::kNoThread)
    misuse(*x, sched::object_name(m->ref) + " was destroyed while " + thread_name(m->owner) + " held it", {}, true);
}

void MutexBase::lock(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  MutexState& m = MutexAccess::state(*x, *this);
  if (relock_misuse(*x, m, where)) return;
  acquire(*x, m, where);
}

bool MutexBase::try_lock(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return true;
  MutexState& m = MutexAccess::state(*x, *this);
  if (x->step(OpKind::TryLock, m.ref, at(where)) == StepResult::Aborted) return false;
  const bool free = lockable(&m, x->current());
  if (free) {
    m.take(x->current());
    locked(*x, m, false, where);
  } else if (checkers::Checks* c = checks(*x)) {
    c->lock_failed(x->current(), m.ref, m.checked, at(where));
  }
  record_op(*x, OpKind::TryLock, m.ref, where, free ? 0 : sched::kFailed);
  return free;
}

bool MutexBase::lock_until(std::int64_t deadline, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return true;
  MutexState& m = MutexAccess::state(*x, *this);
  if (relock_misuse(*x, m, where)) return false;
  const sched::Blocker b = m.blocker();
  const StepResult r = x->step(OpKind::TryLock, m.ref, at(where), &b, deadline);
  if (r == StepResult::Aborted) return false;
  if (r == StepResult::TimedOut) {
    if (checkers::Checks* c = checks(*x)) c->lock_failed(x->current(), m.ref, m.checked, at(where));
    record_op(*x, OpKind::TryLock, m.ref, where, sched::kFailed | sched::kTimedOut);
    return false;
  }
  m.take(x->current());
  locked(*x, m, false, where);
  record_op(*x, OpKind::TryLock, m.ref, where);
  return true;
}

void MutexBase::unlock(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  MutexState& m = MutexAccess::state(*x, *this);
  const StepResult r = x->release_step(OpKind::Unlock, m.ref, at(where));
  if (r == StepResult::Aborted) {
    if (m.owner == x->current() && --m.depth == 0) m.owner = sched::kNoThread;
    return;
  }
  if (m.owner != x->current()) {
    misuse(*x, thread_name(x->current()) + " unlocks " + sched::object_name(m.ref) + ", which " +
                   (m.owner == sched::kNoThread ? std::string("is not locked") : thread_name(m.owner) + " holds"),
           where, /*later=*/true);
    return;
  }
  if (--m.depth == 0) m.owner = sched::kNoThread;
  unlocked(*x, m, where);
  record_op(*x, OpKind::Unlock, m.ref, where);
}

}  // namespace weft::detail
