#pragma once
// weft::var<T>: plain, non-atomic shared memory that the scheduler sees.

#include <type_traits>
#include <utility>

#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

// var<T> holds a T that threads share without atomicity. Each read and each
// write is a separate scheduling point and event, so `c = c + 1;` is a read
// followed by a write that another thread may come between: the lost update
// is explorable. Use get()/set() where the trace should name your line; the
// conversion and assignment operators cannot carry a location.
template <class T>
class var {
 public:
  using value_type = T;

  var() = default;
  var(T initial) : value_(std::move(initial)) {}
  var(const var&) = delete;
  var& operator=(const var& other) { return *this = other.get(); }
  ~var() { detail::forget(slot_); }

  T get(source_location where = source_location::current()) const {
    const detail::VarAccess access = detail::var_point(slot_, false, where);
    T v = peek();
    detail::var_done(access, false, detail::show(v), where);
    return v;
  }
  void set(T v, source_location where = source_location::current()) {
    const detail::VarAccess access = detail::var_point(slot_, true, where);
    poke(std::move(v));
    detail::var_done(access, true, detail::show(value_), where);
  }

  operator T() const { return get(source_location{}); }
  var& operator=(T v) {
    set(std::move(v), source_location{});
    return *this;
  }

  // Compound assignments read, then write: two accesses, like the C++ they
  // stand for on plain memory.
  template <class U>
  var& operator+=(const U& u) { return *this = get(source_location{}) + u; }
  template <class U>
  var& operator-=(const U& u) { return *this = get(source_location{}) - u; }
  template <class U>
  var& operator*=(const U& u) { return *this = get(source_location{}) * u; }
  var& operator++() { return *this += 1; }
  var& operator--() { return *this -= 1; }
  T operator++(int) { T old = get(source_location{}); *this = old + 1; return old; }
  T operator--(int) { T old = get(source_location{}); *this = old - 1; return old; }

 private:
  // peek and poke are the accesses weft's race detector checks; under
  // ThreadSanitizer they stay weft's to report (TSan still sees what a
  // non-trivial T's own copy and move do).
  WEFT_UNSEEN_BY_TSAN T peek() const { return value_; }
  WEFT_UNSEEN_BY_TSAN void poke(T&& v) { value_ = std::move(v); }

  mutable detail::Slot slot_;
  T value_{};
};

}  // namespace weft
