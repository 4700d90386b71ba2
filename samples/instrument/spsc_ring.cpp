// SPSC ring buffer (instrumented mode): the classic lock-free single-
// producer/single-consumer queue on std::atomic, written as it is in
// production code: no weft types inside it. Two bugs, each a sample:
//
//  - relaxed publication: the producer advances the tail with a relaxed
//    store, so the consumer that sees the new tail is not ordered after the
//    element's construction; reading the element races with writing it;
//  - early publication: the producer advances the tail (with release)
//    before it constructs the element: the release covers nothing yet, and
//    the consumer reads a slot that is still being written.
//
// Both are data races on plain memory that only the instrumentation shows:
// weft sees every std::atomic operation as a scheduling point with its
// memory order and checks the slots' bytes with its race detector.
//
// Fix: construct the element, then store the tail with release; load it
// with acquire in the consumer (and the head likewise the other way).

#include <atomic>
#include <cstddef>
#include <new>
#include <string>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::spsc_ring {

namespace {

// Ring is a bounded SPSC queue of std::string, as a user would write it.
template <std::size_t N>
class Ring {
 public:
  Ring(std::memory_order publish, bool publish_first) : publish_(publish), publish_first_(publish_first) {}
  ~Ring() {
    for (std::size_t i = head_.load(); i != tail_.load(); ++i) slot(i)->~basic_string();
  }

  bool push(const std::string& value) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_.load(std::memory_order_acquire) == N) return false;
    if (publish_first_) tail_.store(tail + 1, std::memory_order_release);  // BUG: nothing to publish yet
    new (slot(tail)) std::string(value);
    if (!publish_first_) tail_.store(tail + 1, publish_);
    return true;
  }

  bool pop(std::string& out) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_.load(std::memory_order_acquire)) return false;
    out = *slot(head);
    slot(head)->~basic_string();
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

 private:
  std::string* slot(std::size_t i) { return std::launder(reinterpret_cast<std::string*>(&storage_[i % N])); }

  struct alignas(std::string) Slot {
    unsigned char bytes[sizeof(std::string)];
  };
  Slot storage_[N];
  std::atomic<std::size_t> head_{0};
  std::atomic<std::size_t> tail_{0};
  const std::memory_order publish_;
  const bool publish_first_;
};

void transfer(std::memory_order publish, bool publish_first) {
  Ring<2> ring(publish, publish_first);
  weft::thread producer([&] {
    for (const char* word : {"alpha", "beta", "gamma"})
      while (!ring.push(word)) {
      }
  });
  std::string got;
  for (const char* expected : {"alpha", "beta", "gamma"}) {
    while (!ring.pop(got)) {
    }
    WEFT_ASSERT(got == expected, "an element arrived out of order or damaged");
  }
  producer.join();
}

}  // namespace

void relaxed_buggy() { transfer(std::memory_order_relaxed, false); }
void early_buggy() { transfer(std::memory_order_release, true); }
void fixed() { transfer(std::memory_order_release, false); }

}  // namespace weft::samples::spsc_ring
