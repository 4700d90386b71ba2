#pragma once
// What the hooks' files share.

#include <cstddef>

namespace weft::instrument {

// plain_access is one plain access of `size` bytes at `address` by
// instrumented code whose return address is `caller`.
void plain_access(const volatile void* address, std::size_t size, bool write, const void* caller);

}  // namespace weft::instrument
