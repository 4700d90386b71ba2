#pragma once
// How the public primitives reach the engine: the running execution, the
// per-execution state behind a Slot, and the conversions between public and
// engine vocabulary. Internal to the harness.

#include <string>
#include <utility>

#include "checkers/checks.h"
#include "scheduler/execution.h"
#include "scheduler/trace.h"
#include "scheduler/tsan.h"
#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft::detail {

using sched::Execution;
using sched::ObjectKind;
using sched::ObjectRef;
using sched::OpKind;
using sched::StepResult;
using sched::ThreadId;

// at is the location of an operation called with `where`. In a recording
// execution (its trace will be shown) an unknown location, or one inside
// the standard library (weft::mutex::lock called by std::lock_guard's
// constructor) or weft, is replaced by the program's own frame on the
// stack (source_lines.h); exploring executions keep what they are given.
sched::Location program_location_of(source_location where);
inline sched::Location at(source_location where) noexcept {
  const Execution* x = Execution::active();
  if (x && x->recording()) [[unlikely]] return program_location_of(where);
  return {where.file, where.line};
}

// state_of returns the state behind `slot` in execution `x`, making it (with
// `args`) on first use in this execution. Every State has a `ref` naming it.
template <class State, class... Args>
[[gnu::noinline]] State& make_state(Execution& x, Slot& slot, ObjectKind kind, Args&&... args) {
  State* s = x.arena().make<State>(std::forward<Args>(args)...);
  s->ref = x.name_object(kind);
  x.bind_address(s->ref, &slot, slot.birth_generation == x.generation() ? slot.birth : 0);
  slot.state = s;
  slot.generation = x.generation();
  return *s;
}
template <class State, class... Args>
inline State& state_of(Execution& x, Slot& slot, ObjectKind kind, Args&&... args) {
  if (slot.generation == x.generation()) [[likely]] return *static_cast<State*>(slot.state);
  return make_state<State>(x, slot, kind, std::forward<Args>(args)...);
}

// bound_state returns the state behind `slot` if it belongs to `x`, else null.
template <class State>
State* bound_state(Execution& x, const Slot& slot) noexcept {
  return slot.generation == x.generation() ? static_cast<State*>(slot.state) : nullptr;
}

// record_op appends an event with the common fields filled in.
inline sched::Event& record_op(Execution& x, OpKind op, ObjectRef object, source_location where,
                               std::uint8_t flags = 0, ThreadId peer = sched::kNoThread) {
  return x.record(op, object, at(where), flags, peer);
}

// checks is the checkers the execution runs with, or null (an execution run
// without weft's explore or replay).
inline checkers::Checks* checks(Execution& x) noexcept { return checkers::of(x); }

// thread_name is "T3" (sched::thread_name).
using sched::thread_name;

// misuse fails the execution with kind Misuse. From a destructor pass
// `later`: the failure is recorded and the thread unwinds at its next
// scheduling point, since a destructor must not throw. Nothing is reported
// from a thread whose process is dying.
void misuse(Execution& x, std::string message, source_location where, bool later = false);

// never_ready is a blocker readiness for waits that only a deadline ends.
bool never_ready(const void*, ThreadId) noexcept;

}  // namespace weft::detail
