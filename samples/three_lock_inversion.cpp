// Three-lock inversion: three philosophers share three forks around a
// table, each taking the fork on the left, then the one on the right. Each
// thinks for a different while before eating, so nearly every schedule
// lets one of them eat before the others reach the table; only if all three
// hold their left fork at once does each wait for ever for the right one.
//
// Few schedules deadlock (with the demo's options PCT first deadlocks in
// execution 884). Had none of the explored schedules deadlocked, weft's
// lock-order graph would still have seen the three forks taken in a cycle
// and steered further executions towards it: the report
// would then be the Deadlock they found, as a "confirmed lock-order
// inversion" (tests/lock_order_test.cpp shows both).
//
// Fix: take the forks in one global order: the last philosopher takes the
// right fork (the lowest-numbered) first.

#include <utility>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::three_lock_inversion {

namespace {
constexpr int kSeats = 3;
constexpr int kThinking[kSeats] = {0, 100, 200};  // steps each thinks before eating

void dine(bool ordered) {
  weft::mutex forks[kSeats];
  weft::atomic<int> thoughts{0};
  auto philosopher = [&](int seat) {
    for (int i = 0; i < kThinking[seat]; ++i) thoughts.fetch_add(1, std::memory_order_relaxed);
    weft::mutex* first = &forks[seat];
    weft::mutex* second = &forks[(seat + 1) % kSeats];
    if (ordered && second < first) std::swap(first, second);
    first->lock();
    second->lock();  // the last philosopher's right fork is the first one's left
    second->unlock();
    first->unlock();
  };
  weft::thread p0(philosopher, 0);
  weft::thread p1(philosopher, 1);
  weft::thread p2(philosopher, 2);
  p0.join();
  p1.join();
  p2.join();
}
}  // namespace

void buggy() { dine(false); }

void fixed() { dine(true); }

}  // namespace weft::samples::three_lock_inversion
