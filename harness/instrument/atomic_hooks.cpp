// The atomic entry points of the compilers' ThreadSanitizer instrumentation:
// every std::atomic (and C11 atomic) operation of instrumented code, of
// every width the compilers emit (8 to 64 bits; 128 bits below), and the
// fences. Inside an execution each is a scheduling point and an event with
// its memory order, and gives the race detector the edges its order
// creates, as weft::atomic's operations do. An operation that reads the
// value its thread read at the same atomic last time is a spin: its
// scheduling point yields (the others run first, PCT demotes it), so a
// correct spin-wait ends and one that cannot is a Hang after
// Options::max_steps. g++'s compare_exchange_weak may fail spuriously, as
// an explored choice (Options::spurious_failures); clang's
// instrumentation does not tell weak from strong, so with clang it never
// does.
//
// The operations themselves are real atomic instructions: instrumented
// code also runs outside executions, where other OS threads may share the
// memory; inside one, a single OS thread runs every weft thread.

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "checkers/checks.h"
#include "scheduler/tsan.h"
#include "instrument_state.h"
#include "locations.h"

namespace weft::instrument {

namespace {

using sched::Execution;
using sched::OpKind;

std::memory_order order_of(int mo) noexcept {
  switch (mo & 0xffff) {  // g++ may add HLE bits above
    case 0: return std::memory_order_relaxed;
    case 1: return std::memory_order_consume;
    case 2: return std::memory_order_acquire;
    case 3: return std::memory_order_release;
    case 4: return std::memory_order_acq_rel;
    default: return std::memory_order_seq_cst;
  }
}

checkers::AtomicAccess access_of(OpKind op) noexcept {
  switch (op) {
    case OpKind::Load:
    case OpKind::CasFailure: return checkers::AtomicAccess::Load;
    case OpKind::Store: return checkers::AtomicAccess::Store;
    default: return checkers::AtomicAccess::Rmw;
  }
}

// Point is one atomic operation: the scheduling point before it (the
// constructor, given the value the operation is about to read) and its
// event after it (done, given the value it read and the value to show).
class Point {
 public:
  template <class T>
  Point(const volatile T* address, OpKind op, const void* caller, T now) : x_(program_thread()) {
    if (x_ && ending(*x_)) x_ = nullptr;
    if (!x_) return;
    const sched::tsan::Unseen weft_itself;
    State& s = State::of(*x_);
    shadow_ = &s.atomic(*x_, address);
    where_ = x_->recording() ? locate(caller) : sched::Location{};
    const sched::ThreadId t = x_->current();
    const bool reads = op != OpKind::Store;
    const bool spinning = reads && t < shadow_->seen.size() && shadow_->seen[t] == bits(now) + 1;
    try {
      x_->step(op, shadow_->ref, where_, nullptr, sched::kNever, spinning);
    } catch (const sched::Unwind&) {
      // The execution ends while this thread waited: see ending().
    }
  }
  Point(const Point&) = delete;
  Point& operator=(const Point&) = delete;

  bool inside() const noexcept { return x_ && !x_->aborting(); }

  // fails_spuriously: a weak compare-exchange that found the values equal
  // fails all the same (an explored choice).
  bool fails_spuriously() {
    if (!inside() || !x_->config().spurious_failures) return false;
    const sched::tsan::Unseen weft_itself;
    try {
      return x_->choose_rare(2) == 1;
    } catch (const sched::Unwind&) {  // a replay that does not fit: the execution ends
      return false;
    }
  }

  template <class T>
  void done(OpKind op, std::memory_order order, T read, T shown, std::uint8_t flags = 0) {
    if (!inside()) return;
    const sched::tsan::Unseen weft_itself;
    const sched::ThreadId t = x_->current();
    if (op != OpKind::Store) {
      if (t >= shadow_->seen.size()) shadow_->seen.resize(t + 1, 0);
      shadow_->seen[t] = bits(read) + 1;
    }
    if (checkers::Checks* c = checkers::of(*x_)) c->atomic(t, shadow_->clock, access_of(op), order);
    if (!x_->recording()) return;  // nothing waits on these objects: only traces need the event
    sched::Event& e = x_->record(op, shadow_->ref, where_, flags, sched::kNoThread, order);
    if constexpr (sizeof(T) < 8) {  // the signed value of its size, as plain reads show it
      e.value = static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::make_signed_t<T>>(shown)));
      e.value_kind = sched::ValueKind::Signed;
    }
  }

 private:
  template <class T>
  static std::uint64_t bits(T v) noexcept {
    return static_cast<std::uint64_t>(v);
  }

  Execution* x_;
  AtomicShadow* shadow_ = nullptr;
  sched::Location where_;
};

template <class T>
T peek(const volatile T* a) noexcept {
  return __atomic_load_n(a, __ATOMIC_RELAXED);
}

