#pragma once
// weft::chrono::steady_clock: the virtual clock of the running execution.

#include <chrono>
#include <cstdint>
#include <type_traits>

namespace weft::chrono {

// steady_clock reads the execution's virtual time: it starts at zero in every
// execution and advances only when a sleep or a timed wait times out, so a
// test that sleeps for an hour finishes at once and always sees the same
// times. Outside an execution it reads std::chrono::steady_clock.
struct steady_clock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<steady_clock, duration>;
  static constexpr bool is_steady = true;

  static time_point now() noexcept;
};

}  // namespace weft::chrono

namespace weft::detail {

// deadline_of turns a time point of any clock into virtual nanoseconds. A
// point of weft's own clock is exact; any other clock is taken relative to
// its own now(), which is as close as a foreign clock can come.
template <class Clock, class Duration>
std::int64_t deadline_of(const std::chrono::time_point<Clock, Duration>& when) {
  using namespace std::chrono;
  if constexpr (std::is_same_v<Clock, weft::chrono::steady_clock>) {
    return duration_cast<nanoseconds>(when.time_since_epoch()).count();
  } else {
    auto left = duration_cast<nanoseconds>(when - Clock::now());
    return weft::chrono::steady_clock::now().time_since_epoch().count() + left.count();
  }
}

template <class Rep, class Period>
std::int64_t deadline_after(const std::chrono::duration<Rep, Period>& span) {
  using namespace std::chrono;
  auto ns = duration_cast<nanoseconds>(span).count();
  return weft::chrono::steady_clock::now().time_since_epoch().count() + (ns > 0 ? ns : 0);
}

}  // namespace weft::detail
