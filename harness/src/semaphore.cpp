// weft::counting_semaphore.

#include "weft/semaphore.h"

#include <stdexcept>

#include "engine_access.h"

namespace weft::detail {

namespace {
struct SemaphoreState {
  explicit SemaphoreState(std::ptrdiff_t initial) noexcept : count(initial) {}
  ObjectRef ref;
  std::ptrdiff_t count;
  checkers::VectorClock clock;  // what releases released, for the race detector
};

bool has_permit(const void* state, ThreadId) noexcept { return static_cast<const SemaphoreState*>(state)->count > 0; }

sched::Blocker permit_blocker(const SemaphoreState& s) {
  sched::Blocker b;
  b.ready = &has_permit;
  b.state = &s;
  return b;
}

// record_count tells the checkers what the operation did (a release
// releases, a successful acquire acquires) and records it with the count.
void record_count(Execution& x, OpKind op, SemaphoreState& s, source_location where, std::uint8_t flags = 0) {
  if (checkers::Checks* c = checks(x)) {
    if (op == OpKind::Release) {
      c->release(x.current(), s.clock);
    } else if (!(flags & sched::kFailed)) {
      c->acquire(x.current(), s.clock);
    }
  }
  sched::Event& e = record_op(x, op, s.ref, where, flags);
  e.value = static_cast<std::uint64_t>(s.count);
  e.value_kind = sched::ValueKind::Signed;
}
}  // namespace

SemaphoreBase::~SemaphoreBase() = default;

void SemaphoreBase::release(std::ptrdiff_t update, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  auto& s = state_of<SemaphoreState>(*x, slot_, ObjectKind::Semaphore, initial_);
  if (x->release_step(OpKind::Release, s.ref, at(where)) == StepResult::Aborted) return;
  if (update < 0 || update > max_ - s.count) {
    misuse(*x, thread_name(x->current()) + " releases " + sched::object_name(s.ref) + " by " + std::to_string(update) +
                   " with count " + std::to_string(s.count) + ": past its maximum of " + std::to_string(max_),
           where, /*later=*/true);
    return;
  }
  s.count += update;
  record_count(*x, OpKind::Release, s, where);
}

void SemaphoreBase::acquire(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) throw std::logic_error("weft semaphore acquire outside weft::explore or weft::replay");
  auto& s = state_of<SemaphoreState>(*x, slot_, ObjectKind::Semaphore, initial_);
  const sched::Blocker b = permit_blocker(s);
  if (x->step(OpKind::Acquire, s.ref, at(where), &b) == StepResult::Aborted) return;
  --s.count;
  record_count(*x, OpKind::Acquire, s, where);
}

bool SemaphoreBase::try_acquire(source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return false;
  auto& s = state_of<SemaphoreState>(*x, slot_, ObjectKind::Semaphore, initial_);
  if (x->step(OpKind::TryAcquire, s.ref, at(where)) == StepResult::Aborted) return false;
  const bool ok = s.count > 0;
  if (ok) --s.count;
  record_count(*x, OpKind::TryAcquire, s, where, ok ? 0 : sched::kFailed);
  return ok;
}

bool SemaphoreBase::acquire_until(std::int64_t deadline, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return false;
  auto& s = state_of<SemaphoreState>(*x, slot_, ObjectKind::Semaphore, initial_);
  const sched::Blocker b = permit_blocker(s);
  const StepResult r = x->step(OpKind::TryAcquire, s.ref, at(where), &b, deadline);
  if (r == StepResult::Aborted) return false;
  if (r == StepResult::TimedOut) {
    record_count(*x, OpKind::TryAcquire, s, where, sched::kFailed | sched::kTimedOut);
    return false;
  }
  --s.count;
  record_count(*x, OpKind::TryAcquire, s, where);
  return true;
}

}  // namespace weft::detail
