#pragma once
// weft::latch: a single-use countdown, like std::latch.

#include <cstddef>

#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

// latch opens once counted down to zero; waiters block until then. Counting
// below zero is Misuse; a latch that never opens shows up as a Deadlock.
class latch {
 public:
  constexpr explicit latch(std::ptrdiff_t expected) noexcept : initial_(expected) {}
  latch(const latch&) = delete;
  latch& operator=(const latch&) = delete;
  ~latch();

  static constexpr std::ptrdiff_t max() noexcept { return PTRDIFF_MAX; }

  void count_down(std::ptrdiff_t n = 1, source_location where = source_location::current());
  bool try_wait(source_location where = source_location::current()) const;
  void wait(source_location where = source_location::current()) const;
  void arrive_and_wait(std::ptrdiff_t n = 1, source_location where = source_location::current());

 private:
  mutable detail::Slot slot_;
  std::ptrdiff_t initial_;
};

}  // namespace weft
