// The plain memory accesses of a program, made visible: the program is
// compiled with -fsanitize=thread but linked without ThreadSanitizer's
// runtime, so the compiler's instrumentation calls these definitions (the
// driver's, exported to the program) before every load and store of shared
// memory and for every atomic operation. Inside an execution each one is a
// scheduling point and an event: plain accesses as var.read / var.write of
// an object per address, atomics as atomic.* with their memory order. So the
// interleavings between a read and a write are explored, and the race
// detector sees the program's accesses. Outside an execution they do
// nothing (plain accesses) or just the operation (atomics).
//
// What stays invisible: accesses inside uninstrumented code (the C library:
// memcpy, printf, ...), and copies clang lowers to memcpy calls.

#include <cstdint>
#include <cstring>
#include <mutex>
#include <type_traits>
#include <unordered_map>

#include "checkers/checks.h"
#include "scheduler/execution.h"
#include "symbols.h"

namespace weft::program {

namespace {

using sched::Execution;
using sched::ObjectKind;
using sched::ObjectRef;
using sched::OpKind;

// Shadow is what weft keeps of one address in the running execution: the
// object that names it in events ("var#3"), first use first, and what the
// race detector knows of it.
struct Shadow {
  ObjectRef ref;
  checkers::VarShadow var;      // a plain address's accesses
  checkers::VectorClock clock;  // an atomic's release sequence
};

// Objects maps the addresses accessed in the running execution to their
// shadows. Process-wide because the hooks carry no context; guarded since
// explorations may run on several OS threads (they would then only rename
// each other's objects).
class Objects {
 public:
  Shadow& of(Execution& x, const volatile void* address, ObjectKind kind) {
    const std::lock_guard<std::mutex> hold(guard_);
    if (generation_ != x.generation()) {
      generation_ = x.generation();
      shadows_.clear();
    }
    const auto key = reinterpret_cast<std::uintptr_t>(address) << 1 | (kind == ObjectKind::Atomic ? 1 : 0);
    auto [it, added] = shadows_.try_emplace(key);
    if (added) {
      it->second.ref = x.name_object(kind);
      x.bind_address(it->second.ref, const_cast<const void*>(address));
    }
    return it->second;
  }

 private:
  std::mutex guard_;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::uintptr_t, Shadow> shadows_;  // node-based: a Shadow stays where it is
};

// shadow_of finds the shadow of `address` in the map; the lock and the
// guard of its first use are weft's, not the program's, so they run
// uncontrolled.
Shadow& shadow_of(Execution& x, const volatile void* address, ObjectKind kind) {
  const Execution::Uncontrolled weft_itself;
  static Objects o;
  return o.of(x, address, kind);
}

// shown_bits reads the value a load of `size` bytes is about to read, sign
// extended; only sizes below 8, since 8-byte values are often pointers, and
// an address in the trace would differ from process to process.
__attribute__((no_sanitize("address"))) bool shown_bits(const volatile void* address, unsigned size,
                                                        std::uint64_t& out) noexcept {
  switch (size) {
    case 1: out = static_cast<std::uint64_t>(*static_cast<const volatile std::int8_t*>(address)); return true;
    case 2: out = static_cast<std::uint64_t>(*static_cast<const volatile std::int16_t*>(address)); return true;
    case 4: out = static_cast<std::uint64_t>(*static_cast<const volatile std::int32_t*>(address)); return true;
    default: return false;
  }
}

void plain_access(const volatile void* address, unsigned size, bool write, const void* caller) {
  Execution* x = Execution::active();
  if (!x || x->aborting()) return;
  Shadow& shadow = shadow_of(*x, address, ObjectKind::Var);
  const ObjectRef ref = shadow.ref;
  const sched::Location where = verifier::caller_location(caller);
  const OpKind op = write ? OpKind::Write : OpKind::Read;
  if (x->access(op, ref, where) == sched::StepResult::Aborted) return;
  if (checkers::Checks* c = checkers::of(*x)) {
    if (write) {
      c->write(*x, x->current(), shadow.var, ref, where);
    } else {
      c->read(*x, x->current(), shadow.var, ref, where);
    }
  }
  sched::Event& e = x->record(op, ref, where);
  if (!write && shown_bits(address, size, e.value)) e.value_kind = sched::ValueKind::Signed;
}

std::memory_order order_of(int mo) noexcept {
  switch (mo) {
    case 0: return std::memory_order_relaxed;
    case 1: return std::memory_order_consume;
    case 2: return std::memory_order_acquire;
    case 3: return std::memory_order_release;
    case 4: return std::memory_order_acq_rel;
    default: return std::memory_order_seq_cst;
  }
}

// AtomicPoint is one atomic operation of the program: the scheduling point
// before it (constructor) and its event after it (done).
class AtomicPoint {
 public:
  AtomicPoint(const volatile void* address, OpKind op, int mo, const void* caller)
      : x_(Execution::active()), op_(op), order_(order_of(mo)) {
    if (!x_ || x_->aborting()) {
      x_ = nullptr;
      return;
    }
    shadow_ = &shadow_of(*x_, address, ObjectKind::Atomic);
    ref_ = shadow_->ref;
    where_ = verifier::caller_location(caller);
    x_->step(op_, ref_, where_);
  }
  template <class T>
  T done(T value, OpKind op) {
    if (x_ && !x_->aborting()) {
      if (checkers::Checks* c = checkers::of(*x_)) {
        const checkers::AtomicAccess access = op == OpKind::Load || op == OpKind::CasFailure ? checkers::AtomicAccess::Load
                                              : op == OpKind::Store                       ? checkers::AtomicAccess::Store
                                                                                          : checkers::AtomicAccess::Rmw;
        c->atomic(x_->current(), shadow_->clock, access, order_);
      }
      sched::Event& e = x_->record(op, ref_, where_);
      e.order = order_;
      if constexpr (sizeof(T) < 8) {  // shown as the signed value of its size, like plain reads
        e.value = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::make_signed_t<T>>(value)));
        e.value_kind = sched::ValueKind::Signed;
      }
    }
    return value;
  }

