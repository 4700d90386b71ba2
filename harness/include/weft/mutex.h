#pragma once
// weft::mutex, recursive_mutex, timed_mutex, recursive_timed_mutex: shaped
// like their std counterparts and usable with std::lock_guard,
// std::unique_lock and std::scoped_lock. Every lock, try_lock and unlock is
// a scheduling point.

#include <chrono>

#include "weft/chrono.h"
#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// MutexBase holds what the four mutex types share; `recursive` lets the
// owner lock again, `timed` only gates the try_lock_for/until members.
class MutexBase {
 public:
  MutexBase(const MutexBase&) = delete;
  MutexBase& operator=(const MutexBase&) = delete;

  void lock(source_location where = source_location::current());
  bool try_lock(source_location where = source_location::current());
  void unlock(source_location where = source_location::current());

 protected:
  constexpr explicit MutexBase(bool recursive) noexcept : recursive_(recursive) {}
  ~MutexBase();
  bool lock_until(std::int64_t deadline, source_location where);

 private:
  friend class MutexAccess;
  Slot slot_;
  bool recursive_;
};
}  // namespace detail

// mutex is a non-recursive mutex. Locking it again from its owner is Misuse
// (a self-deadlock), as is unlocking it from a thread that does not own it
// or destroying it while locked.
class mutex : public detail::MutexBase {
 public:
  constexpr mutex() noexcept : MutexBase(false) {}
};

// recursive_mutex may be locked again by its owner; it is free once unlocked
// as many times as it was locked.
class recursive_mutex : public detail::MutexBase {
 public:
  constexpr recursive_mutex() noexcept : MutexBase(true) {}
};

namespace detail {
template <bool Recursive>
class TimedMutex : public MutexBase {
 public:
  constexpr TimedMutex() noexcept : MutexBase(Recursive) {}

  // try_lock_for and try_lock_until wait on the virtual clock; whether the
  // lock is acquired or the wait times out is a choice the strategy explores.
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& span,
                    source_location where = source_location::current()) {
    return lock_until(deadline_after(span), where);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& when,
                      source_location where = source_location::current()) {
    return lock_until(deadline_of(when), where);
  }
};
}  // namespace detail

// timed_mutex is a mutex with try_lock_for/try_lock_until.
class timed_mutex : public detail::TimedMutex<false> {};
// recursive_timed_mutex is a recursive_mutex with try_lock_for/until.
class recursive_timed_mutex : public detail::TimedMutex<true> {};

}  // namespace weft
