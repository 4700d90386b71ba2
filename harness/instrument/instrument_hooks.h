#pragma once
// What the hooks' files share.

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "scheduler/types.h"

namespace weft::instrument {

// FreedBlock is who freed a block the quarantine holds: the thread, the
// execution's step count then, and the return address of the free.
struct FreedBlock {
  sched::ThreadId thread = sched::kNoThread;
  std::uint64_t step = 0;
  const void* caller = nullptr;
};
using Quarantine = std::unordered_map<void*, FreedBlock>;

// plain_access is one plain access of `size` bytes at `address` by
// instrumented code whose return address is `caller`.
void plain_access(const volatile void* address, std::size_t size, bool write, const void* caller);
// freed_access is the free, by code whose return address is `caller`, of
// the `size` bytes at `address`: for the race detector a write that every
// later access uses after the free (checkers::RaceDetector::free).
void freed_access(const volatile void* address, std::size_t size, const void* caller);

// release_quarantined gives the blocks in `blocks` back to the allocator
// and empties it (memory_hooks.cpp).
void release_quarantined(Quarantine& blocks) noexcept;

}  // namespace weft::instrument
