#include "instrument_state.h"

#include "instrument_hooks.h"

namespace weft::instrument {

namespace {
// Constructed before main; a hook that runs earlier (instrumented code in
// a static constructor) finds no execution and never gets here.
State the_state;
}  // namespace

State& State::instance() noexcept { return the_state; }

State* State::current() noexcept {
  sched::Execution* x = sched::Execution::bound();
  return x && x->generation() == the_state.generation_ ? &the_state : nullptr;
}

bool ending(sched::Execution& x) {
  if (!x.aborting()) return false;
  if (++State::of(x).thread(x.current()).unscheduled >= kUnscheduled) x.drop_current();
  return true;
}

void State::begin(sched::Execution& x) {
  generation_ = x.generation();
  memory.reset();
  release_quarantined(quarantined);
  names_.clear();
  atomic_index_.clear();
  used_atomics_ = 0;
  for (ThreadState& t : threads_) {
    t.frames.clear();
    t.unscheduled = 0;
    t.stack_fresh = false;
  }
}

sched::ObjectRef State::name(sched::Execution& x, const volatile void* address) {
  bool added = false;
  sched::ObjectRef& ref = names_.get(reinterpret_cast<std::uintptr_t>(address), added);
  if (added) {
    ref = x.name_object(sched::ObjectKind::Var);
    x.bind_address(ref, const_cast<const void*>(address));
  }
  return ref;
}

AtomicShadow& State::atomic(sched::Execution& x, const volatile void* address) {
  bool added = false;
  std::uint32_t& index = atomic_index_.get(reinterpret_cast<std::uintptr_t>(address), added);
  if (added) {
    if (used_atomics_ == atomics_.size()) atomics_.emplace_back();
    AtomicShadow& a = atomics_[used_atomics_++];
    index = static_cast<std::uint32_t>(used_atomics_);
    a.ref = x.name_object(sched::ObjectKind::Atomic);
    x.bind_address(a.ref, const_cast<const void*>(address));
    a.clock.clear();
    a.seen.clear();
    return a;
  }
  return atomics_[index - 1];
}

}  // namespace weft::instrument

namespace weft::detail {
bool instrumentation_linked() { return true; }
}  // namespace weft::detail
