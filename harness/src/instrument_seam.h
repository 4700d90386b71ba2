#pragma once
// The seam between weft and weft::instrument, which a test executable may
// or may not link: weak references, null without it.

#include <cstddef>

namespace weft::detail {

// instrumentation_linked says that the executable links weft::instrument
// (for weft::tested_line).
bool instrumentation_linked() __attribute__((weak));

// forget_memory tells the instrumentation's race detector that the `size`
// bytes at `p` start afresh: weft reuses them for an object of its own
// (a thread's task) without giving them back to the allocator.
void forget_memory(void* p, std::size_t size) noexcept __attribute__((weak));

}  // namespace weft::detail
