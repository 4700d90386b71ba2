#pragma once
// What the hooks' files share.

#include <cstddef>
#include <unordered_set>

namespace weft::instrument {

// plain_access is one plain access of `size` bytes at `address` by
// instrumented code whose return address is `caller`.
void plain_access(const volatile void* address, std::size_t size, bool write, const void* caller);

// release_quarantined gives the blocks in `blocks` back to the allocator
// and empties it (memory_hooks.cpp).
void release_quarantined(std::unordered_set<void*>& blocks) noexcept;

}  // namespace weft::instrument
