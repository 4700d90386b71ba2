// Relaxed publication: a producer fills a plain (non-atomic) payload, then
// raises a flag with a relaxed store; the consumer waits for the flag with
// relaxed loads and reads the payload. Relaxed operations order nothing
// else, so the payload's read races with its write: on a weakly ordered CPU
// (or after compiler reordering) the consumer can see the flag and a stale
// payload. weft runs sequentially consistent executions, so the value read
// is always right; the race detector reports the race all the same.
//
// Fix: store the flag with memory_order_release and load it with
// memory_order_acquire: the load that sees the flag then synchronizes with
// the store, and the payload's write happens before its read.

#include <atomic>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::relaxed_publication {

namespace {
void publish(std::memory_order store, std::memory_order load) {
  weft::var<int> payload{0};
  weft::atomic<bool> ready{false};

  weft::thread producer([&] {
    payload.set(42);
    ready.store(true, store);
  });
  while (!ready.load(load)) weft::this_thread::yield();
  WEFT_ASSERT(payload.get() == 42, "the consumer saw the flag before the payload");
  producer.join();
}
}  // namespace

void buggy() { publish(std::memory_order_relaxed, std::memory_order_relaxed); }

void fixed() { publish(std::memory_order_release, std::memory_order_acquire); }

}  // namespace weft::samples::relaxed_publication
