#pragma once
// The seam between weft and weft::instrument, which a test executable may
// or may not link: weak references, null without it.

#include <cstddef>
#include <string>

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

// mark_freed tells the race detector that the program's call at `caller`
// freed the `size` bytes at `p` (a program test's heap keeps the block in
// its quarantine): an access to them from now on is a use after free.
void mark_freed(void* p, std::size_t size, const void* caller) noexcept __attribute__((weak));

// describe_heap_block says where the program test's heap block holding
// `p` was allocated and freed (", in a 16-byte block allocated by T0 at
// x.c:5 after step 0"), or "" when `p` is not in that heap.
std::string describe_heap_block(const void* p) __attribute__((weak));

}  // namespace weft::detail
