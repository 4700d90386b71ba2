#pragma once
// The narrow interface between weft's public templates and its engine.
// Users never call these; they exist so that atomic<T> and var<T> can stay
// header-only templates while the engine stays private.

#include <atomic>
#include <cstdint>
#include <type_traits>

#include "weft/source_location.h"

// WEFT_UNSEEN_BY_TSAN keeps ThreadSanitizer's instrumentation out of a
// function of weft's headers that touches memory weft synchronizes itself
// (compilers do not inline such a function into instrumented code).
#if defined(__clang__) || defined(__GNUC__)
#define WEFT_UNSEEN_BY_TSAN __attribute__((no_sanitize("thread")))
#else
#define WEFT_UNSEEN_BY_TSAN
#endif

namespace weft::detail {

// Slot binds a primitive object to its state inside the current execution.
// The execution owns that state and discards it when it ends; a slot whose
// generation is not the running execution's is rebound on first use, so a
// primitive that outlives one execution (a static, say) starts fresh in the
// next.
struct Slot;
// note_birth marks a slot constructed on a weft thread (see Slot::birth).
void note_birth(Slot& slot) noexcept;

struct Slot {
  std::uint64_t generation = 0;
  void* state = nullptr;
  // birth: how a search that compares executions (dpor) knows the object
  // again in another execution, when it was constructed inside the one of
  // birth_generation: the thread that made it and how many objects that
  // thread had made. A heap object's address can differ between
  // executions; its maker and rank cannot, as long as the program does the
  // same.
  std::uint64_t birth = 0;
  std::uint64_t birth_generation = 0;

  constexpr Slot() noexcept {
    if (!std::is_constant_evaluated()) note_birth(*this);
  }
};

// Shown is a value as the trace prints it: integers, enums and bools only,
// so that no address ever reaches a trace.
struct Shown {
  enum class Kind : std::uint8_t { None, Unsigned, Signed, Bool };
  std::uint64_t bits = 0;
  Kind kind = Kind::None;
};

template <class T>
Shown show(const T& value) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    return Shown{value ? 1u : 0u, Shown::Kind::Bool};
  } else if constexpr (std::is_enum_v<T>) {
    return show(static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return Shown{static_cast<std::uint64_t>(static_cast<std::int64_t>(value)), Shown::Kind::Signed};
  } else if constexpr (std::is_integral_v<T>) {
    return Shown{static_cast<std::uint64_t>(value), Shown::Kind::Unsigned};
  } else {
    return Shown{};
  }
}

// AtomicOp names the operations of weft::atomic as they appear in traces.
enum class AtomicOp : std::uint8_t {
  Load, Store, Exchange, CasSuccess, CasFailure, FetchAdd, FetchSub,
  FetchAnd, FetchOr, FetchXor, Wait, NotifyOne, NotifyAll, Init,
  CasSpurious,  // a compare_exchange_weak that failed with the values equal
};

// in_execution is true while a weft execution runs on this OS thread and
// the caller is one of its threads.
bool in_execution() noexcept;

// atomic_point is the scheduling point before an atomic operation.
void atomic_point(Slot& slot, AtomicOp op, std::memory_order order, source_location where);
// atomic_done records the operation once it took effect; `value` is what it
// read or wrote.
void atomic_done(Slot& slot, AtomicOp op, std::memory_order order, Shown value,
                 source_location where);
// fails_spuriously is asked by a compare_exchange_weak that found the
// values equal, after its scheduling point: whether it fails all the same,
// as an explored choice (Options::spurious_failures).
bool fails_spuriously();
// fence is a scheduling point and an event for atomic_thread_fence
// (`signal` false) and atomic_signal_fence, with the happens-before a
// thread fence adds for the race detector.
void fence(std::memory_order order, bool signal, source_location where);
// atomic_block_until_notified blocks the calling thread until a notify_one
// or notify_all on the same atomic picks it.
void atomic_block_until_notified(Slot& slot, source_location where);
// atomic_notify wakes one or all threads blocked in atomic_block_until_notified.
void atomic_notify(Slot& slot, bool all, source_location where);

// VarAccess is what var_point hands var_done: the execution and the var's
// state in it, or nulls when the access is none of weft's.
struct VarAccess {
  void* execution = nullptr;
  void* state = nullptr;
};
// var_point is the scheduling point before a plain (non-atomic) access;
// var_done checks and records it.
VarAccess var_point(Slot& slot, bool write, source_location where);
void var_done(VarAccess access, bool write, Shown value, source_location where);

// forget marks a primitive's state as gone with its object.
void forget(Slot& slot) noexcept;

}  // namespace weft::detail
