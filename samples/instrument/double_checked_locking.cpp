// Double-checked locking with a relaxed flag (instrumented mode): the
// first check reads the "initialized" flag with a relaxed load, so a
// thread that sees it set is not ordered after the initialization made
// under the lock by another thread: reading the object races with
// constructing it.
//
// Fix: store the flag with release (under the lock) and load it with
// acquire in the first check.

#include <atomic>
#include <memory>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::double_checked_locking {

namespace {

struct Config {
  int port = 8080;
};

class Lazy {
 public:
  Lazy(std::memory_order store, std::memory_order load) : store_(store), load_(load) {}

  const Config& get() {
    if (!ready_.load(load_)) {
      const std::lock_guard<weft::mutex> hold(lock_);
      if (!ready_.load(std::memory_order_relaxed)) {
        value_ = std::make_unique<Config>();
        ready_.store(true, store_);
      }
    }
    return *value_;
  }

 private:
  const std::memory_order store_, load_;
  std::atomic<bool> ready_{false};
  weft::mutex lock_;
  std::unique_ptr<Config> value_;
};

void two_readers(std::memory_order store, std::memory_order load) {
  Lazy lazy(store, load);
  int seen = 0;
  weft::thread other([&] { seen = lazy.get().port; });
  const int mine = lazy.get().port;
  other.join();
  WEFT_ASSERT(mine == 8080 && seen == 8080, "a reader saw an unconstructed Config");
}

}  // namespace

void buggy() { two_readers(std::memory_order_relaxed, std::memory_order_relaxed); }
void fixed() { two_readers(std::memory_order_release, std::memory_order_acquire); }

}  // namespace weft::samples::double_checked_locking