 private:
  Execution* x_;
  OpKind op_;
  std::memory_order order_;
  Shadow* shadow_ = nullptr;
  ObjectRef ref_;
  sched::Location where_;
};

// The operations themselves: one OS thread runs every weft thread, so any
// atomic instruction will do; seq_cst keeps the program's own view exact
// when it also runs outside an execution.
template <class T>
T atomic_load(const volatile T* a, int mo, const void* caller) {
  AtomicPoint p(a, OpKind::Load, mo, caller);
  return p.done(__atomic_load_n(a, __ATOMIC_SEQ_CST), OpKind::Load);
}

template <class T>
void atomic_store(volatile T* a, T v, int mo, const void* caller) {
  AtomicPoint p(a, OpKind::Store, mo, caller);
  __atomic_store_n(a, v, __ATOMIC_SEQ_CST);
  p.done(v, OpKind::Store);
}

template <class T, class Op>
T atomic_rmw(volatile T* a, T v, int mo, OpKind kind, Op op, const void* caller) {
  AtomicPoint p(a, kind, mo, caller);
  T old = __atomic_load_n(a, __ATOMIC_SEQ_CST);
  __atomic_store_n(a, static_cast<T>(op(old, v)), __ATOMIC_SEQ_CST);
  return p.done(old, kind);
}

// atomic_cas compares *a with *expected and, if equal, stores v; else it
// writes what it saw to *expected. Returns whether it stored.
template <class T>
bool atomic_cas(volatile T* a, T* expected, T v, int mo, const void* caller) {
  AtomicPoint p(a, OpKind::CasSuccess, mo, caller);
  const T seen = __atomic_load_n(a, __ATOMIC_SEQ_CST);
  const bool equal = seen == *expected;
  if (equal)
    __atomic_store_n(a, v, __ATOMIC_SEQ_CST);
  else
    *expected = seen;
  p.done(seen, equal ? OpKind::CasSuccess : OpKind::CasFailure);
  return equal;
}

}  // namespace

}  // namespace weft::program

namespace p = weft::program;
using weft::sched::OpKind;

// The instrumentation's entry points, with the signatures g++ declares for
// them as built-ins (unsigned values, untyped pointers) whenever a sanitizer
// is on. Each family is written out by one macro, since the ABI wants one
// symbol per size.
#define WEFT_PLAIN_ACCESS(size)                                                                               \
  extern "C" void __tsan_read##size(void* a) { p::plain_access(a, size, false, __builtin_return_address(0)); } \
  extern "C" void __tsan_write##size(void* a) { p::plain_access(a, size, true, __builtin_return_address(0)); } \
  extern "C" void __tsan_unaligned_read##size(void* a) {                                                       \
    p::plain_access(a, size, false, __builtin_return_address(0));                                              \
  }                                                                                                            \
  extern "C" void __tsan_unaligned_write##size(void* a) {                                                      \
    p::plain_access(a, size, true, __builtin_return_address(0));                                               \
  }                                                                                                            \
  extern "C" void __tsan_volatile_read##size(void* a) {                                                        \
    p::plain_access(a, size, false, __builtin_return_address(0));                                              \
  }                                                                                                            \
  extern "C" void __tsan_volatile_write##size(void* a) {                                                       \
    p::plain_access(a, size, true, __builtin_return_address(0));                                               \
  }