template <class T>
T load(const volatile T* a, int mo, const void* caller) {
  Point p(a, OpKind::Load, caller, peek(a));
  const T v = __atomic_load_n(a, __ATOMIC_SEQ_CST);
  p.done(OpKind::Load, order_of(mo), v, v);
  return v;
}

template <class T>
void store(volatile T* a, T v, int mo, const void* caller) {
  Point p(a, OpKind::Store, caller, peek(a));
  __atomic_store_n(a, v, __ATOMIC_SEQ_CST);
  p.done(OpKind::Store, order_of(mo), v, v);
}

template <class T, class F>
T rmw(volatile T* a, T v, int mo, OpKind kind, F f, const void* caller) {
  Point p(a, kind, caller, peek(a));
  T old = __atomic_load_n(a, __ATOMIC_SEQ_CST);
  while (!__atomic_compare_exchange_n(a, &old, static_cast<T>(f(old, v)), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  p.done(kind, order_of(mo), old, static_cast<T>(f(old, v)));
  return old;
}

// cas compares *a with *expected and, if equal (and no spurious failure is
// chosen for a weak one), stores `desired`; else it writes what it saw to
// *expected. Returns whether it stored.
template <class T>
bool cas(volatile T* a, T* expected, T desired, int mo, int failure_mo, bool weak, const void* caller) {
  Point p(a, OpKind::CasSuccess, caller, peek(a));
  // Inside an execution no other thread runs between this look and the
  // exchange below.
  if (weak && p.inside() && peek(a) == *expected && p.fails_spuriously()) {
    p.done(OpKind::CasFailure, order_of(failure_mo), *expected, *expected, sched::kSpurious);
    return false;
  }
  T seen = *expected;
  if (__atomic_compare_exchange_n(a, &seen, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    p.done(OpKind::CasSuccess, order_of(mo), seen, desired);
    return true;
  }
  *expected = seen;
  p.done(OpKind::CasFailure, order_of(failure_mo), seen, seen);
  return false;
}

// fence is atomic_thread_fence (signal: atomic_signal_fence) in
// instrumented code.
void fence(int mo, bool signal, const void* caller) {
  Execution* x = program_thread();
  if (!x || ending(*x)) return;
  const sched::tsan::Unseen weft_itself;
  const OpKind op = signal ? OpKind::SignalFence : OpKind::Fence;
  const sched::Location where = x->recording() ? locate(caller) : sched::Location{};
  try {
    if (x->step(op, {}, where) == sched::StepResult::Aborted || x->aborting()) return;
  } catch (const sched::Unwind&) {
    return;
  }
  if (!signal)
    if (checkers::Checks* c = checkers::of(*x)) c->fence(x->current(), order_of(mo));
  x->record(op, {}, where, 0, sched::kNoThread, order_of(mo));
}

}  // namespace

}  // namespace weft::instrument

namespace i = weft::instrument;
using weft::sched::OpKind;

#define WEFT_ATOMICS(bits, U)                                                                                     \
  extern "C" U __tsan_atomic##bits##_load(const volatile void* a, int mo) {                                       \
    return i::load(static_cast<const volatile U*>(a), mo, __builtin_return_address(0));                           \
  }                                                                                                               \
  extern "C" void __tsan_atomic##bits##_store(volatile void* a, U v, int mo) {                                    \
    i::store(static_cast<volatile U*>(a), v, mo, __builtin_return_address(0));                                    \
  }                                                                                                               \
  extern "C" U __tsan_atomic##bits##_exchange(volatile void* a, U v, int mo) {                                    \
    return i::rmw(static_cast<volatile U*>(a), v, mo, OpKind::Exchange, [](U, U n) { return n; },                 \
                  __builtin_return_address(0));                                                                   \
  }                                                                                                               \
  extern "C" U __tsan_atomic##bits##_fetch_add(volatile void* a, U v, int mo) {                                   \
    return i::rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchAdd, [](U o, U n) { return o + n; },          \
                  __builtin_return_address(0));                                                                   \
  }                                                                                                               \
  extern "C" U __tsan_atomic##bits##_fetch_sub(volatile void* a, U v, int mo) {                                   \
    return i::rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchSub, [](U o, U n) { return o - n; },          \
                  __builtin_return_address(0));                                                                   \
  }                                                                                                               \
  extern "C" U __tsan_atomic##bits##_fetch_and(volatile void* a, U v, int mo) {                                   \
    return i::rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchAnd, [](U o, U n) { return o & n; },          \
                  __builtin_return_address(0));                                                                   \
  }                                                                                                               \
  extern "C" U __tsan_atomic##bits##_fetch_or(volatile void* a, U v, int mo) {                                    \
    return i::rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchOr, [](U o, U n) { return o | n; },           \
                  __builtin_return_address(0));                                                                   \
  }                                                                                                               \
  extern "C" U __tsan_atomic##bits##_fetch_xor(volatile void* a, U v, int mo) {                                   \
    return i::rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchXor, [](U o, U n) { return o ^ n; },          \
                  __builtin_return_address(0));                                                                   \
  }                                                                                                               \
  extern "C" U __tsan_atomic##bits##_fetch_nand(volatile void* a, U v, int mo) {                                  \
    return i::rmw(static_cast<volatile U*>(a), v, mo, OpKind::FetchAnd, [](U o, U n) { return ~(o & n); },       \
                  __builtin_return_address(0));                                                                   \
  }                                                                                                               \
  extern "C" bool __tsan_atomic##bits##_compare_exchange_strong(volatile void* a, void* c, U v, int mo, int fmo) { \
    return i::cas(static_cast<volatile U*>(a), static_cast<U*>(c), v, mo, fmo, false, __builtin_return_address(0)); \
  }                                                                                                               \
  extern "C" bool __tsan_atomic##bits##_compare_exchange_weak(volatile void* a, void* c, U v, int mo, int fmo) {   \
    return i::cas(static_cast<volatile U*>(a), static_cast<U*>(c), v, mo, fmo, true, __builtin_return_address(0));  \
  }                                                                                                               \
  extern "C" U __tsan_atomic##bits##_compare_exchange_val(volatile void* a, U c, U v, int mo, int fmo) {          \
    i::cas(static_cast<volatile U*>(a), &c, v, mo, fmo, false, __builtin_return_address(0));                      \
    return c;                                                                                                     \
  }
