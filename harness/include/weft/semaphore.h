#pragma once
// weft::counting_semaphore and binary_semaphore.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "weft/chrono.h"
#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// SemaphoreBase counts permits; acquire blocks while there are none.
// Releasing past the maximum is Misuse.
class SemaphoreBase {
 public:
  SemaphoreBase(const SemaphoreBase&) = delete;
  SemaphoreBase& operator=(const SemaphoreBase&) = delete;

  void release(std::ptrdiff_t update = 1, source_location where = source_location::current());
  void acquire(source_location where = source_location::current());
  bool try_acquire(source_location where = source_location::current());

 protected:
  constexpr SemaphoreBase(std::ptrdiff_t initial, std::ptrdiff_t max) noexcept
      : initial_(initial), max_(max) {}
  ~SemaphoreBase();
  bool acquire_until(std::int64_t deadline, source_location where);

 private:
  Slot slot_;
  std::ptrdiff_t initial_;
  std::ptrdiff_t max_;
};
}  // namespace detail

// counting_semaphore mirrors std::counting_semaphore; its count starts at
// `desired` in every execution.
template <std::ptrdiff_t LeastMaxValue = PTRDIFF_MAX>
class counting_semaphore : public detail::SemaphoreBase {
 public:
  static constexpr std::ptrdiff_t max() noexcept { return LeastMaxValue; }

  constexpr explicit counting_semaphore(std::ptrdiff_t desired) noexcept
      : SemaphoreBase(desired, LeastMaxValue) {}

  template <class Rep, class Period>
  bool try_acquire_for(const std::chrono::duration<Rep, Period>& span,
                       source_location where = source_location::current()) {
    return acquire_until(detail::deadline_after(span), where);
  }
  template <class Clock, class Duration>
  bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& when,
                         source_location where = source_location::current()) {
    return acquire_until(detail::deadline_of(when), where);
  }
};

using binary_semaphore = counting_semaphore<1>;

}  // namespace weft
