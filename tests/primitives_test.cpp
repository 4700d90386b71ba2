// primitives_test: the semantics of every weft primitive, checked across
// explored executions. What must hold in every execution is a WEFT_ASSERT
// (so the exploration passes only if it always holds); what the strategy may
// choose (who locks first, whether a timed wait times out, which waiter a
// notify wakes) is collected across executions into a set declared outside
// the body and must be seen both ways. Everything runs on one OS thread, so
// the body may write to the test's locals.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "weft/weft.h"

namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

// now is the virtual time of the running execution, since its start.
nanoseconds now() { return weft::chrono::steady_clock::now().time_since_epoch(); }

// StrategyTest runs each of its tests under PCT and under the random walk.
class StrategyTest : public ::testing::TestWithParam<weft::Strategy> {
 protected:
  weft::Options options(std::uint64_t iterations = 1000) const {
    return weft::Options{}.strategy(GetParam()).iterations(iterations);
  }
};

std::string strategy_name(const ::testing::TestParamInfo<weft::Strategy>& info) {
  return info.param.kind() == weft::Strategy::Kind::Pct ? "Pct" : "Random";
}

#define WEFT_UNDER_BOTH_STRATEGIES(Suite)                                                        \
  INSTANTIATE_TEST_SUITE_P(Strategies, Suite,                                                   \
                           ::testing::Values(weft::Strategy::pct(3), weft::Strategy::random()), \
                           strategy_name)

// ---------------------------------------------------------------- mutexes

class MutexTest : public StrategyTest {};
WEFT_UNDER_BOTH_STRATEGIES(MutexTest);

