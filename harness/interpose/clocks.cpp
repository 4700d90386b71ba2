#include "clocks.h"

#include <limits>

namespace weft::interpose {

std::optional<std::int64_t> clock_base(clockid_t clock) noexcept {
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
      return kRealtimeBase;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
      return kMonotonicBase;
    default:
      return std::nullopt;
  }
}

std::int64_t nanoseconds_of(const timespec& t) noexcept {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (t.tv_sec > kMax / 1'000'000'000 - 1) return kMax;  // "never", in effect
  if (t.tv_sec < -(kMax / 1'000'000'000 - 1)) return -kMax;
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

timespec to_timespec(std::int64_t ns) noexcept {
  timespec t{};
  t.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  t.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  return t;
}

std::int64_t deadline_on(clockid_t clock, const timespec& at) noexcept {
  const std::int64_t base = clock_base(clock).value_or(kMonotonicBase);
  const std::int64_t ns = nanoseconds_of(at);
  if (ns == std::numeric_limits<std::int64_t>::max()) return ns;
  return ns - base < 0 ? 0 : ns - base;
}

std::int64_t deadline_after(std::int64_t now, const timespec& span) noexcept {
  const std::int64_t ns = nanoseconds_of(span);
  if (ns <= 0) return now;
  return ns > std::numeric_limits<std::int64_t>::max() - now ? std::numeric_limits<std::int64_t>::max() : now + ns;
}

}  // namespace weft::interpose
