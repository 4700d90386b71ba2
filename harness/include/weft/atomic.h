#pragma once
// weft::atomic<T> and weft::atomic_flag: every operation is a scheduling
// point and an event with its memory order. Executions are sequentially
// consistent; memory orders are recorded for the checkers.

#include <atomic>
#include <cstddef>
#include <type_traits>

#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
constexpr std::memory_order failure_order_of(std::memory_order order) noexcept {
  return order == std::memory_order_acq_rel   ? std::memory_order_acquire
         : order == std::memory_order_release ? std::memory_order_relaxed
                                              : order;
}
}  // namespace detail

// atomic<T> mirrors std::atomic<T> for trivially copyable T. Members that
// C++ gives no room for a location argument (operators, conversion) record
// the location of this header's caller as unknown; prefer the named members
// where the trace should point at your line.
template <class T>
class atomic {
  static_assert(std::is_trivially_copyable_v<T>, "weft::atomic<T> requires a trivially copyable T");

 template <class U>
  using difference_type_of = std::conditional_t<std::is_pointer_v<U>, std::ptrdiff_t, U>;

 public:
  using value_type = T;
  static constexpr bool is_always_lock_free = true;

  constexpr atomic() noexcept(std::is_nothrow_default_constructible_v<T>) : value_() {}
  constexpr atomic(T desired) noexcept : value_(desired) {}
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;
  ~atomic() { detail::forget(slot_); }

  bool is_lock_free() const noexcept { return true; }

  T load(std::memory_order order = std::memory_order_seq_cst,
         source_location where = source_location::current()) const {
    detail::atomic_point(slot_, detail::AtomicOp::Load, order, where);
    T v = peek();
    detail::atomic_done(slot_, detail::AtomicOp::Load, order, detail::show(v), where);
    return v;
  }
  operator T() const { return load(std::memory_order_seq_cst, unknown()); }

  void store(T desired, std::memory_order order = std::memory_order_seq_cst,
             source_location where = source_location::current()) {
    detail::atomic_point(slot_, detail::AtomicOp::Store, order, where);
    poke(desired);
    detail::atomic_done(slot_, detail::AtomicOp::Store, order, detail::show(desired), where);
  }
  T operator=(T desired) {
    store(desired, std::memory_order_seq_cst, unknown());
    return desired;
  }

