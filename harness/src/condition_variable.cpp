// weft::condition_variable and condition_variable_any.

#include "weft/condition_variable.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "mutex_state.h"

namespace weft::detail {

namespace {
struct CondvarState {
  ObjectRef ref;
  std::vector<ThreadId> waiting;  // enqueued and not yet picked by a notify, in arrival order

  bool remove(ThreadId t) {
    auto it = std::find(waiting.begin(), waiting.end(), t);
    if (it == waiting.end()) return false;
    waiting.erase(it);
    return true;
  }
};

bool notified(const void* state, ThreadId self) noexcept {
  const auto& w = static_cast<const CondvarState*>(state)->waiting;
  return std::find(w.begin(), w.end(), self) == w.end();
}

Execution& require_execution(const char* what) {
  Execution* x = Execution::active();
  if (!x) throw std::logic_error(std::string(what) + " outside weft::explore or weft::replay would wait forever");
  return *x;
}

void enqueue_self(Execution& x, CondvarState& cv, source_location where) {
  cv.waiting.push_back(x.current());
  record_op(x, OpKind::Wait, cv.ref, where);
}

// block_self waits for a notify that picks the caller, its deadline or, if
// enabled, a spurious wake-up; false when the deadline ended it.
bool block_self(Execution& x, CondvarState& cv, std::int64_t deadline, source_location where) {
  if (x.config().spurious_wakeups && x.choose_rare(2) == 1) {
    cv.remove(x.current());
    record_op(x, OpKind::Wake, cv.ref, where, sched::kSpurious);
    return true;
  }
  sched::Blocker b;
  b.ready = &notified;
  b.state = &cv;
  const StepResult r = x.step(OpKind::Wait, cv.ref, at(where), &b, deadline);
  if (r == StepResult::Aborted) {
    cv.remove(x.current());
    return true;
  }
  if (r == StepResult::TimedOut) {
    cv.remove(x.current());
    record_op(x, OpKind::Wake, cv.ref, where, sched::kTimedOut);
    return false;
  }
  record_op(x, OpKind::Wake, cv.ref, where, deadline != sched::kNever ? sched::kTimed : 0);
  return true;
}
}  // namespace

CondvarBase::~CondvarBase() {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  if (auto* cv = bound_state<CondvarState>(*x, slot_); cv && !cv->waiting.empty())
    misuse(*x, sched::object_name(cv->ref) + " was destroyed while " + thread_name(cv->waiting.front()) +
                   " waited on it", {}, true);
}

bool CondvarBase::wait_on(MutexBase& mutex, std::int64_t deadline, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("condition_variable::wait");
  auto& cv = state_of<CondvarState>(x, slot_, ObjectKind::Condvar);
  MutexState& m = MutexAccess::state(x, mutex);
  if (m.owner != x.current()) {
    misuse(x, thread_name(x.current()) + " waits on " + sched::object_name(cv.ref) + " without holding " +
                  sched::object_name(m.ref), where);
    return true;
  }
  if (x.step(OpKind::Wait, cv.ref, at(where)) == StepResult::Aborted) return true;
  // Releasing the mutex and joining the waiters is one step: no notify can
  // fall between them, as std::condition_variable guarantees.
  const unsigned depth = m.depth;
  m.owner = sched::kNoThread;
  m.depth = 0;
  for (unsigned i = 0; i < depth; ++i) unlocked(x, m, where);
  record_op(x, OpKind::Unlock, m.ref, where);
  enqueue_self(x, cv, where);
  const bool woken = block_self(x, cv, deadline, where);
  if (acquire(x, m, where)) {
    // A recursive mutex held several times is held as many times again.
    for (unsigned i = 1; i < depth; ++i) locked(x, m, true, where);
    m.depth = depth;
  }
  return woken;
}

void CondvarBase::enqueue(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("condition_variable_any::wait");
  auto& cv = state_of<CondvarState>(x, slot_, ObjectKind::Condvar);
  if (x.step(OpKind::Wait, cv.ref, at(where)) == StepResult::Aborted) return;
  enqueue_self(x, cv, where);
}

bool CondvarBase::block_enqueued(std::int64_t deadline, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution& x = require_execution("condition_variable_any::wait");
  return block_self(x, state_of<CondvarState>(x, slot_, ObjectKind::Condvar), deadline, where);
}

void CondvarBase::notify_one(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  auto& cv = state_of<CondvarState>(*x, slot_, ObjectKind::Condvar);
  if (x->release_step(OpKind::NotifyOne, cv.ref, at(where)) == StepResult::Aborted) return;
  ThreadId woke = sched::kNoThread;
  if (!cv.waiting.empty()) {
    // Which waiter a notify_one wakes is unspecified in C++: explore it.
    const auto i = x->choose(static_cast<std::uint32_t>(cv.waiting.size()));
    woke = cv.waiting[i];
    cv.waiting.erase(cv.waiting.begin() + i);
  }
  record_op(*x, OpKind::NotifyOne, cv.ref, where, 0, woke);
}

void CondvarBase::notify_all(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  auto& cv = state_of<CondvarState>(*x, slot_, ObjectKind::Condvar);
  if (x->release_step(OpKind::NotifyAll, cv.ref, at(where)) == StepResult::Aborted) return;
  cv.waiting.clear();
  record_op(*x, OpKind::NotifyAll, cv.ref, where);
}

}  // namespace weft::detail