WEFT_ATOMICS(8, unsigned char)
WEFT_ATOMICS(16, unsigned short)
WEFT_ATOMICS(32, unsigned int)
WEFT_ATOMICS(64, unsigned long)
#undef WEFT_ATOMICS

extern "C" void __tsan_atomic_thread_fence(int mo) { i::fence(mo, false, __builtin_return_address(0)); }
extern "C" void __tsan_atomic_signal_fence(int mo) { i::fence(mo, true, __builtin_return_address(0)); }

// 128-bit atomics (g++ with -mcx16) are taken as plain code, as bad input:
// no scheduling point, no event, atomic among themselves through one lock.
namespace {
__extension__ typedef unsigned __int128 U128;
std::atomic_flag wide_busy = ATOMIC_FLAG_INIT;
struct WideLock {
  WideLock() noexcept {
    while (wide_busy.test_and_set(std::memory_order_acquire)) {
    }
  }
  ~WideLock() { wide_busy.clear(std::memory_order_release); }
};
}  // namespace

// The pointers are void*, as g++ declares these built-ins in sanitizer builds.
namespace {
volatile U128* wide(volatile void* p) noexcept { return static_cast<volatile U128*>(p); }
}  // namespace

extern "C" U128 __tsan_atomic128_load(const volatile void* a, int) {
  const WideLock hold;
  return *static_cast<const volatile U128*>(a);
}
extern "C" void __tsan_atomic128_store(volatile void* a, U128 v, int) {
  const WideLock hold;
  *wide(a) = v;
}
#define WEFT_WIDE_RMW(name, expr)                                            \
  extern "C" U128 __tsan_atomic128_##name(volatile void* a, U128 v, int) { \
    const WideLock hold;                                                    \
    const U128 o = *wide(a);                                                \
    *wide(a) = (expr);                                                      \
    return o;                                                               \
  }
WEFT_WIDE_RMW(exchange, v)
WEFT_WIDE_RMW(fetch_add, o + v)
WEFT_WIDE_RMW(fetch_sub, o - v)
WEFT_WIDE_RMW(fetch_and, o & v)
WEFT_WIDE_RMW(fetch_or, o | v)
WEFT_WIDE_RMW(fetch_xor, o ^ v)
WEFT_WIDE_RMW(fetch_nand, ~(o & v))
#undef WEFT_WIDE_RMW
extern "C" bool __tsan_atomic128_compare_exchange_strong(volatile void* a, void* expected, U128 v, int, int) {
  const WideLock hold;
  U128* c = static_cast<U128*>(expected);
  if (*wide(a) == *c) {
    *wide(a) = v;
    return true;
  }
  *c = *wide(a);
  return false;
}
extern "C" bool __tsan_atomic128_compare_exchange_weak(volatile void* a, void* c, U128 v, int mo, int fmo) {
  return __tsan_atomic128_compare_exchange_strong(a, c, v, mo, fmo);
}
extern "C" U128 __tsan_atomic128_compare_exchange_val(volatile void* a, U128 c, U128 v, int mo, int fmo) {
  __tsan_atomic128_compare_exchange_strong(a, &c, v, mo, fmo);
  return c;
}
