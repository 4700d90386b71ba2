// The plain-memory entry points of the compilers' ThreadSanitizer
// instrumentation (g++ 12 and clang 14, -fsanitize=thread), defined by weft
// instead of the TSan runtime, which is not linked: every load and store of
// shared memory in instrumented code, the range accesses g++ emits for
// aggregates, virtual-table pointer reads and updates, and each
// instrumented function's entry and exit.
//
// Inside an execution a plain access is checked by weft's happens-before
// race detector over byte ranges (ShadowMemory) and, while the detector is
// on, is not a scheduling point (Execution::access: the reduction of CHESS
// and Relacy); without race detection each access is one. Outside an
// execution, on the scheduler's own stack, and in weft's own work
// (Execution::Uncontrolled) the hooks do nothing.

#include <cstdint>
#include <cstring>

#include "checkers/checks.h"
#include "instrument_seam.h"
#include "scheduler/tsan.h"
#include "instrument_hooks.h"
#include "instrument_state.h"
#include "locations.h"

namespace weft::instrument {

using sched::Execution;
using sched::OpKind;

namespace {
// shown_bits reads the value a read of `size` bytes saw, sign extended;
// only below 8 bytes: 8-byte values are often pointers, which differ from
// process to process and would make traces differ too.
bool shown_bits(const volatile void* address, std::size_t size, std::uint64_t& out) noexcept {
  switch (size) {
    case 1: out = static_cast<std::uint64_t>(*static_cast<const volatile std::int8_t*>(address)); return true;
    case 2: out = static_cast<std::uint64_t>(*static_cast<const volatile std::int16_t*>(address)); return true;
    case 4: out = static_cast<std::uint64_t>(*static_cast<const volatile std::int32_t*>(address)); return true;
    default: return false;
  }
}

// describe_freed_block adds to a UseAfterFree the access just raised where
// the block was allocated and freed, when a program test's heap knows.
void describe_freed_block(Execution& x, const volatile void* address) {
  const sched::FailureRecord* f = x.failure();
  if (!f || f->verdict != sched::Verdict::UseAfterFree || &detail::describe_heap_block == nullptr) return;
  x.add_to_failure(detail::describe_heap_block(const_cast<const void*>(address)));
}
}  // namespace

void plain_access(const volatile void* address, std::size_t size, bool write, const void* caller) {
  Execution* x = program_thread();
  if (!x || size == 0 || ending(*x)) return;
  const sched::tsan::Unseen weft_itself;  // what weft does here (it copies strings...) is not the program's
  State& s = State::of(*x);
  const bool recording = x->recording();
  // Names and lines are only for traces and reports, which come from a
  // recording run (a failing execution is run again to record it).
  const sched::ObjectRef ref = recording ? s.name(*x, address) : sched::ObjectRef{sched::ObjectKind::Var, 0};
  const sched::Location where = recording ? locate(caller) : sched::Location{};
  const OpKind op = write ? OpKind::Write : OpKind::Read;
  try {
    if (x->access(op, ref, where) == sched::StepResult::Aborted) return;
  } catch (const sched::Unwind&) {
    return;  // the execution ends while this thread waited: see ending()
  }
  checkers::Checks* c = checkers::of(*x);
  if (c && c->races()) {
    const sched::ThreadId t = x->current();
    const bool failed_before = x->failure() != nullptr;
    s.memory.visit(reinterpret_cast<std::uintptr_t>(address), size, [&](checkers::VarShadow& v) {
      if (write)
        c->write(*x, t, v, ref, where);
      else
        c->read(*x, t, v, ref, where);
    });
    if (!failed_before) describe_freed_block(*x, address);
  }
  if (!recording) return;
  sched::Event& e = x->record(op, ref, where);
  if (!write && shown_bits(address, size, e.value)) e.value_kind = sched::ValueKind::Signed;
}

void freed_access(const volatile void* address, std::size_t size, const void* caller) {
  Execution* x = program_thread();
  if (!x || size == 0 || ending(*x)) return;
  const sched::tsan::Unseen weft_itself;
  State& s = State::of(*x);
  const bool recording = x->recording();
  const sched::ObjectRef ref = recording ? s.name(*x, address) : sched::ObjectRef{sched::ObjectKind::Var, 0};
  const sched::Location where = recording ? locate(caller) : sched::Location{};
  checkers::Checks* c = checkers::of(*x);
  if (c && c->races()) {
    const sched::ThreadId t = x->current();
    const bool failed_before = x->failure() != nullptr;
    s.memory.visit(reinterpret_cast<std::uintptr_t>(address), size,
                   [&](checkers::VarShadow& v) { c->free(*x, t, v, ref, where); });
    if (!failed_before) describe_freed_block(*x, address);
  }
  if (recording) x->record(OpKind::Write, ref, where);
}

}  // namespace weft::instrument

