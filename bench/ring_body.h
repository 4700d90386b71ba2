#pragma once
// The body bench_instrument times, written once over its types: a
// single-producer/single-consumer ring of 4 slots through which 100 values
// pass, with release/acquire indices (bench/instrument_bench.cpp). Its
// spins yield: in ThreadSanitizer mode a std::atomic load is no scheduling
// point, and a spin that did not yield would never let the other thread run.

#include <cstddef>

#include "weft/weft.h"

namespace bench {

constexpr int kRingValues = 100;

// ring_transfer runs the producer on a new weft thread and the consumer on
// the calling one. Atomic is std::atomic<std::size_t> or
// weft::atomic<std::size_t>; Slot is int or weft::var<int>.
template <class Atomic, class Slot>
void ring_transfer() {
  constexpr std::size_t kSlots = 4;
  Slot slots[kSlots] = {};
  Atomic head{0};
  Atomic tail{0};
  weft::thread producer([&] {
    for (int v = 1; v <= kRingValues; ++v) {
      const std::size_t t = tail.load(std::memory_order_relaxed);
      while (t - head.load(std::memory_order_acquire) == kSlots) weft::this_thread::yield();
      slots[t % kSlots] = v;
      tail.store(t + 1, std::memory_order_release);
    }
  });
  long sum = 0;
  for (int n = 0; n < kRingValues; ++n) {
    const std::size_t h = head.load(std::memory_order_relaxed);
    while (h == tail.load(std::memory_order_acquire)) weft::this_thread::yield();
    sum += slots[h % kSlots];
    head.store(h + 1, std::memory_order_release);
  }
  producer.join();
  WEFT_ASSERT(sum == kRingValues * (kRingValues + 1) / 2);
}

// The two instances: std::atomic and plain int (built instrumented, or
// under ThreadSanitizer), weft::atomic and weft::var.
void std_ring();
void weft_ring();

}  // namespace bench
