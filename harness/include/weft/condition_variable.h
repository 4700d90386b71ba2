#pragma once
// weft::condition_variable and condition_variable_any.

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "weft/chrono.h"
#include "weft/detail/runtime.h"
#include "weft/mutex.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// CondvarBase is the waiting and notifying both condition variables share.
// A waiter is woken by a notify that picks it (notify_one picks among the
// waiters as an explored choice), by its deadline, or, when
// Options::spurious_wakeups is on, spuriously as an explored choice.
class CondvarBase {
 public:
  CondvarBase(const CondvarBase&) = delete;
  CondvarBase& operator=(const CondvarBase&) = delete;

  void notify_one(source_location where = source_location::current());
  void notify_all(source_location where = source_location::current());

 protected:
  constexpr CondvarBase() noexcept = default;
  ~CondvarBase();
  static constexpr std::int64_t kNoDeadline = INT64_MAX;
  // wait_on releases `m` and enqueues the caller in one step, then blocks
  // and re-acquires `m`; true unless the deadline passed first.
  bool wait_on(MutexBase& m, std::int64_t deadline, source_location where);
  // wait_while waits once at a time with `wait_once` (false: the deadline
  // passed) until `pred` holds; the predicate decides the result, as std says.
  template <class WaitOnce, class Predicate>
  static bool wait_while(WaitOnce wait_once, Predicate& pred) {
    while (!pred()) {
      if (!wait_once()) return pred();
    }
    return true;
  }
  // enqueue and block_enqueued split the wait for locks weft does not know.
  void enqueue(source_location where);
  bool block_enqueued(std::int64_t deadline, source_location where);

 private:
  Slot slot_;
};
}  // namespace detail

// condition_variable works with std::unique_lock<weft::mutex>; waiting
// releases the mutex and starts waiting in one atomic step, as std requires.
class condition_variable : public detail::CondvarBase {
 public:
  constexpr condition_variable() noexcept = default;

  void wait(std::unique_lock<mutex>& lock, source_location where = source_location::current()) {
    wait_on(*lock.mutex(), kNoDeadline, where);
  }
  template <class Predicate>
  void wait(std::unique_lock<mutex>& lock, Predicate pred,
            source_location where = source_location::current()) {
    while (!pred()) wait_on(*lock.mutex(), kNoDeadline, where);
  }

  template <class Clock, class Duration>
  std::cv_status wait_until(std::unique_lock<mutex>& lock,
                            const std::chrono::time_point<Clock, Duration>& when,
                            source_location where = source_location::current()) {
    return wait_on(*lock.mutex(), detail::deadline_of(when), where) ? std::cv_status::no_timeout
                                                                    : std::cv_status::timeout;
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(std::unique_lock<mutex>& lock, const std::chrono::time_point<Clock, Duration>& when,
                  Predicate pred, source_location where = source_location::current()) {
    const std::int64_t deadline = detail::deadline_of(when);
    return wait_while([&] { return wait_on(*lock.mutex(), deadline, where); }, pred);
  }
  template <class Rep, class Period>
  std::cv_status wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& span,
                          source_location where = source_location::current()) {
    return wait_on(*lock.mutex(), detail::deadline_after(span), where) ? std::cv_status::no_timeout
                                                                       : std::cv_status::timeout;
  }
  template <class Rep, class Period, class Predicate>
  bool wait_for(std::unique_lock<mutex>& lock, const std::chrono::duration<Rep, Period>& span,
                Predicate pred, source_location where = source_location::current()) {
    const std::int64_t deadline = detail::deadline_after(span);
    return wait_while([&] { return wait_on(*lock.mutex(), deadline, where); }, pred);
  }
};

// condition_variable_any works with any lock that has lock() and unlock():
// the caller is enqueued before the lock is released, so no notify between
// the two is lost.
class condition_variable_any : public detail::CondvarBase {
 public:
  constexpr condition_variable_any() noexcept = default;

  template <class Lock>
  void wait(Lock& lock, source_location where = source_location::current()) {
    wait_any(lock, kNoDeadline, where);
  }
  template <class Lock, class Predicate>
  void wait(Lock& lock, Predicate pred, source_location where = source_location::current()) {
    while (!pred()) wait_any(lock, kNoDeadline, where);
  }
  template <class Lock, class Rep, class Period>
  std::cv_status wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& span,
                          source_location where = source_location::current()) {
    return wait_any(lock, detail::deadline_after(span), where) ? std::cv_status::no_timeout
                                                               : std::cv_status::timeout;
  }
  template <class Lock, class Clock, class Duration>
  std::cv_status wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& when,
                            source_location where = source_location::current()) {
    return wait_any(lock, detail::deadline_of(when), where) ? std::cv_status::no_timeout
                                                            : std::cv_status::timeout;
  }
  template <class Lock, class Rep, class Period, class Predicate>
  bool wait_for(Lock& lock, const std::chrono::duration<Rep, Period>& span, Predicate pred,
                source_location where = source_location::current()) {
    const std::int64_t deadline = detail::deadline_after(span);
    return wait_while([&] { return wait_any(lock, deadline, where); }, pred);
  }
  template <class Lock, class Clock, class Duration, class Predicate>
  bool wait_until(Lock& lock, const std::chrono::time_point<Clock, Duration>& when, Predicate pred,
                  source_location where = source_location::current()) {
    const std::int64_t deadline = detail::deadline_of(when);
    return wait_while([&] { return wait_any(lock, deadline, where); }, pred);
  }

 private:
  template <class Lock>
  bool wait_any(Lock& lock, std::int64_t deadline, source_location where) {
    enqueue(where);
    lock.unlock();
    const bool woken = block_enqueued(deadline, where);
    lock.lock();
    return woken;
  }
};

}  // namespace weft
