#pragma once
// The virtual-time operations time.cpp and futex.cpp share.

#include <time.h>

#include <cstdint>
#include <optional>

#include "table.h"

namespace weft::interpose {

// virtual_now is what `clock` reads for the calling weft thread, or
// nullopt when the real clock answers (outside weft, or a CPU-time clock).
std::optional<std::int64_t> virtual_now(clockid_t clock) noexcept;

// yield is a scheduling point that prefers another thread, like
// weft::this_thread::yield.
void yield(Execution& x) noexcept;

// sleep_until waits on the virtual clock until `deadline`; sleep_for waits
// for `span` (a zero span yields) and returns 0 or EINVAL.
void sleep_until(Execution& x, std::int64_t deadline) noexcept;
int sleep_for(Execution& x, const timespec& span) noexcept;

}  // namespace weft::interpose
