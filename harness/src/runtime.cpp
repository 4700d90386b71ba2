// The engine side of weft::atomic<T>, weft::var<T> and the virtual clock.

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <vector>

#include "engine_access.h"
#include "foreign_use.h"
#include "weft/chrono.h"

namespace weft::detail {

namespace {
struct AtomicState {
  ObjectRef ref;
  std::vector<ThreadId> waiting;  // blocked in wait(), in arrival order
  checkers::VectorClock clock;    // its release sequence's, for the race detector
};

struct VarState {
  ObjectRef ref;
  // The process of the first access, and where it was: processes share no
  // memory, so a var touched by a second process is a model error.
  bool touched = false;
  sched::ProcessId process = 0;
  ThreadId first = 0;
  sched::Location first_at;
  checkers::VarShadow shadow;  // its accesses, for the race detector
};

// shared_across_processes reports a var used by a second process.
bool shared_across_processes(Execution& x, VarState& s, bool write, source_location where) {
  const sched::ProcessId me = x.process_of(x.current());
  if (!s.touched) {
    s.touched = true;
    s.process = me;
    s.first = x.current();
    s.first_at = at(where);
    return false;
  }
  if (s.process == me) return false;
  misuse(x,
         thread_name(x.current()) + " (process " + x.process_name(me) + ")" + (write ? " writes " : " reads ") +
             sched::object_name(s.ref) + ", which " + thread_name(s.first) + " (process " +
             x.process_name(s.process) + ") used first" +
             (s.first_at.line ? std::string(" at ") + sched::base_name(s.first_at.file) + ":" +
                                    std::to_string(s.first_at.line)
                              : std::string()) +
             ": processes share no memory; pass the value through a weft::pipe or weft::queue",
         where);
  return true;
}

OpKind op_of(AtomicOp op) noexcept {
  switch (op) {
    case AtomicOp::Load: return OpKind::Load;
    case AtomicOp::Store: return OpKind::Store;
    case AtomicOp::Exchange: return OpKind::Exchange;
    case AtomicOp::CasSuccess: return OpKind::CasSuccess;
    case AtomicOp::CasFailure: return OpKind::CasFailure;
    case AtomicOp::FetchAdd: return OpKind::FetchAdd;
    case AtomicOp::FetchSub: return OpKind::FetchSub;
    case AtomicOp::FetchAnd: return OpKind::FetchAnd;
    case AtomicOp::FetchOr: return OpKind::FetchOr;
    case AtomicOp::FetchXor: return OpKind::FetchXor;
    case AtomicOp::Wait: return OpKind::Wait;
    case AtomicOp::NotifyOne: return OpKind::NotifyOne;
    case AtomicOp::NotifyAll: return OpKind::NotifyAll;
    case AtomicOp::Init: return OpKind::Store;
    case AtomicOp::CasSpurious: return OpKind::CasFailure;
  }
  return OpKind::Load;
}

void record_value(Execution& x, OpKind op, ObjectRef ref, std::memory_order order, Shown value,
                  source_location where) {
  sched::Event& e = x.record(op, ref, at(where), 0, sched::kNoThread, order);
  e.value = value.bits;
  e.value_kind = static_cast<sched::ValueKind>(value.kind);
}

// access_of says what an atomic operation does with its value, for the
// race detector; nothing for waits and notifies.
std::optional<checkers::AtomicAccess> access_of(AtomicOp op) noexcept {
  switch (op) {
    case AtomicOp::Load:
    case AtomicOp::CasFailure:
    case AtomicOp::CasSpurious: return checkers::AtomicAccess::Load;
    case AtomicOp::Store:
    case AtomicOp::Init: return checkers::AtomicAccess::Store;
    case AtomicOp::Wait:
    case AtomicOp::NotifyOne:
    case AtomicOp::NotifyAll: return std::nullopt;
    default: return checkers::AtomicAccess::Rmw;
  }
}

bool not_waiting(const void* state, ThreadId self) noexcept {
  const auto& w = static_cast<const AtomicState*>(state)->waiting;
  return std::find(w.begin(), w.end(), self) == w.end();
}
}  // namespace

static_assert(static_cast<int>(Shown::Kind::Bool) == static_cast<int>(sched::ValueKind::Bool));

bool in_execution() noexcept { return Execution::active() != nullptr; }

void forget(Slot& slot) noexcept {
  slot.generation = 0;
  slot.state = nullptr;
  slot.birth_generation = 0;
}

void note_birth(Slot& slot) noexcept {
  Execution* x = Execution::active();
  if (!x || !x->tracking_identities()) return;
  slot.birth = x->birth_identity();
  slot.birth_generation = x->generation();
}

void atomic_point(Slot& slot, AtomicOp op, std::memory_order, source_location where) {
  const sched::tsan::Unseen unseen;
  if (Execution* x = Execution::active()) {
    if (slot.generation != x->generation()) first_binding(*x, slot);
    auto& s = state_of<AtomicState>(*x, slot, ObjectKind::Atomic);
    x->step(op_of(op), s.ref, at(where));
  } else {
    foreign_use(slot, "weft::atomic", where);
  }
}

void atomic_done(Slot& slot, AtomicOp op, std::memory_order order, Shown value, source_location where) {
  const sched::tsan::Unseen unseen;
  if (Execution* x = Execution::active()) {
    if (x->aborting()) return;
    auto& s = state_of<AtomicState>(*x, slot, ObjectKind::Atomic);
    if (checkers::Checks* c = checks(*x))
      if (const auto access = access_of(op)) c->atomic(x->current(), s.clock, *access, order);
    sched::Event& e = x->record(op_of(op), s.ref, at(where), op == AtomicOp::CasSpurious ? sched::kSpurious : 0,
                                sched::kNoThread, order);
    e.value = value.bits;
    e.value_kind = static_cast<sched::ValueKind>(value.kind);
  }
}

bool fails_spuriously() {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  return x && !x->aborting() && x->config().spurious_failures && x->choose_rare(2) == 1;
}

void fence(std::memory_order order, bool signal, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  const OpKind op = signal ? OpKind::SignalFence : OpKind::Fence;
  if (x->step(op, {}, at(where)) == StepResult::Aborted) return;
  if (!signal)
    if (checkers::Checks* c = checks(*x)) c->fence(x->current(), order);
  x->record(op, {}, at(where), 0, sched::kNoThread, order);
}

void atomic_block_until_notified(Slot& slot, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) throw std::logic_error("weft::atomic::wait outside weft::explore or weft::replay would wait forever");
  auto& s = state_of<AtomicState>(*x, slot, ObjectKind::Atomic);
  s.waiting.push_back(x->current());
  sched::Blocker b;
  b.ready = &not_waiting;
  b.state = &s;
  if (x->step(OpKind::Wait, s.ref, at(where), &b) == StepResult::Aborted) return;
  record_op(*x, OpKind::Wake, s.ref, where);
}

