// weft::latch.

#include "weft/latch.h"

#include <stdexcept>

#include "engine_access.h"

namespace weft {

namespace {
using detail::Execution;
using detail::OpKind;
using detail::StepResult;

struct LatchState {
  explicit LatchState(std::ptrdiff_t initial) noexcept : count(initial) {}
  detail::ObjectRef ref;
  checkers::VectorClock clock;  // what count_downs released, for the race detector
  std::ptrdiff_t count;
};

bool open(const void* state, detail::ThreadId) noexcept { return static_cast<const LatchState*>(state)->count == 0; }
}  // namespace

latch::~latch() = default;

void latch::count_down(std::ptrdiff_t n, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  auto& s = detail::state_of<LatchState>(*x, slot_, detail::ObjectKind::Latch, initial_);
  if (x->release_step(OpKind::CountDown, s.ref, detail::at(where)) == StepResult::Aborted) return;
  if (n < 0 || n > s.count) {
    detail::misuse(*x, detail::thread_name(x->current()) + " counts " + sched::object_name(s.ref) + " down by " +
                           std::to_string(n) + " with only " + std::to_string(s.count) + " left",
                   where, /*later=*/true);
    return;
  }
  s.count -= n;
  if (checkers::Checks* c = detail::checks(*x)) c->release(x->current(), s.clock);
  sched::Event& e = detail::record_op(*x, OpKind::CountDown, s.ref, where);
  e.value = static_cast<std::uint64_t>(s.count);
  e.value_kind = sched::ValueKind::Signed;
}

bool latch::try_wait(source_location where) const {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return false;
  auto& s = detail::state_of<LatchState>(*x, slot_, detail::ObjectKind::Latch, initial_);
  if (x->step(OpKind::TryWait, s.ref, detail::at(where)) == StepResult::Aborted) return false;
  const bool ok = s.count == 0;
  if (checkers::Checks* c = detail::checks(*x); c && ok) c->acquire(x->current(), s.clock);
  detail::record_op(*x, OpKind::TryWait, s.ref, where, ok ? 0 : sched::kFailed);
  return ok;
}

void latch::wait(source_location where) const {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) throw std::logic_error("weft::latch::wait outside weft::explore or weft::replay");
  auto& s = detail::state_of<LatchState>(*x, slot_, detail::ObjectKind::Latch, initial_);
  sched::Blocker b;
  b.ready = &open;
  b.state = &s;
  if (x->step(OpKind::Wait, s.ref, detail::at(where), &b) == StepResult::Aborted) return;
  if (checkers::Checks* c = detail::checks(*x)) c->acquire(x->current(), s.clock);
  detail::record_op(*x, OpKind::Wait, s.ref, where);
}

void latch::arrive_and_wait(std::ptrdiff_t n, source_location where) {
  count_down(n, where);
  wait(where);
}

}  // namespace weft
