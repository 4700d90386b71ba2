// `if` instead of `while` around a condition-variable wait: a bounded buffer
// (here of one item) blocks consumers while it is empty and producers while
// it is full. A woken thread does not run at once: it must first re-take the
// mutex, and another thread may take it before. So a consumer woken because
// an item arrived can find that a second consumer took the item already. A
// consumer that checked with `if` does not look again: it takes from an
// empty buffer.
//
// Fix: re-check the condition after every wake-up, with `while` (or the
// wait overload that takes a predicate, which loops for you).

#include <mutex>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::bounded_buffer_if {

namespace {

constexpr int kItemsPerThread = 2;  // each producer puts two, each consumer takes two

// IfBuffer holds at most one item and waits with `if`: wrong.
class IfBuffer {
 public:
  void put(int item) {
    std::unique_lock lock(mutex_);
    if (full_.get()) not_full_.wait(lock);  // bug: the buffer may be full again
    WEFT_ASSERT(!full_.get(), "put into a full buffer");
    item_ = item;
    full_.set(true);
    not_empty_.notify_one();
  }

  int take() {
    std::unique_lock lock(mutex_);
    if (!full_.get()) not_empty_.wait(lock);  // bug: the buffer may be empty again
    WEFT_ASSERT(full_.get(), "took from an empty buffer");
    full_.set(false);
    not_full_.notify_one();
    return item_;
  }

 private:
  weft::mutex mutex_;
  weft::condition_variable not_full_;
  weft::condition_variable not_empty_;
  weft::var<bool> full_{false};
  int item_ = 0;
};

// WhileBuffer is IfBuffer with every wait in a `while`: right.
class WhileBuffer {
 public:
  void put(int item) {
    std::unique_lock lock(mutex_);
    while (full_.get()) not_full_.wait(lock);
    WEFT_ASSERT(!full_.get(), "put into a full buffer");
    item_ = item;
    full_.set(true);
    not_empty_.notify_one();
  }

  int take() {
    std::unique_lock lock(mutex_);
    while (!full_.get()) not_empty_.wait(lock);
    WEFT_ASSERT(full_.get(), "took from an empty buffer");
    full_.set(false);
    not_full_.notify_one();
    return item_;
  }

 private:
  weft::mutex mutex_;
  weft::condition_variable not_full_;
  weft::condition_variable not_empty_;
  weft::var<bool> full_{false};
  int item_ = 0;
};

// run moves items through `buffer` with two producers and two consumers.
template <class Buffer>
void run() {
  Buffer buffer;
  auto produce = [&] {
    for (int i = 0; i < kItemsPerThread; ++i) buffer.put(i);
  };
  auto consume = [&] {
    for (int i = 0; i < kItemsPerThread; ++i) buffer.take();
  };

  weft::thread consumer1(consume);
  weft::thread consumer2(consume);
  weft::thread producer1(produce);
  weft::thread producer2(produce);
  consumer1.join();
  consumer2.join();
  producer1.join();
  producer2.join();
}

}  // namespace

void buggy() { run<IfBuffer>(); }
void fixed() { run<WhileBuffer>(); }

}  // namespace weft::samples::bounded_buffer_if
