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

void send_pinned() {
  auto [a, b] = weft::pipe<Pinned>();
  (void)a;
  (void)b;
}
