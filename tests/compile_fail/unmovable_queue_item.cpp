// Must not compile: a message type that can be neither copied nor moved.
// tests/CMakeLists.txt checks that the compiler says why.

#include <weft/weft.h>

namespace {
struct Pinned {
  Pinned() = default;
  Pinned(const Pinned&) = delete;
  Pinned(Pinned&&) = delete;
};
}  // namespace

void put_pinned() {
  weft::queue<Pinned> q;
  (void)q;
}