namespace i = weft::instrument;

// The signatures g++ declares for these as built-ins whenever a sanitizer
// is on (unsigned values, untyped pointers); one symbol per size, as the
// ABI wants, written out by one macro per family.
#define WEFT_PLAIN_ACCESS(size)                                                                               \
  extern "C" void __tsan_read##size(void* a) { i::plain_access(a, size, false, __builtin_return_address(0)); } \
  extern "C" void __tsan_write##size(void* a) { i::plain_access(a, size, true, __builtin_return_address(0)); } \
  extern "C" void __tsan_unaligned_read##size(void* a) {                                                       \
    i::plain_access(a, size, false, __builtin_return_address(0));                                              \
  }                                                                                                            \
  extern "C" void __tsan_unaligned_write##size(void* a) {                                                      \
    i::plain_access(a, size, true, __builtin_return_address(0));                                               \
  }                                                                                                            \
  extern "C" void __tsan_volatile_read##size(void* a) {                                                        \
    i::plain_access(a, size, false, __builtin_return_address(0));                                              \
  }                                                                                                            \
  extern "C" void __tsan_volatile_write##size(void* a) {                                                       \
    i::plain_access(a, size, true, __builtin_return_address(0));                                               \
  }                                                                                                            \
  extern "C" void __tsan_read##size##_pc(void* a, void* pc) { i::plain_access(a, size, false, pc); }           \
  extern "C" void __tsan_write##size##_pc(void* a, void* pc) { i::plain_access(a, size, true, pc); }
WEFT_PLAIN_ACCESS(1)
WEFT_PLAIN_ACCESS(2)
WEFT_PLAIN_ACCESS(4)
WEFT_PLAIN_ACCESS(8)
WEFT_PLAIN_ACCESS(16)
#undef WEFT_PLAIN_ACCESS

// The signatures are g++'s built-in ones (a signed size), which it declares
// whenever a sanitizer is on.
extern "C" void __tsan_read_range(void* a, long n) {
  i::plain_access(a, static_cast<std::size_t>(n), false, __builtin_return_address(0));
}
extern "C" void __tsan_write_range(void* a, long n) {
  i::plain_access(a, static_cast<std::size_t>(n), true, __builtin_return_address(0));
}

// A virtual call reads the object's virtual-table pointer; a constructor or
// destructor writes it, so a virtual call racing with the object's
// destruction is a data race. TSan counts the write only when the pointer
// changes; weft counts it always: memory that weft or the allocator reuses
// across executions may already hold the same pointer, and an execution
// must make the same accesses when it is replayed.
extern "C" void __tsan_vptr_read(void** vptr) { i::plain_access(vptr, sizeof *vptr, false, __builtin_return_address(0)); }
extern "C" void __tsan_vptr_update(void* vptr, void*) {
  i::plain_access(vptr, sizeof(void*), true, __builtin_return_address(0));
}

extern "C" void __tsan_init() {}

// Each instrumented function calls these on entry and on every exit
// (clang also on unwinding; g++ not always, and longjmp skips them): the
// thread's list of instrumented frames is kept by stack pointer, and
// frames at or below a new one are gone whatever was missed.
extern "C" void __tsan_func_entry(void*) {
  weft::sched::Execution* x = i::program_thread();
  if (!x) return;
  const weft::sched::tsan::Unseen weft_itself;
  // The caller's stack pointer at its call: above this frame's saved frame
  // pointer and return address.
  const auto sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)) + 16;
  i::State& s = i::State::of(*x);
  i::ThreadState& thread = s.thread(x->current());
  if (!thread.stack_fresh) [[unlikely]] {
    // Its stack may have been another thread's in this execution: the
    // accesses made there are no accesses to this thread's locals.
    thread.stack_fresh = true;
    if (const weft::sched::Stack* stack = x->current_stack()) {
      const auto low = reinterpret_cast<std::uintptr_t>(stack->base) + stack->guard;
      s.memory.forget(low, reinterpret_cast<std::uintptr_t>(stack->top()) - low);
    }
  }
  auto& frames = thread.frames;
  while (!frames.empty() && frames.back() <= sp) frames.pop_back();
  frames.push_back(sp);
}
extern "C" void __tsan_func_exit(void*) {  // clang's passes nothing; the callee ignores it anyway
  weft::sched::Execution* x = i::program_thread();
  if (!x) return;
  const weft::sched::tsan::Unseen weft_itself;
  const auto sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0)) + 16;
  auto& frames = i::State::of(*x).thread(x->current()).frames;
  while (!frames.empty() && frames.back() <= sp) frames.pop_back();
}
