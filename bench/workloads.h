#pragma once
// The bodies the benchmark programs explore, written once.

#include <weft/weft.h>

#include <mutex>

namespace bench {

// locked_counter: two threads each take a mutex `Rounds` times around a
// weft::var increment (a read and a write); the body checks the total.
template <int Rounds>
void locked_counter() {
  weft::mutex m;
  weft::var<int> v{0};
  auto worker = [&] {
    for (int i = 0; i < Rounds; ++i) {
      std::lock_guard<weft::mutex> hold(m);
      v.set(v.get() + 1);
    }
  };
  weft::thread a(worker);
  weft::thread b(worker);
  a.join();
  b.join();
  WEFT_ASSERT(v.get() == 2 * Rounds);
}

}  // namespace bench