WEFT_PLAIN_ACCESS(1)
WEFT_PLAIN_ACCESS(2)
WEFT_PLAIN_ACCESS(4)
WEFT_PLAIN_ACCESS(8)
WEFT_PLAIN_ACCESS(16)
#undef WEFT_PLAIN_ACCESS

extern "C" void __tsan_read_range(void* a, long) { p::plain_access(a, 0, false, __builtin_return_address(0)); }
extern "C" void __tsan_write_range(void* a, long) { p::plain_access(a, 0, true, __builtin_return_address(0)); }
extern "C" void __tsan_init() {}
extern "C" void __tsan_func_entry(void*) {}
extern "C" void __tsan_func_exit(void*) {}  // clang's passes nothing, which the callee ignores anyway
extern "C" void __tsan_vptr_read(void*) {}
extern "C" void __tsan_vptr_update(void*, void*) {}
extern "C" void __tsan_atomic_thread_fence(int) {}
extern "C" void __tsan_atomic_signal_fence(int) {}

#define WEFT_ATOMICS(bits, U)                                                                                    \
  extern "C" U __tsan_atomic##bits##_load(const volatile void* a, int mo) {                                      \
    return p::atomic_load(static_cast<const volatile U*>(a), mo, __builtin_return_address(0));                   \
  }                                                                                                              \
  extern "C" void __tsan_atomic##bits##_store(volatile void* a, U v, int mo) {                                   \
    p::atomic_store(static_cast<volatile U*>(a), v, mo, __builtin_return_address(0));                            \
  }                                                                                                              \
  extern "C" U __tsan_atomic##bits##_exchange(volatile void* a, U v, int mo) {                                   \
    return p::atomic_rmw(static_cast<volatile U*>(a), v, mo, OpKind::Exchange, [](U, U n) { return n; },         \
                         __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" U __tsan_atomic##bits##_fetch_add(volatile void* a, U v, int mo) {                                  \
    return p::atomic_rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchAdd, [](U o, U n) { return o + n; },   \
                         __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" U __tsan_atomic##bits##_fetch_sub(volatile void* a, U v, int mo) {                                  \
    return p::atomic_rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchSub, [](U o, U n) { return o - n; },   \
                         __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" U __tsan_atomic##bits##_fetch_and(volatile void* a, U v, int mo) {                                  \
    return p::atomic_rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchAnd, [](U o, U n) { return o & n; },   \
                         __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" U __tsan_atomic##bits##_fetch_or(volatile void* a, U v, int mo) {                                   \
    return p::atomic_rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchOr, [](U o, U n) { return o | n; },    \
                         __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" U __tsan_atomic##bits##_fetch_xor(volatile void* a, U v, int mo) {                                  \
    return p::atomic_rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchXor, [](U o, U n) { return o ^ n; },   \
                         __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" U __tsan_atomic##bits##_fetch_nand(volatile void* a, U v, int mo) {                                 \
    return p::atomic_rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchAnd, [](U o, U n) { return ~(o & n); }, \
                         __builtin_return_address(0));                                                           \
  }                                                                                                              \
  extern "C" bool __tsan_atomic##bits##_compare_exchange_strong(volatile void* a, void* c, U v, int mo, int) {   \
    return p::atomic_cas(static_cast<volatile U*>(a), static_cast<U*>(c), v, mo, __builtin_return_address(0));   \
  }                                                                                                              \
  extern "C" bool __tsan_atomic##bits##_compare_exchange_weak(volatile void* a, void* c, U v, int mo, int) {     \
    return p::atomic_cas(static_cast<volatile U*>(a), static_cast<U*>(c), v, mo, __builtin_return_address(0));   \
  }                                                                                                              \
  extern "C" U __tsan_atomic##bits##_compare_exchange_val(volatile void* a, U c, U v, int mo, int) {             \
    p::atomic_cas(static_cast<volatile U*>(a), &c, v, mo, __builtin_return_address(0));                          \
    return c;                                                                                                    \
  }
WEFT_ATOMICS(8, unsigned char)
WEFT_ATOMICS(16, unsigned short)
WEFT_ATOMICS(32, unsigned int)
WEFT_ATOMICS(64, unsigned long)
#undef WEFT_ATOMICS
