// Must not compile: a message type that can be neither copied nor moved,
// in a pipe (-DWEFT_CASE_PIPE) or a queue (-DWEFT_CASE_QUEUE).
// tests/CMakeLists.txt checks that the compiler says why.

#include <weft/weft.h>

namespace {
struct Pinned {
  Pinned() = default;
  Pinned(const Pinned&) = delete;
  Pinned(Pinned&&) = delete;
};
}  // namespace

#if defined(WEFT_CASE_PIPE)
void pipe_of_pinned() {
  auto [a, b] = weft::pipe<Pinned>();
  (void)a;
  (void)b;
}
#elif defined(WEFT_CASE_QUEUE)
void queue_of_pinned() {
  weft::queue<Pinned> q;
  (void)q;
}
#endif
