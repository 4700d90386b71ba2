#pragma once
// The virtual clocks interposed code sees while an execution runs. Every
// clock a sleep or a timed wait can use reads the execution's virtual time
// (weft::chrono::steady_clock's), from a fixed base per clock, so a program
// sees the same times in every run of the same schedule.

#include <time.h>

#include <cstdint>
#include <optional>

namespace weft::interpose {

// kRealtimeBase is what CLOCK_REALTIME reads when an execution starts:
// 2024-01-01T00:00:00Z.
inline constexpr std::int64_t kRealtimeBase = 1'704'067'200'000'000'000;
// kMonotonicBase is what CLOCK_MONOTONIC reads when an execution starts:
// 1000 s, so that no program mistakes its first reading for an unset time.
inline constexpr std::int64_t kMonotonicBase = 1'000'000'000'000;

// clock_base is the base of `clock` when weft makes it virtual: realtime
// clocks (REALTIME, its COARSE and ALARM forms, TAI) or monotonic ones
// (MONOTONIC, RAW, COARSE, BOOTTIME and its ALARM form). CPU-time clocks
// and the others stay real: nullopt.
std::optional<std::int64_t> clock_base(clockid_t clock) noexcept;

// nanoseconds_of converts a timespec; to_timespec converts back.
std::int64_t nanoseconds_of(const timespec& t) noexcept;
timespec to_timespec(std::int64_t ns) noexcept;

// valid says whether `t` is a time POSIX accepts (0 <= tv_nsec < 1e9).
inline bool valid(const timespec& t) noexcept { return t.tv_nsec >= 0 && t.tv_nsec < 1'000'000'000; }

// deadline_on turns an absolute time on `clock` (a virtual one) into the
// virtual deadline Execution::step takes.
std::int64_t deadline_on(clockid_t clock, const timespec& at) noexcept;
// deadline_after turns a relative timeout into a virtual deadline.
std::int64_t deadline_after(std::int64_t now, const timespec& span) noexcept;

}  // namespace weft::interpose
