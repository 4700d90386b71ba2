// Spin lock on std::atomic_flag (instrumented mode): test_and_set with
// acquire takes it; the bug releases it with a relaxed clear, which orders
// nothing: the next owner's accesses to the data it protects race with the
// previous owner's. Four threads spin for it; weft makes each spin a
// yielding scheduling point, so the others run and the spin ends.
//
// Fix: clear(std::memory_order_release).

#include <atomic>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::flag_spinlock {

namespace {
void count(std::memory_order unlock) {
  std::atomic_flag busy = ATOMIC_FLAG_INIT;
  long total = 0;
  auto work = [&] {
    while (busy.test_and_set(std::memory_order_acquire)) {
    }
    total = total + 1;
    busy.clear(unlock);
  };
  weft::thread a(work), b(work), c(work);
  work();
  a.join();
  b.join();
  c.join();
  WEFT_ASSERT(total == 4, "an increment was lost");
}
}  // namespace

void buggy() { count(std::memory_order_relaxed); }
void fixed() { count(std::memory_order_release); }

}  // namespace weft::samples::flag_spinlock
