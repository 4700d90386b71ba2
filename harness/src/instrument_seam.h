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

// free_now gives a block back to the C library at once, past the
// quarantine of blocks that instrumented code frees: a program test's
// heap keeps its own blocks, and hands the C library's back to it as the
// program asked.
void free_now(void* p) noexcept __attribute__((weak));

}  // namespace weft::detail
