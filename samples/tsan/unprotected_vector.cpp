// Unprotected vector (ThreadSanitizer mode): two workers append their
// results to one std::vector with no lock. Usually each push_back finds room
// or reallocates alone and the final check passes; but a push_back reads and
// writes the vector's pointers and size as plain memory, so two of them
// overlapping lose an element or corrupt the heap. weft's own race detector
// only sees weft::var; built with -fsanitize=thread and weft::tsan, TSan
// watches the vector's memory and weft explores the schedules, so the race
// is reported with both stacks and a replay token in the first execution in
// which the two push_backs are unordered -- that is, every one.
//
// Fix: a weft::mutex around each push_back; its unlock -> lock edge, which
// weft tells TSan of, orders them.

#include <mutex>
#include <vector>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::unprotected_vector {

void buggy() {
  std::vector<int> results;
  weft::thread a([&] { results.push_back(1); });  // races with b's push_back
  weft::thread b([&] { results.push_back(2); });
  a.join();
  b.join();
  WEFT_ASSERT(!results.empty(), "no result arrived");
}

void fixed() {
  std::vector<int> results;
  weft::mutex results_mutex;
  auto append = [&](int value) {
    std::lock_guard lock(results_mutex);
    results.push_back(value);
  };
  weft::thread a(append, 1);
  weft::thread b(append, 2);
  a.join();
  b.join();
  WEFT_ASSERT(results.size() == 2, "a result was lost");
}

}  // namespace weft::samples::unprotected_vector
