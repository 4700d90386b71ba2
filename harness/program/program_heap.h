#pragma once
// The heap of a program test: a sched::Heap that serves the program's own
// calls of malloc, calloc, realloc, free, posix_memalign, aligned_alloc,
// memalign, valloc, pvalloc, malloc_usable_size, strdup, strndup, getline,
// getdelim, asprintf, vasprintf and every form of C++ new and delete. The
// program's shared object is linked with -Wl,--wrap=<function> for each
// (cmake/WeftProgram.cmake), so exactly its own calls reach the
// __wrap_<function> definitions of heap_calls.cpp; what the C and C++
// runtime libraries allocate for themselves, or for the program inside
// their own code, stays theirs. ProgramImage snapshots the heap after the
// program's constructors and restores it before every execution.

#include <string>

#include "scheduler/heap.h"

namespace weft::program {

// HeapLock serialises the heap: explorations may run on several OS threads.
// It spins: it is held for a few instructions and never across a
// scheduling point, and a pthread mutex would be weft::interpose's.
class HeapLock {
 public:
  HeapLock() noexcept;
  HeapLock(const HeapLock&) = delete;
  HeapLock& operator=(const HeapLock&) = delete;
  ~HeapLock();
};

// make_program_heap reserves the program's heap, once, before the program
// is loaded (its constructors allocate). On failure it returns false and
// sets `error`.
bool make_program_heap(std::string& error);
// program_heap is that heap, or null before make_program_heap (the
// program's calls then go to the C library's functions). Use it under a
// HeapLock.
sched::Heap* program_heap() noexcept;

}  // namespace weft::program