  T exchange(T desired, std::memory_order order = std::memory_order_seq_cst,
             source_location where = source_location::current()) {
    detail::atomic_point(slot_, detail::AtomicOp::Exchange, order, where);
    T old = peek();
    poke(desired);
    detail::atomic_done(slot_, detail::AtomicOp::Exchange, order, detail::show(desired), where);
    return old;
  }

  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure,
                               source_location where = source_location::current()) {
    detail::atomic_point(slot_, detail::AtomicOp::CasSuccess, success, where);
    const T current = peek();
    if (equal(current, expected)) {
      poke(desired);
      detail::atomic_done(slot_, detail::AtomicOp::CasSuccess, success, detail::show(desired), where);
      return true;
    }
    expected = current;
    detail::atomic_done(slot_, detail::AtomicOp::CasFailure, failure, detail::show(expected), where);
    return false;
  }
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst,
                               source_location where = source_location::current()) {
    return compare_exchange_strong(expected, desired, order, detail::failure_order_of(order), where);
  }
  // compare_exchange_weak may fail although the values are equal, as the
  // standard allows: an explored choice while Options::spurious_failures is
  // on (the default). It then leaves `expected` as it was.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure,
                             source_location where = source_location::current()) {
    detail::atomic_point(slot_, detail::AtomicOp::CasSuccess, success, where);
    const T current = peek();
    if (!equal(current, expected)) {
      expected = current;
      detail::atomic_done(slot_, detail::AtomicOp::CasFailure, failure, detail::show(expected), where);
      return false;
    }
    if (detail::fails_spuriously()) {
      detail::atomic_done(slot_, detail::AtomicOp::CasSpurious, failure, detail::show(current), where);
      return false;
    }
    poke(desired);
    detail::atomic_done(slot_, detail::AtomicOp::CasSuccess, success, detail::show(desired), where);
    return true;
  }
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst,
                             source_location where = source_location::current()) {
    return compare_exchange_weak(expected, desired, order, detail::failure_order_of(order), where);
  }

  // Arithmetic and bitwise read-modify-writes for integers; additive ones
  // for floating-point types and for pointers (in elements, as std does).
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U> ||
                                                  std::is_floating_point_v<U>>>
  T fetch_add(difference_type_of<U> arg, std::memory_order order = std::memory_order_seq_cst,
              source_location where = source_location::current()) {
    return rmw(detail::AtomicOp::FetchAdd, order, where, [arg](T v) { return static_cast<T>(v + arg); });
  }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U> ||
                                                  std::is_floating_point_v<U>>>
  T fetch_sub(difference_type_of<U> arg, std::memory_order order = std::memory_order_seq_cst,
              source_location where = source_location::current()) {
    return rmw(detail::AtomicOp::FetchSub, order, where, [arg](T v) { return static_cast<T>(v - arg); });
  }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_and(T arg, std::memory_order order = std::memory_order_seq_cst,
              source_location where = source_location::current()) {
    return rmw(detail::AtomicOp::FetchAnd, order, where, [arg](T v) { return static_cast<T>(v & arg); });
  }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_or(T arg, std::memory_order order = std::memory_order_seq_cst,
             source_location where = source_location::current()) {
    return rmw(detail::AtomicOp::FetchOr, order, where, [arg](T v) { return static_cast<T>(v | arg); });
  }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
  T fetch_xor(T arg, std::memory_order order = std::memory_order_seq_cst,
              source_location where = source_location::current()) {
    return rmw(detail::AtomicOp::FetchXor, order, where, [arg](T v) { return static_cast<T>(v ^ arg); });
  }

  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  T operator++() { return fetch_add(1, std::memory_order_seq_cst, unknown()) + 1; }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  T operator++(int) { return fetch_add(1, std::memory_order_seq_cst, unknown()); }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  T operator--() { return fetch_sub(1, std::memory_order_seq_cst, unknown()) - 1; }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U>>>
  T operator--(int) { return fetch_sub(1, std::memory_order_seq_cst, unknown()); }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U> ||
                                                  std::is_floating_point_v<U>>>
  T operator+=(difference_type_of<U> arg) { return fetch_add(arg, std::memory_order_seq_cst, unknown()) + arg; }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U> || std::is_pointer_v<U> ||
                                                  std::is_floating_point_v<U>>>
  T operator-=(difference_type_of<U> arg) { return fetch_sub(arg, std::memory_order_seq_cst, unknown()) - arg; }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
  T operator&=(T arg) { return fetch_and(arg, std::memory_order_seq_cst, unknown()) & arg; }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
  T operator|=(T arg) { return fetch_or(arg, std::memory_order_seq_cst, unknown()) | arg; }
  template <class U = T, class = std::enable_if_t<std::is_integral_v<U>>>
  T operator^=(T arg) { return fetch_xor(arg, std::memory_order_seq_cst, unknown()) ^ arg; }

  // wait blocks while the value equals `old`, until a notify wakes it and
  // the value differs (C++20 atomic waiting).
  void wait(T old, std::memory_order order = std::memory_order_seq_cst,
            source_location where = source_location::current()) const {
    while (equal(load(order, where), old)) detail::atomic_block_until_notified(slot_, where);
  }
  void notify_one(source_location where = source_location::current()) {
    detail::atomic_notify(slot_, false, where);
  }
  void notify_all(source_location where = source_location::current()) {
    detail::atomic_notify(slot_, true, where);
  }

 private:
  static source_location unknown() noexcept { return source_location{}; }
  static bool equal(const T& a, const T& b) noexcept {
    if constexpr (std::has_unique_object_representations_v<T> || std::is_floating_point_v<T>) {
      return __builtin_memcmp(&a, &b, sizeof(T)) == 0;
    } else {
      return a == b;
    }
  }
  template <class F>
  T rmw(detail::AtomicOp op, std::memory_order order, source_location where, F f) {
    detail::atomic_point(slot_, op, order, where);
    T old = peek();
    const T now = f(old);
    poke(now);
    detail::atomic_done(slot_, op, order, detail::show(now), where);
    return old;
  }

  // peek and poke are the only accesses to value_. weft orders them by its
  // own scheduling, and tells ThreadSanitizer (when the user's code is built
  // with it) the happens-before edges the memory orders create; TSan must
  // not see them as the plain accesses they are.
  WEFT_UNSEEN_BY_TSAN T peek() const noexcept { return value_; }
  WEFT_UNSEEN_BY_TSAN void poke(const T& v) noexcept { value_ = v; }

  mutable detail::Slot slot_;
  T value_;
};

// atomic_thread_fence mirrors std::atomic_thread_fence: a scheduling point
// and an event, and for the race detector the fences' happens-before
// (C++20 [atomics.fences]): a release fence followed by a relaxed store
// synchronizes with an acquire load, or with a relaxed load followed by an
// acquire fence, that reads the store; and so does a release store with a
// relaxed load followed by an acquire fence.
inline void atomic_thread_fence(std::memory_order order, source_location where = source_location::current()) {
  detail::fence(order, false, where);
}
// atomic_signal_fence mirrors std::atomic_signal_fence: it orders a thread
// only with a signal handler run on that same thread, so between weft
// threads it creates nothing; a scheduling point and an event all the same.
inline void atomic_signal_fence(std::memory_order order, source_location where = source_location::current()) {
  detail::fence(order, true, where);
}

// atomic_flag mirrors std::atomic_flag.
class atomic_flag {
 public:
  constexpr atomic_flag() noexcept = default;
  atomic_flag(const atomic_flag&) = delete;
  atomic_flag& operator=(const atomic_flag&) = delete;

  bool test_and_set(std::memory_order order = std::memory_order_seq_cst,
                    source_location where = source_location::current()) {
    return flag_.exchange(true, order, where);
  }
  void clear(std::memory_order order = std::memory_order_seq_cst,
             source_location where = source_location::current()) {
    flag_.store(false, order, where);
  }
  bool test(std::memory_order order = std::memory_order_seq_cst,
            source_location where = source_location::current()) const {
    return flag_.load(order, where);
  }
  void wait(bool old, std::memory_order order = std::memory_order_seq_cst,
            source_location where = source_location::current()) const {
    flag_.wait(old, order, where);
  }
  void notify_one(source_location where = source_location::current()) { flag_.notify_one(where); }
  void notify_all(source_location where = source_location::current()) { flag_.notify_all(where); }

 private:
  atomic<bool> flag_{false};
};

}  // namespace weft