TEST_P(MutexTest, ProtectedCounterNeverLosesAnUpdateAndBothLockOrdersAreExplored) {
  std::set<int> first_lockers;
  const weft::Report r = weft::explore(
      [&] {
        weft::mutex m;
        weft::var<int> counter{0};
        int first = 0;  // who locked first; only touched under m
        auto work = [&](int who) {
          for (int i = 0; i < 2; ++i) {
            m.lock();
            if (first == 0) first = who;
            counter.set(counter.get() + 1);
            m.unlock();
          }
        };
        weft::thread a(work, 1);
        weft::thread b(work, 2);
        a.join();
        b.join();
        WEFT_ASSERT(counter.get() == 4);
        first_lockers.insert(first);
      },
      options(2000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(r.executions, 2000u);
  EXPECT_EQ(first_lockers, (std::set<int>{1, 2}));
}

TEST_P(MutexTest, TheSameCounterWithoutTheMutexLosesAnUpdate) {
  // The control for the test above: the exploration does reach the
  // interleaving the mutex rules out.
  const weft::Report r = weft::explore(
      [] {
        weft::var<int> counter{0};
        weft::thread a([&] { counter.set(counter.get() + 1); });
        weft::thread b([&] { counter.set(counter.get() + 1); });
        a.join();
        b.join();
        WEFT_ASSERT(counter.get() == 2);
      },
      options(2000).race_detection(false));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
}

TEST_P(MutexTest, TryLockFailsExactlyWhileAnotherThreadHoldsIt) {
  std::set<bool> outcomes;
  const weft::Report r = weft::explore(
      [&] {
        weft::mutex m;
        bool held = false;  // true exactly while t owns m
        weft::thread t([&] {
          m.lock();
          held = true;
          weft::this_thread::yield();
          held = false;
          m.unlock();
        });
        const bool got = m.try_lock();
        // t clears `held` just before its unlock's scheduling point, so a
        // failed try_lock may see it false; a successful one never sees it true.
        if (got) WEFT_ASSERT(!held);
        if (got) m.unlock();
        outcomes.insert(got);
        t.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(outcomes, (std::set<bool>{false, true}));
}

TEST_P(MutexTest, TimedTryLockForTimesOutInSomeExecutionsAndAcquiresInOthers) {
  std::set<bool> outcomes;
  const weft::Report r = weft::explore(
      [&] {
        weft::timed_mutex m;
        weft::thread t([&] {
          m.lock();
          weft::this_thread::yield();
          m.unlock();
        });
        const nanoseconds before = now();
        const bool got = m.try_lock_for(5ms);
        // Virtual time moves only when a timed wait times out, and then to
        // exactly its deadline.
        WEFT_ASSERT(now() - before == (got ? 0ns : nanoseconds(5ms)));
        if (got) m.unlock();
        outcomes.insert(got);
        t.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(outcomes, (std::set<bool>{false, true}));
}

TEST_P(MutexTest, TimedTryLockUntilTimesOutAtItsDeadline) {
  std::set<bool> outcomes;
  const weft::Report r = weft::explore(
      [&] {
        weft::recursive_timed_mutex m;
        weft::thread t([&] {
          std::lock_guard<weft::recursive_timed_mutex> hold(m);
          weft::this_thread::yield();
        });
        const auto deadline = weft::chrono::steady_clock::now() + 3ms;
        const bool got = m.try_lock_until(deadline);
        if (got) {
          WEFT_ASSERT(now() == 0ns);
          // The owner of a recursive timed mutex relocks at once.
          WEFT_ASSERT(m.try_lock_for(1h));
          WEFT_ASSERT(now() == 0ns);
          m.unlock();
          m.unlock();
        } else {
          WEFT_ASSERT(weft::chrono::steady_clock::now() == deadline);
        }
        outcomes.insert(got);
        t.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(outcomes, (std::set<bool>{false, true}));
}

TEST(Mutex, TimedTryLockOnAFreeMutexSucceedsAtOnce) {
  const weft::Report r = weft::explore(
      [] {
        weft::timed_mutex m;
        WEFT_ASSERT(m.try_lock_for(1s));
        m.unlock();
        WEFT_ASSERT(m.try_lock_until(weft::chrono::steady_clock::now() + 1s));
        m.unlock();
        WEFT_ASSERT(now() == 0ns);
      },
      weft::Options{}.iterations(10));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(RecursiveMutex, OwnerRelocksAndOthersWaitUntilItIsUnlockedAsOftenAsLocked) {
  const weft::Report r = weft::explore(
      [] {
        weft::recursive_mutex m;
        m.lock();
        m.lock();
        WEFT_ASSERT(m.try_lock());  // a third level
        m.unlock();
        m.unlock();
        bool other_got = true;
        weft::thread t([&] {
          other_got = m.try_lock();
          if (other_got) m.unlock();
        });
        t.join();
        WEFT_ASSERT(!other_got, "locked three times, unlocked twice: still held");
        m.unlock();
        weft::thread u([&] {
          other_got = m.try_lock();
          if (other_got) m.unlock();
        });
        u.join();
        WEFT_ASSERT(other_got, "unlocked as often as locked: free");
      },
      weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(MutexTest, RecursiveMutexExcludesOtherThreadsAtEveryDepth) {
  const weft::Report r = weft::explore(
      [] {
        weft::recursive_mutex m;
        int inside = 0;
        auto work = [&] {
          std::lock_guard<weft::recursive_mutex> outer(m);
          ++inside;
          WEFT_ASSERT(inside == 1);
          {
            std::lock_guard<weft::recursive_mutex> inner(m);
            weft::this_thread::yield();
            WEFT_ASSERT(inside == 1);
          }
          weft::this_thread::yield();
          WEFT_ASSERT(inside == 1);
          --inside;
        };
        weft::thread a(work);
        weft::thread b(work);
        a.join();
        b.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

// ---------------------------------------------------- std lock adaptors

TEST_P(MutexTest, StdLockTypesWorkWithWeftMutexes) {
  const weft::Report r = weft::explore(
      [] {
        weft::mutex m;
        weft::timed_mutex tm;
        int counter = 0;
        auto work = [&] {
          {
            std::lock_guard<weft::mutex> hold(m);
            ++counter;
          }
          {
            std::unique_lock<weft::mutex> lk(m, std::defer_lock);
            WEFT_ASSERT(!lk.owns_lock());
            lk.lock();
            WEFT_ASSERT(lk.owns_lock());
            ++counter;
            lk.unlock();
            if (lk.try_lock()) {
              ++counter;
            } else {
              std::unique_lock<weft::mutex> again(m);  // wait for it instead
              ++counter;
            }
          }
          {
            std::unique_lock<weft::timed_mutex> lk(tm, 1ms);
            if (lk.owns_lock()) ++counter;
          }
        };
        weft::thread a(work);
        weft::thread b(work);
        a.join();
        b.join();
        WEFT_ASSERT(counter >= 6 && counter <= 8);
        std::unique_lock<weft::mutex> lk(m, std::try_to_lock);
        WEFT_ASSERT(lk.owns_lock());
        weft::mutex* released = lk.release();
        WEFT_ASSERT(released == &m);
        released->unlock();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(MutexTest, ScopedLockTakesTwoWeftMutexesInOppositeOrdersWithoutDeadlock) {
  const weft::Report r = weft::explore(
      [] {
        weft::mutex a;
        weft::mutex b;
        int both = 0;
        weft::thread t1([&] {
          std::scoped_lock hold(a, b);
          ++both;
        });
        weft::thread t2([&] {
          std::scoped_lock hold(b, a);
          ++both;
        });
        t1.join();
        t2.join();
        WEFT_ASSERT(both == 2);
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(r.executions, 1000u);
}

// ------------------------------------------------------------ shared_mutex

class SharedMutexTest : public StrategyTest {};
WEFT_UNDER_BOTH_STRATEGIES(SharedMutexTest);

TEST_P(SharedMutexTest, ReadersShareTheLockAndTheWriterExcludesEveryone) {
  std::set<int> most_readers;
  const weft::Report r = weft::explore(
      [&] {
        weft::shared_mutex m;
        int readers = 0;
        int writers = 0;
        int most = 0;
        auto reader = [&] {
          std::shared_lock<weft::shared_mutex> hold(m);
          ++readers;
          most = std::max(most, readers);
          WEFT_ASSERT(writers == 0);
          weft::this_thread::yield();
          WEFT_ASSERT(writers == 0);
          --readers;
        };
        auto writer = [&] {
          std::lock_guard<weft::shared_mutex> hold(m);
          ++writers;
          WEFT_ASSERT(writers == 1 && readers == 0);
          weft::this_thread::yield();
          WEFT_ASSERT(writers == 1 && readers == 0);
          --writers;
        };
        weft::thread r1(reader);
        weft::thread r2(reader);
        weft::thread w(writer);
        r1.join();
        r2.join();
        w.join();
        most_readers.insert(most);
      },
      options(2000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_TRUE(most_readers.count(2)) << "two readers were never inside at once";
  EXPECT_TRUE(most_readers.count(1)) << "the readers always overlapped";
}

TEST(SharedMutex, TryLocksRespectTheOtherMode) {
  const weft::Report r = weft::explore(
      [] {
        weft::shared_mutex m;
        m.lock_shared();
        bool exclusive = true;
        bool shared = false;
        weft::thread t([&] {
          exclusive = m.try_lock();
          shared = m.try_lock_shared();
          if (shared) m.unlock_shared();
        });
        t.join();
        WEFT_ASSERT(!exclusive, "try_lock succeeded while a reader held the lock");
        WEFT_ASSERT(shared, "try_lock_shared failed while only a reader held the lock");
        m.unlock_shared();

        m.lock();
        weft::thread u([&] {
          exclusive = m.try_lock();
          shared = m.try_lock_shared();
        });
        u.join();
        WEFT_ASSERT(!exclusive && !shared, "a try_lock succeeded while the writer held the lock");
        m.unlock();
        WEFT_ASSERT(m.try_lock());
        m.unlock();
      },
      weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
}

// ------------------------------------------------------ condition variables

class CondvarTest : public StrategyTest {};
WEFT_UNDER_BOTH_STRATEGIES(CondvarTest);

TEST_P(CondvarTest, WaitWithPredicateNeverMissesTheNotifyEvenWithSpuriousWakeups) {
  for (const bool spurious : {false, true}) {
    const weft::Report r = weft::explore(
        [] {
          weft::mutex m;
          weft::condition_variable cv;
          bool ready = false;
          int data = 0;
          weft::thread producer([&] {
            {
              std::lock_guard<weft::mutex> hold(m);
              data = 42;
              ready = true;
            }
            cv.notify_one();
          });
          {
            std::unique_lock<weft::mutex> lk(m);
            cv.wait(lk, [&] { return ready; });
            WEFT_ASSERT(lk.owns_lock());
            WEFT_ASSERT(data == 42);
          }
          producer.join();
        },
        options(1000).spurious_wakeups(spurious));
    EXPECT_TRUE(r.ok()) << "spurious_wakeups(" << spurious << "): " << r;
    EXPECT_EQ(r.executions, 1000u);
  }
}

TEST_P(CondvarTest, WaitForTimesOutInSomeExecutionsAndIsNotifiedInOthers) {
  std::set<std::cv_status> outcomes;
  const weft::Report r = weft::explore(
      [&] {
        weft::mutex m;
        weft::condition_variable cv;
        bool notified = false;
        weft::thread t([&] {
          std::lock_guard<weft::mutex> hold(m);
          notified = true;
          cv.notify_one();
        });
        std::unique_lock<weft::mutex> lk(m);
        if (!notified) {
          const std::cv_status status = cv.wait_for(lk, 10ms);
          WEFT_ASSERT(lk.owns_lock());
          if (status == std::cv_status::timeout) {
            WEFT_ASSERT(now() == 10ms);
          } else {
            WEFT_ASSERT(notified, "woken without a notify, and spurious wake-ups are off");
            WEFT_ASSERT(now() == 0ns);
          }
          outcomes.insert(status);
        }
        lk.unlock();
        t.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(outcomes, (std::set<std::cv_status>{std::cv_status::timeout, std::cv_status::no_timeout}));
}

TEST_P(CondvarTest, TimedWaitsWithAPredicateReturnThePredicate) {
  std::set<bool> outcomes;
  const weft::Report r = weft::explore(
      [&] {
        weft::mutex m;
        weft::condition_variable cv;
        bool ready = false;
        weft::thread t([&] {
          {
            std::lock_guard<weft::mutex> hold(m);
            ready = true;
          }
          cv.notify_all();
        });
        std::unique_lock<weft::mutex> lk(m);
        const bool got = cv.wait_for(lk, 2ms, [&] { return ready; });
        WEFT_ASSERT(got == ready);
        if (!got) WEFT_ASSERT(now() == 2ms);
        const bool again = cv.wait_until(lk, weft::chrono::steady_clock::now() + 1ms, [&] { return ready; });
        WEFT_ASSERT(again == ready);
        outcomes.insert(got);
        lk.unlock();
        t.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(outcomes, (std::set<bool>{false, true}));
}

TEST_P(CondvarTest, NotifyOneWakesDifferentWaitersInDifferentExecutions) {
  std::set<int> first_woken;
  const weft::Report r = weft::explore(
      [&] {
        weft::mutex m;
        weft::condition_variable cv;
        int waiting = 0;
        int permits = 0;
        int first = 0;
        auto waiter = [&](int who) {
          std::unique_lock<weft::mutex> lk(m);
          ++waiting;
          while (permits == 0) cv.wait(lk);
          --permits;
          if (first == 0) first = who;
        };
        weft::thread a(waiter, 1);
        weft::thread b(waiter, 2);
        // Once both wait, a single notify_one wakes exactly one of them.
        for (;;) {
          std::unique_lock<weft::mutex> lk(m);
          if (waiting == 2) break;
          lk.unlock();
          weft::this_thread::yield();
        }
        {
          std::lock_guard<weft::mutex> hold(m);
          permits = 1;
        }
        cv.notify_one();
        // Only the notified waiter can take the permit; the other still waits.
        for (;;) {
          std::unique_lock<weft::mutex> lk(m);
          if (permits == 0) break;
          lk.unlock();
          weft::this_thread::yield();
        }
        {
          std::lock_guard<weft::mutex> hold(m);
          permits = 1;
        }
        cv.notify_one();
        a.join();
        b.join();
        first_woken.insert(first);
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(first_woken, (std::set<int>{1, 2}));
}

TEST_P(CondvarTest, SpuriousWakeupsHappenOnlyWhenEnabled) {
  for (const bool spurious : {false, true}) {
    std::set<bool> seen;  // the flag as a wait without predicate returned
    const weft::Report r = weft::explore(
        [&] {
          weft::mutex m;
          weft::condition_variable cv;
          bool flag = false;
          weft::thread notifier([&] {
            std::lock_guard<weft::mutex> hold(m);
            flag = true;
            cv.notify_one();
          });
          {
            std::unique_lock<weft::mutex> lk(m);
            if (!flag) {
              cv.wait(lk);
              seen.insert(flag);
            }
          }
          notifier.join();
        },
        options(1000).spurious_wakeups(spurious));
    EXPECT_TRUE(r.ok()) << r;
    if (spurious)
      EXPECT_EQ(seen, (std::set<bool>{false, true}));
    else
      EXPECT_EQ(seen, (std::set<bool>{true}));
  }
}

TEST_P(CondvarTest, ConditionVariableAnyWorksWithAnyLockable) {
  const weft::Report r = weft::explore(
      [] {
        weft::mutex m;
        weft::condition_variable_any cv;
        bool ready = false;
        weft::thread t([&] {
          std::lock_guard<weft::mutex> hold(m);
          ready = true;
          cv.notify_all();
        });
        {
          std::unique_lock<weft::mutex> lk(m);
          cv.wait(lk, [&] { return ready; });
        }
        t.join();
      },
      options(1000).spurious_wakeups(true));
  EXPECT_TRUE(r.ok()) << r;
}

// -------------------------------------------------------------- semaphores

class SemaphoreTest : public StrategyTest {};
WEFT_UNDER_BOTH_STRATEGIES(SemaphoreTest);

TEST_P(SemaphoreTest, CountingSemaphoreLimitsConcurrencyToItsPermits) {
  std::set<int> peaks;
  const weft::Report r = weft::explore(
      [&] {
        weft::counting_semaphore<2> sem(2);
        int inside = 0;
        int peak = 0;
        auto worker = [&] {
          sem.acquire();
          ++inside;
          peak = std::max(peak, inside);
          WEFT_ASSERT(inside <= 2);
          weft::this_thread::yield();
          --inside;
          sem.release();
        };
        std::vector<weft::thread> threads;
        for (int i = 0; i < 4; ++i) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
        peaks.insert(peak);
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_TRUE(peaks.count(2)) << "two workers were never inside at once";
  EXPECT_FALSE(peaks.count(3));
}

TEST_P(SemaphoreTest, TryAcquireForTimesOutOrGetsTheReleasedPermit) {
  std::set<bool> outcomes;
  const weft::Report r = weft::explore(
      [&] {
        weft::binary_semaphore sem(0);
        weft::thread t([&] { sem.release(); });
        const bool got = sem.try_acquire_for(4ms);
        WEFT_ASSERT(now() == (got ? 0ns : nanoseconds(4ms)));
        outcomes.insert(got);
        t.join();
        if (!got) WEFT_ASSERT(sem.try_acquire(), "the release after the timeout left its permit");
        WEFT_ASSERT(!sem.try_acquire());
        WEFT_ASSERT(!sem.try_acquire_until(weft::chrono::steady_clock::now() + 1ms));
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(outcomes, (std::set<bool>{false, true}));
}

TEST(Semaphore, ReleaseAddsItsUpdateAndAcquireTakesOne) {
  const weft::Report r = weft::explore(
      [] {
        weft::counting_semaphore<5> sem(1);
        static_assert(weft::counting_semaphore<5>::max() == 5);
        sem.release(3);  // 4 permits
        for (int i = 0; i < 4; ++i) WEFT_ASSERT(sem.try_acquire());
        WEFT_ASSERT(!sem.try_acquire());
        sem.release();
        sem.acquire();
        WEFT_ASSERT(!sem.try_acquire());
      },
      weft::Options{}.iterations(10));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(SemaphoreTest, BinarySemaphoreHandsOffBetweenThreads) {
  const weft::Report r = weft::explore(
      [] {
        weft::binary_semaphore ping(0);
        weft::binary_semaphore pong(0);
        std::vector<int> order;
        weft::thread t([&] {
          for (int i = 0; i < 3; ++i) {
            ping.acquire();
            order.push_back(2 * i + 1);
            pong.release();
          }
        });
        for (int i = 0; i < 3; ++i) {
          order.push_back(2 * i);
          ping.release();
          pong.acquire();
        }
        t.join();
        WEFT_ASSERT((order == std::vector<int>{0, 1, 2, 3, 4, 5}));
      },
      options(500));
  EXPECT_TRUE(r.ok()) << r;
}

// -------------------------------------------------------- latch and barrier

class LatchBarrierTest : public StrategyTest {};
WEFT_UNDER_BOTH_STRATEGIES(LatchBarrierTest);

TEST_P(LatchBarrierTest, LatchOpensOnlyAfterEveryCountDown) {
  std::set<bool> early_try_wait;
  const weft::Report r = weft::explore(
      [&] {
        weft::latch done(3);
        int finished = 0;
        std::vector<weft::thread> threads;
        for (int i = 0; i < 3; ++i)
          threads.emplace_back([&] {
            ++finished;
            done.count_down();
          });
        const bool open = done.try_wait();
        WEFT_ASSERT(!open || finished == 3);
        early_try_wait.insert(open);
        done.wait();
        WEFT_ASSERT(finished == 3);
        WEFT_ASSERT(done.try_wait());
        for (auto& t : threads) t.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(early_try_wait, (std::set<bool>{false, true}));
}

TEST_P(LatchBarrierTest, LatchArriveAndWaitReleasesEveryoneTogether) {
  const weft::Report r = weft::explore(
      [] {
        weft::latch start(3);
        int arrived = 0;
        auto worker = [&] {
          ++arrived;
          start.arrive_and_wait();
          WEFT_ASSERT(arrived == 3);
        };
        weft::thread a(worker);
        weft::thread b(worker);
        ++arrived;
        start.arrive_and_wait();
        WEFT_ASSERT(arrived == 3);
        a.join();
        b.join();
        weft::latch two(2);
        two.count_down(2);
        WEFT_ASSERT(two.try_wait());
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(LatchBarrierTest, BarrierPhasesCompleteTogetherAndTheCompletionRunsOncePerPhase) {
  std::uint64_t executions = 0;
  const weft::Report r = weft::explore(
      [&] {
        int completions = 0;
        int arrived[3] = {0, 0, 0};
        weft::barrier sync(3, [&]() noexcept { ++completions; });
        auto worker = [&] {
          for (int phase = 0; phase < 3; ++phase) {
            ++arrived[phase];
            sync.arrive_and_wait();
            WEFT_ASSERT(arrived[phase] == 3, "a thread passed the barrier before all arrived");
            WEFT_ASSERT(completions == phase + 1, "the completion did not run exactly once for the phase");
          }
        };
        weft::thread a(worker);
        weft::thread b(worker);
        weft::thread c(worker);
        a.join();
        b.join();
        c.join();
        WEFT_ASSERT(completions == 3);
        ++executions;
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(executions, 1000u);
}

TEST_P(LatchBarrierTest, BarrierArriveAndDropShrinksLaterPhases) {
  const weft::Report r = weft::explore(
      [] {
        int completions = 0;
        weft::barrier sync(3, [&]() noexcept { ++completions; });
        weft::thread leaver([&] { sync.arrive_and_drop(); });
        auto stayer = [&] {
          sync.arrive_and_wait();
          WEFT_ASSERT(completions >= 1);
          sync.arrive_and_wait();  // a phase of two: deadlocks if the drop was not counted
          WEFT_ASSERT(completions == 2);
        };
        weft::thread a(stayer);
        weft::thread b(stayer);
        leaver.join();
        a.join();
        b.join();
        WEFT_ASSERT(completions == 2);
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(LatchBarrierTest, BarrierArriveThenWaitLetsWorkHappenInBetween) {
  const weft::Report r = weft::explore(
      [] {
        weft::barrier sync(2);
        int before = 0;
        weft::thread t([&] {
          ++before;
          sync.arrive_and_wait();
        });
        ++before;
        auto token = sync.arrive();
        weft::this_thread::yield();  // not yet waiting: the other may complete the phase meanwhile
        sync.wait(std::move(token));
        WEFT_ASSERT(before == 2);
        t.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

// ------------------------------------------------------------------ atomics

// exercise_int_atomic runs every operation of an integer atomic, checking
// each result; it is a template so the same checks run on std::atomic and
// on weft::atomic, inside and outside an exploration.
template <class Atomic>
std::vector<std::string> exercise_int_atomic() {
  std::vector<std::string> wrong;
  auto check = [&](bool ok, const char* what) {
    if (!ok) wrong.emplace_back(what);
  };
  Atomic a{5};
  check(a.load() == 5, "load");
  a.store(6, std::memory_order_release);
  check(a.load(std::memory_order_acquire) == 6, "store");
  check(a.fetch_add(4) == 6 && a.load() == 10, "fetch_add");
  check(a.fetch_sub(3, std::memory_order_relaxed) == 10 && a.load() == 7, "fetch_sub");
  check(a.fetch_and(6) == 7 && a.load() == 6, "fetch_and");
  check(a.fetch_or(9) == 6 && a.load() == 15, "fetch_or");
  check(a.fetch_xor(5, std::memory_order_acq_rel) == 15 && a.load() == 10, "fetch_xor");
  check(a.exchange(3) == 10 && a.load() == 3, "exchange");

  int expected = 4;
  check(!a.compare_exchange_strong(expected, 8), "compare_exchange_strong on a mismatch");
  check(expected == 3, "compare_exchange_strong stores the seen value into expected");
  check(a.load() == 3, "a failed compare_exchange_strong leaves the value");
  check(a.compare_exchange_strong(expected, 8, std::memory_order_acq_rel, std::memory_order_acquire),
        "compare_exchange_strong on a match");
  check(expected == 3 && a.load() == 8, "a successful compare_exchange_strong");

  expected = 0;
  int tries = 0;
  while (!a.compare_exchange_weak(expected, expected * 2)) ++tries;
  check(tries >= 1 && expected == 8 && a.load() == 16, "compare_exchange_weak loop");
  expected = 1;
  check(!a.compare_exchange_weak(expected, 0, std::memory_order_seq_cst, std::memory_order_relaxed) &&
            expected == 16,
        "compare_exchange_weak on a mismatch");

  check(++a == 17, "pre-increment");
  check(a++ == 17 && a.load() == 18, "post-increment");
  check(--a == 17, "pre-decrement");
  check(a-- == 17 && a.load() == 16, "post-decrement");
  check((a += 4) == 20, "+=");
  check((a -= 5) == 15, "-=");
  check((a &= 7) == 7, "&=");
  check((a |= 8) == 15, "|=");
  check((a ^= 5) == 10, "^=");
  check((a = 2) == 2, "assignment");
  const int v = a;
  check(v == 2, "conversion");
  return wrong;
}

TEST(Atomic, TheChecksHoldForStdAtomic) {
  EXPECT_EQ(exercise_int_atomic<std::atomic<int>>(), std::vector<std::string>{});
}

TEST(Atomic, EveryIntegerOperationReturnsWhatStdAtomicReturns) {
  std::vector<std::string> wrong;
  const weft::Report r = weft::explore(
      [&] {
        const auto w = exercise_int_atomic<weft::atomic<int>>();
        wrong.insert(wrong.end(), w.begin(), w.end());
      },
      weft::Options{}.iterations(5));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(wrong, std::vector<std::string>{});
}

TEST(Atomic, OperationsWorkOutsideAnExploration) {
  EXPECT_EQ(exercise_int_atomic<weft::atomic<int>>(), std::vector<std::string>{});
}

TEST(Atomic, PointerBoolAndStructAtomics) {
  const weft::Report r = weft::explore(
      [] {
        int array[4] = {0, 1, 2, 3};
        weft::atomic<int*> p{array};
        WEFT_ASSERT(p.fetch_add(2) == array && p.load() == array + 2);
        WEFT_ASSERT(++p == array + 3);
        WEFT_ASSERT((p -= 3) == array);
        WEFT_ASSERT(p.fetch_sub(-1) == array && *p.load() == 1);

        weft::atomic<bool> b;
        WEFT_ASSERT(!b.load());
        WEFT_ASSERT(!b.exchange(true) && b.load());

        struct Pair {
          int first;
          int second;
        };
        weft::atomic<Pair> pair{Pair{1, 2}};
        Pair expected{1, 3};
        WEFT_ASSERT(!pair.compare_exchange_strong(expected, Pair{5, 6}));
        WEFT_ASSERT(expected.first == 1 && expected.second == 2);
        WEFT_ASSERT(pair.compare_exchange_strong(expected, Pair{5, 6}));
        WEFT_ASSERT(pair.load().first == 5 && pair.exchange(Pair{7, 8}).second == 6);
        WEFT_ASSERT(pair.is_lock_free() && weft::atomic<Pair>::is_always_lock_free);
      },
      weft::Options{}.iterations(5));
  EXPECT_TRUE(r.ok()) << r;
}

class AtomicTest : public StrategyTest {};
WEFT_UNDER_BOTH_STRATEGIES(AtomicTest);

TEST_P(AtomicTest, ReadModifyWritesFromTwoThreadsNeverLoseAnUpdate) {
  const weft::Report r = weft::explore(
      [] {
        weft::atomic<int> counter{0};
        weft::atomic<int> cas_counter{0};
        auto work = [&] {
          for (int i = 0; i < 3; ++i) {
            counter.fetch_add(1);
            int seen = cas_counter.load();
            while (!cas_counter.compare_exchange_weak(seen, seen + 1)) {
            }
          }
        };
        weft::thread a(work);
        weft::thread b(work);
        a.join();
        b.join();
        WEFT_ASSERT(counter.load() == 6);
        WEFT_ASSERT(cas_counter.load() == 6);
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(AtomicTest, LoadThenStoreFromTwoThreadsLosesAnUpdate) {
  const weft::Report r = weft::explore(
      [] {
        weft::atomic<int> counter{0};
        auto work = [&] { counter.store(counter.load() + 1); };
        weft::thread a(work);
        weft::thread b(work);
        a.join();
        b.join();
        WEFT_ASSERT(counter.load() == 2);
      },
      options(1000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
}

TEST_P(AtomicTest, WaitReturnsOnceTheValueChangedAndNotifyOneWakesIt) {
  const weft::Report r = weft::explore(
      [] {
        weft::atomic<int> a{0};
        weft::thread waiter([&] {
          a.wait(0);
          WEFT_ASSERT(a.load() == 1);
        });
        a.store(1);
        a.notify_one();
        waiter.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(AtomicTest, NotifyAllWakesEveryWaiter) {
  const weft::Report r = weft::explore(
      [] {
        weft::atomic<int> a{0};
        auto wait_for_change = [&] { a.wait(0); };
        weft::thread w1(wait_for_change);
        weft::thread w2(wait_for_change);
        a.store(1);
        a.notify_all();
        w1.join();
        w2.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(AtomicTest, AtomicFlagTestAndSetAndASpinlockBuiltOnIt) {
  const weft::Report r = weft::explore(
      [] {
        weft::atomic_flag flag;
        WEFT_ASSERT(!flag.test());
        WEFT_ASSERT(!flag.test_and_set());
        WEFT_ASSERT(flag.test_and_set());
        WEFT_ASSERT(flag.test());
        flag.clear();
        WEFT_ASSERT(!flag.test());

        weft::atomic_flag lock;
        int inside = 0;
        int total = 0;
        auto work = [&] {
          for (int i = 0; i < 2; ++i) {
            while (lock.test_and_set(std::memory_order_acquire)) weft::this_thread::yield();
            ++inside;
            WEFT_ASSERT(inside == 1);
            weft::this_thread::yield();
            ++total;
            --inside;
            lock.clear(std::memory_order_release);
          }
        };
        weft::thread a(work);
        weft::thread b(work);
        a.join();
        b.join();
        WEFT_ASSERT(total == 4);

        weft::atomic_flag go;
        weft::thread waiter([&] { go.wait(false); });
        go.test_and_set();
        go.notify_one();
        waiter.join();
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

// --------------------------------------------------------------------- var

TEST(Var, GetSetAndOperatorsBehaveLikeThePlainValue) {
  const weft::Report r = weft::explore(
      [] {
        weft::var<int> v{5};
        WEFT_ASSERT(v.get() == 5);
        v.set(7);
        WEFT_ASSERT(v.get() == 7);
        v = 9;
        const int read = v;
        WEFT_ASSERT(read == 9);
        v += 3;
        WEFT_ASSERT(v.get() == 12);
        v -= 2;
        WEFT_ASSERT(v.get() == 10);
        v *= 3;
        WEFT_ASSERT(v.get() == 30);
        ++v;
        WEFT_ASSERT(v.get() == 31);
        --v;
        WEFT_ASSERT(v.get() == 30);
        WEFT_ASSERT(v++ == 30 && v.get() == 31);
        WEFT_ASSERT(v-- == 31 && v.get() == 30);
        weft::var<int> w;
        WEFT_ASSERT(w.get() == 0);
        w = v;
        WEFT_ASSERT(w.get() == 30);
        weft::var<std::string> s{std::string("a")};
        s.set(s.get() + "b");
        WEFT_ASSERT(s.get() == "ab");
      },
      weft::Options{}.iterations(5));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Var, EachReadAndWriteIsItsOwnTracedStep) {
  const weft::Report r = weft::explore(
      [] {
        weft::var<int> v{0};
        v.set(v.get() + 1);
        WEFT_ASSERT(v.get() == 0, "make the trace visible");
      },
      weft::Options{}.iterations(1));
  ASSERT_FALSE(r.ok());
  std::vector<std::string> ops;
  for (const weft::TraceStep& s : r.failure->trace)
    if (s.object == "var#1") ops.push_back(s.operation + " " + s.detail);
  EXPECT_EQ(ops, (std::vector<std::string>{"var.read -> 0", "var.write = 1", "var.read -> 1"}));
}

// ------------------------------------------------------------------ threads

class ThreadTest : public StrategyTest {};
WEFT_UNDER_BOTH_STRATEGIES(ThreadTest);

TEST_P(ThreadTest, IdsAreDistinctAndMatchThisThreadGetId) {
  const weft::Report r = weft::explore(
      [] {
        WEFT_ASSERT(weft::this_thread::get_id() == weft::thread::id::from_number(0));
        weft::thread::id seen[2];
        weft::thread a([&] { seen[0] = weft::this_thread::get_id(); });
        weft::thread b([&] { seen[1] = weft::this_thread::get_id(); });
        const weft::thread::id ida = a.get_id();
        const weft::thread::id idb = b.get_id();
        WEFT_ASSERT(ida != idb && ida != weft::this_thread::get_id() && idb != weft::this_thread::get_id());
        WEFT_ASSERT(ida.number() == 1 && idb.number() == 2, "threads are numbered in creation order");
        WEFT_ASSERT(a.joinable() && b.joinable());
        a.join();
        b.join();
        WEFT_ASSERT(seen[0] == ida && seen[1] == idb);
        WEFT_ASSERT(!a.joinable() && a.get_id() == weft::thread::id());
        std::ostringstream text;
        text << ida << ' ' << weft::thread::id();
        WEFT_ASSERT(text.str() == "T1 thread::id of no thread", text.str());
        WEFT_ASSERT(std::hash<weft::thread::id>{}(idb) == 2);
      },
      options(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(ThreadTest, ArgumentsAreCopiedMovedAndSwappedLikeStdThread) {
  const weft::Report r = weft::explore(
      [] {
        int sum = 0;
        auto owned = std::make_unique<int>(40);
        weft::thread a([&sum](int x, std::unique_ptr<int> p, const std::string& s) { sum = x + *p + static_cast<int>(s.size()); },
                       1, std::move(owned), std::string("x"));
        weft::thread b;
        WEFT_ASSERT(!b.joinable());
        b = std::move(a);
        WEFT_ASSERT(!a.joinable() && b.joinable());
        weft::thread c(std::move(b));
        weft::thread d;
        d.swap(c);
        WEFT_ASSERT(!c.joinable() && d.joinable());
        d.join();
        WEFT_ASSERT(sum == 42);
        WEFT_ASSERT(weft::thread::hardware_concurrency() >= 1);
      },
      options(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(ThreadTest, DetachedThreadsStillRunToTheEndOfTheExecution) {
  int finished = 0;
  const weft::Report r = weft::explore(
      [&] {
        weft::thread t([&] {
          weft::this_thread::yield();
          ++finished;
        });
        t.detach();
        WEFT_ASSERT(!t.joinable());
      },
      options(300));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(finished, 300);
}

// ------------------------------------------------------------- virtual time

TEST(VirtualTime, SleepingAnHourAdvancesTheClockByExactlyAnHour) {
  const weft::Report r = weft::explore(
      [] {
        WEFT_ASSERT(now() == 0ns, "every execution starts at virtual time zero");
        weft::this_thread::sleep_for(std::chrono::hours(1));
        WEFT_ASSERT(now() == std::chrono::hours(1));
        weft::this_thread::sleep_until(weft::chrono::steady_clock::time_point(std::chrono::hours(3)));
        WEFT_ASSERT(now() == std::chrono::hours(3));
        weft::this_thread::sleep_for(-5s);  // a span in the past returns without moving time
        weft::this_thread::sleep_until(weft::chrono::steady_clock::time_point(std::chrono::hours(1)));
        WEFT_ASSERT(now() == std::chrono::hours(3));
      },
      weft::Options{}.iterations(20));
  EXPECT_TRUE(r.ok()) << r;
}

TEST_P(ThreadTest, SleepingThreadsWakeInDeadlineOrderAtTheirDeadlines) {
  std::set<std::vector<int>> orders;
  const weft::Report r = weft::explore(
      [&] {
        std::vector<int> woke;  // deadlines in ms, in wake order
        bool short_pending = false;
        weft::thread long_sleeper([&] {
          weft::this_thread::sleep_until(weft::chrono::steady_clock::time_point(2ms));
          WEFT_ASSERT(now() == 2ms);
          WEFT_ASSERT(!short_pending, "the 2 ms timer fired while the 1 ms one was pending");
          woke.push_back(2);
        });
        weft::thread short_sleeper([&] {
          short_pending = true;
          weft::this_thread::sleep_until(weft::chrono::steady_clock::time_point(1ms));
          short_pending = false;
          woke.push_back(1);
        });
        long_sleeper.join();
        short_sleeper.join();
        orders.insert(woke);
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_TRUE(orders.count(std::vector<int>{1, 2})) << "the 1 ms sleeper never woke first";
}

TEST_P(ThreadTest, RelativeSleepsStartFromTheVirtualNow) {
  const weft::Report r = weft::explore(
      [] {
        std::vector<nanoseconds> woke;
        weft::thread t([&] {
          const nanoseconds start = now();
          weft::this_thread::sleep_for(3ms);
          WEFT_ASSERT(now() - start == 3ms);
          woke.push_back(now());
        });
        const nanoseconds start = now();
        weft::this_thread::sleep_for(5ms);
        WEFT_ASSERT(now() - start == 5ms);
        woke.push_back(now());
        t.join();
        WEFT_ASSERT(std::is_sorted(woke.begin(), woke.end()), "the virtual clock went backwards");
      },
      options(1000));
  EXPECT_TRUE(r.ok()) << r;
}

// -------------------------------------------------- outside an exploration

TEST(OutsideExplore, WeftThreadThrowsLogicError) {
  EXPECT_THROW(weft::thread([] {}), std::logic_error);
  weft::thread none;
  EXPECT_THROW(none.join(), std::logic_error);
  EXPECT_THROW(none.detach(), std::logic_error);
}

TEST(OutsideExplore, PrimitivesBehaveAsOnASingleThread) {
  EXPECT_EQ(weft::this_thread::get_id(), weft::thread::id());
  weft::mutex m;
  m.lock();
  m.unlock();
  EXPECT_TRUE(m.try_lock());
  m.unlock();
  weft::shared_mutex sm;
  EXPECT_TRUE(sm.try_lock_shared());
  sm.unlock_shared();
  weft::var<int> v{1};
  v += 1;
  EXPECT_EQ(v.get(), 2);
  weft::this_thread::yield();

  const auto wall = std::chrono::steady_clock::now().time_since_epoch();
  EXPECT_GE(weft::chrono::steady_clock::now().time_since_epoch(), wall)
      << "outside an execution the weft clock reads the real steady clock";
}

TEST(OutsideExplore, WaitsThatWouldBlockForeverThrowLogicError) {
  weft::mutex m;
  weft::condition_variable cv;
  std::unique_lock<weft::mutex> lk(m);
  EXPECT_THROW(cv.wait(lk), std::logic_error);
  weft::latch l(1);
  EXPECT_THROW(l.wait(), std::logic_error);
  weft::counting_semaphore<> sem(0);
  EXPECT_THROW(sem.acquire(), std::logic_error);
  weft::barrier<> b(1);
  EXPECT_THROW((void)b.arrive(), std::logic_error);
}

TEST(OutsideExplore, PrimitivesOutlivingAnExecutionStartFreshInTheNext) {
  // A mutex, atomic and semaphore shared by two explorations: each
  // execution sees them in their initial state, whatever the last left.
  // Leaving the mutex locked is itself reported (a lock leaked at the end).
  weft::mutex m;
  weft::atomic<int> hits{0};
  weft::binary_semaphore sem(1);
  for (int round = 0; round < 2; ++round) {
    const weft::Report r = weft::explore(
        [&] {
          m.lock();  // left locked at the end of the execution
          WEFT_ASSERT(sem.try_acquire(), "the semaphore did not start with its initial count");
          hits.fetch_add(1);
        },
        weft::Options{}.iterations(50));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse) << *r.failure;
    EXPECT_NE(r.failure->message.find("T0 ended holding mutex#1"), std::string::npos) << r.failure->message;
    EXPECT_EQ(r.executions, 1u);
  }
  EXPECT_EQ(hits.load(), 2) << "an atomic's value lives in the object, not in the execution";
  EXPECT_TRUE(m.try_lock()) << "outside an execution the mutex is not held";
  m.unlock();
}

}  // namespace
