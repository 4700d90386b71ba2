// Lost update: two threads each add one to a shared counter with
// `count = count + 1`. That is a read followed by a write, so both threads
// can read 0, both write 1, and one increment is lost.
//
// Fix: make the read and the write one step that no other thread can come
// between, here by holding a mutex around the increment (a weft::atomic with
// fetch_add would do as well).

#include <mutex>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::lost_update {

void buggy() {
  weft::var<int> count{0};
  auto increment = [&] { count.set(count.get() + 1); };  // read, then write

  weft::thread a(increment);
  weft::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(count.get() == 2, "an increment was lost");
}

void fixed() {
  weft::var<int> count{0};
  weft::mutex count_mutex;
  auto increment = [&] {
    std::lock_guard lock(count_mutex);
    count.set(count.get() + 1);
  };

  weft::thread a(increment);
  weft::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(count.get() == 2, "an increment was lost");
}

}  // namespace weft::samples::lost_update
