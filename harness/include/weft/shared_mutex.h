#pragma once
// weft::shared_mutex: a reader-writer lock usable with std::shared_lock.

#include <chrono>

#include "weft/chrono.h"
#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

// shared_mutex admits one writer or any number of readers. Every operation
// is a scheduling point; unlocking what the caller does not hold is Misuse.
class shared_mutex {
 public:
  constexpr shared_mutex() noexcept = default;
  shared_mutex(const shared_mutex&) = delete;
  shared_mutex& operator=(const shared_mutex&) = delete;
  ~shared_mutex();

  void lock(source_location where = source_location::current());
  bool try_lock(source_location where = source_location::current());
  void unlock(source_location where = source_location::current());

  void lock_shared(source_location where = source_location::current());
  bool try_lock_shared(source_location where = source_location::current());
  void unlock_shared(source_location where = source_location::current());

 protected:
  // lock_until takes the lock, exclusive or shared, unless the virtual
  // clock reaches `deadline` first (an explored choice, as for timed_mutex).
  bool lock_until(std::int64_t deadline, bool exclusive, source_location where);

 private:
  detail::Slot slot_;
};

// shared_timed_mutex is a shared_mutex whose exclusive and shared locks can
// also wait with a timeout on the virtual clock, like std::shared_timed_mutex.
class shared_timed_mutex : public shared_mutex {
 public:
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& span,
                    source_location where = source_location::current()) {
    return lock_until(detail::deadline_after(span), true, where);
  }
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& when,
                      source_location where = source_location::current()) {
    return lock_until(detail::deadline_of(when), true, where);
  }
  template <class Rep, class Period>
  bool try_lock_shared_for(const std::chrono::duration<Rep, Period>& span,
                           source_location where = source_location::current()) {
    return lock_until(detail::deadline_after(span), false, where);
  }
  template <class Clock, class Duration>
  bool try_lock_shared_until(const std::chrono::time_point<Clock, Duration>& when,
                             source_location where = source_location::current()) {
    return lock_until(detail::deadline_of(when), false, where);
  }
};

}  // namespace weft
