// Double fill: a cache looks a key up under a shared lock and, on a miss,
// computes the value and inserts it under the exclusive lock, without
// looking again. Two readers that miss at once both compute and both
// insert: the expensive computation runs twice.
//
// Fix: look again under the exclusive lock before computing.

#include <map>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "std_samples.h"
#include "weft/assert.h"

namespace weft::samples::std_cache_double_fill {

namespace {
struct Cache {
  std::shared_mutex m;
  std::map<int, int> values;
  int computed = 0;

  int compute(int key) {
    ++computed;
    return key * key;
  }
};

int get(Cache& c, int key) {
  {
    std::shared_lock<std::shared_mutex> read(c.m);
    if (auto it = c.values.find(key); it != c.values.end()) return it->second;
  }
  std::unique_lock<std::shared_mutex> write(c.m);
  const int value = c.compute(key);
  c.values[key] = value;
  return value;
}

int get_checked(Cache& c, int key) {
  {
    std::shared_lock<std::shared_mutex> read(c.m);
    if (auto it = c.values.find(key); it != c.values.end()) return it->second;
  }
  std::unique_lock<std::shared_mutex> write(c.m);
  if (auto it = c.values.find(key); it != c.values.end()) return it->second;
  const int value = c.compute(key);
  c.values[key] = value;
  return value;
}

template <int (*Get)(Cache&, int)>
void run() {
  Cache cache;
  std::thread a([&] { WEFT_ASSERT(Get(cache, 7) == 49); });
  std::thread b([&] { WEFT_ASSERT(Get(cache, 7) == 49); });
  a.join();
  b.join();
  WEFT_ASSERT(cache.computed == 1, "the value was computed twice");
}
}  // namespace

void buggy() { run<&get>(); }
void fixed() { run<&get_checked>(); }

}  // namespace weft::samples::std_cache_double_fill
