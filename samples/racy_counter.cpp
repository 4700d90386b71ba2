// Racy counter: two threads increment a shared counter with
// `x.set(x.get() + 1)` and no lock. The final check, x >= 1, holds in every
// interleaving, so no assertion ever fails: the bug is the data race itself
// (undefined behaviour in C++, where a compiler may tear or cache the
// accesses), and weft's race detector reports it at the two accesses that
// nothing orders, whichever way the threads interleave.
//
// Fix: hold a mutex around the increment; its unlock -> lock edge orders one
// thread's read and write before the other's.

#include <mutex>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::racy_counter {

void buggy() {
  weft::var<int> x{0};
  auto increment = [&] { x.set(x.get() + 1); };  // unordered with the other thread's

  weft::thread a(increment);
  weft::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(x.get() >= 1, "no increment happened");  // passes even when one is lost
}

void fixed() {
  weft::var<int> x{0};
  weft::mutex x_mutex;
  auto increment = [&] {
    std::lock_guard lock(x_mutex);
    x.set(x.get() + 1);
  };

  weft::thread a(increment);
  weft::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(x.get() == 2, "an increment was lost");
}

}  // namespace weft::samples::racy_counter
