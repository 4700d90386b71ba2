// weft::barrier.

#include "weft/barrier.h"

#include <stdexcept>

#include "engine_access.h"

namespace weft::detail {

namespace {
struct BarrierState {
  explicit BarrierState(std::ptrdiff_t e) noexcept : expected(e) {}
  ObjectRef ref;
  std::ptrdiff_t expected;     // arrivals that complete the current phase
  std::ptrdiff_t arrived = 0;  // arrivals so far in the current phase
  std::ptrdiff_t dropped = 0;  // arrive_and_drop calls to take off from the next phase on
  std::uint64_t phase = 0;
};

struct PhaseWait {
  const BarrierState* barrier;
  std::uint64_t phase;
};

bool phase_over(const void* state, ThreadId) noexcept {
  const auto& w = *static_cast<const PhaseWait*>(state);
  return w.barrier->phase != w.phase;
}
}  // namespace

BarrierBase::~BarrierBase() = default;

BarrierBase::arrival_token BarrierBase::arrive(std::ptrdiff_t update, source_location where) {
  return arrive(update, false, where);
}

BarrierBase::arrival_token BarrierBase::arrive(std::ptrdiff_t update, bool drop, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) throw std::logic_error("weft::barrier::arrive outside weft::explore or weft::replay");
  auto& s = state_of<BarrierState>(*x, slot_, ObjectKind::Barrier, expected_);
  const OpKind op = drop ? OpKind::Drop : OpKind::Arrive;
  if (x->step(op, s.ref, at(where)) == StepResult::Aborted) return arrival_token(s.phase);
  if (update <= 0 || s.arrived + update > s.expected) {
    misuse(*x, thread_name(x->current()) + " arrives at " + sched::object_name(s.ref) + " with " +
                   std::to_string(update) + " when only " + std::to_string(s.expected - s.arrived) +
                   " arrivals are left in this phase",
           where);
    return arrival_token(s.phase);
  }
  const std::uint64_t phase = s.phase;
  s.arrived += update;
  if (drop) ++s.dropped;
  if (checkers::Checks* c = checks(*x)) c->barrier_arrive(x->current(), s.ref);
  record_op(*x, op, s.ref, where);
  if (s.arrived == s.expected) {
    {
      // The completion function is noexcept, as std::barrier requires: a
      // failure found inside it unwinds the thread after it returns.
      const Execution::UnwindDeferral deferral(*x);
      const sched::tsan::Seen seen;  // the completion function is the user's code
      completion_(context_);
    }
    if (!x->aborting()) record_op(*x, OpKind::Complete, s.ref, where);
    s.expected -= s.dropped;
    s.dropped = 0;
    s.arrived = 0;
    ++s.phase;
  }
  return arrival_token(phase);
}

void BarrierBase::wait(arrival_token&& token, source_location where) const {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) throw std::logic_error("weft::barrier::wait outside weft::explore or weft::replay");
  auto& s = state_of<BarrierState>(*x, slot_, ObjectKind::Barrier, expected_);
  PhaseWait w{&s, token.phase_};
  sched::Blocker b;
  b.ready = &phase_over;
  b.state = &w;
  if (x->step(OpKind::Wait, s.ref, at(where), &b) == StepResult::Aborted) return;
  if (checkers::Checks* c = checks(*x)) c->barrier_wait(x->current(), s.ref);
  record_op(*x, OpKind::Wait, s.ref, where);
}

void BarrierBase::arrive_and_wait(source_location where) { wait(arrive(1, where), where); }

void BarrierBase::arrive_and_drop(source_location where) {
  (void)arrive(1, true, where);
}

}  // namespace weft::detail
