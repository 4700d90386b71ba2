// Fence litmus tests (instrumented mode): message passing with
// std::atomic_thread_fence, in the three forms C++20 [atomics.fences]
// defines: fence-fence (a release fence before a relaxed store, an
// acquire fence after the relaxed load that reads it), fence-atomic (a
// release fence before a relaxed store, an acquire load) and atomic-fence
// (a release store, a relaxed load and an acquire fence). Each orders the
// payload's write before its read. The buggy body leaves out the release
// fence of the fence-fence form: the payload's read races with its write.

#include <atomic>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::fence_litmus {

namespace {

enum class Form { FenceFence, FenceAtomic, AtomicFence, MissingReleaseFence };

void message(Form form) {
  int payload = 0;
  std::atomic<int> flag{0};
  weft::thread producer([&] {
    payload = 42;
    if (form == Form::AtomicFence) {
      flag.store(1, std::memory_order_release);
    } else {
      if (form != Form::MissingReleaseFence) std::atomic_thread_fence(std::memory_order_release);
      flag.store(1, std::memory_order_relaxed);
    }
  });
  if (form == Form::FenceAtomic) {
    while (flag.load(std::memory_order_acquire) == 0) {
    }
  } else {
    while (flag.load(std::memory_order_relaxed) == 0) {
    }
    std::atomic_thread_fence(std::memory_order_acquire);
  }
  WEFT_ASSERT(payload == 42, "the payload was not there");
  producer.join();
}

}  // namespace

void buggy() { message(Form::MissingReleaseFence); }
void fixed() { message(Form::FenceFence); }
void fence_atomic() { message(Form::FenceAtomic); }
void atomic_fence() { message(Form::AtomicFence); }

}  // namespace weft::samples::fence_litmus