void atomic_notify(Slot& slot, bool all, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  auto& s = state_of<AtomicState>(*x, slot, ObjectKind::Atomic);
  const OpKind op = all ? OpKind::NotifyAll : OpKind::NotifyOne;
  if (x->release_step(op, s.ref, at(where)) == StepResult::Aborted) return;
  ThreadId woke = sched::kNoThread;
  if (all) {
    s.waiting.clear();
  } else if (!s.waiting.empty()) {
    const auto i = x->choose(static_cast<std::uint32_t>(s.waiting.size()));
    woke = s.waiting[i];
    s.waiting.erase(s.waiting.begin() + i);
  }
  record_op(*x, op, s.ref, where, 0, woke);
}

VarAccess var_point(Slot& slot, bool write, source_location where) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) {
    foreign_use(slot, "weft::var", where);
    return {};
  }
  if (slot.generation != x->generation()) first_binding(*x, slot);
  auto& s = state_of<VarState>(*x, slot, ObjectKind::Var);
  // Once a var has its first user, only an execution with processes can
  // share it wrongly.
  if ((!s.touched || x->process_count() > 1) && shared_across_processes(*x, s, write, where)) return {};
  // Without race detection the access is a scheduling point, before it;
  // with it, var_done counts it (Execution::access).
  if (!x->config().race_detection &&
      x->step(write ? OpKind::Write : OpKind::Read, s.ref, at(where)) == StepResult::Aborted)
    return {};
  return {x, &s};
}

void var_done(VarAccess access, bool write, Shown value, source_location where) {
  if (!access.execution) return;
  const sched::tsan::Unseen unseen;
  Execution& x = *static_cast<Execution*>(access.execution);
  auto& s = *static_cast<VarState*>(access.state);
  const OpKind op = write ? OpKind::Write : OpKind::Read;
  if (x.aborting()) {
    // The execution is ending: the thread unwinds here (a loop of plain
    // accesses must not run on).
    if (x.config().race_detection) x.count_access(op, s.ref, at(where));
    return;
  }
  if (checkers::Checks* c = checks(x)) {
    if (write) {
      c->write(x, x.current(), s.shadow, s.ref, at(where));
    } else {
      c->read(x, x.current(), s.shadow, s.ref, at(where));
    }
  }
  record_value(x, op, s.ref, std::memory_order_relaxed, value, where);
  // Counted once checked and recorded: a forced yield lets others run after it.
  if (x.config().race_detection) x.count_access(op, s.ref, at(where));
}

}  // namespace weft::detail

namespace weft::chrono {

steady_clock::time_point steady_clock::now() noexcept {
  if (auto* x = weft::detail::Execution::active()) return time_point(duration(x->now()));
  return time_point(std::chrono::duration_cast<duration>(std::chrono::steady_clock::now().time_since_epoch()));
}

}  // namespace weft::chrono
