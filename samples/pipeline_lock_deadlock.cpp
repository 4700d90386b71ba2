// A producer/consumer pipeline through a bounded queue, where the consumer
// also takes a lock (to count what it asks for) that the producer holds
// while it puts. When the queue is
// full the producer blocks in put with the lock held, and the consumer, who
// would make room, blocks on the lock: neither can move. It only happens
// when the producer gets ahead far enough to fill the queue.
//
// Fix: the producer releases the lock before it puts (hold a lock across a
// blocking put only if nothing that empties the queue ever needs it).

#include <mutex>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::pipeline_lock_deadlock {

namespace {

constexpr int kItems = 4;

struct Pipeline {
  weft::queue<int> items{1};
  weft::mutex stats_lock;
  weft::var<int> produced{0};  // guarded by stats_lock
  weft::var<int> requested{0};  // items the consumer asked for; guarded by stats_lock
};

void consume(Pipeline& p) {
  for (int i = 0; i < kItems; ++i) {
    {
      std::lock_guard hold(p.stats_lock);  // waits for the producer's lock
      p.requested.set(p.requested.get() + 1);
    }
    auto item = p.items.get();
    WEFT_ASSERT(item && *item == i);
  }
}

template <bool LockAcrossPut>
void produce(Pipeline& p) {
  for (int i = 0; i < kItems; ++i) {
    std::unique_lock hold(p.stats_lock);
    p.produced.set(p.produced.get() + 1);
    if (!LockAcrossPut) hold.unlock();
    p.items.put(i);  // blocks while the queue is full
  }
}

template <bool LockAcrossPut>
void run() {
  Pipeline p;
  weft::thread producer([&p] { produce<LockAcrossPut>(p); });
  weft::thread consumer([&p] { consume(p); });
  producer.join();
  consumer.join();
  WEFT_ASSERT(p.requested.get() == kItems && p.produced.get() == kItems);
}

}  // namespace

void buggy() { run<true>(); }
void fixed() { run<false>(); }

}  // namespace weft::samples::pipeline_lock_deadlock
