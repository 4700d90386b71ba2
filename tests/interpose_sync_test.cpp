// interpose_sync_test: the rest of the standard library's synchronization,
// and pthread rwlocks, semaphores, barriers and once, through weft::interpose;
// virtual time for sleeps, clocks and timed waits; futex-based C++20 waits.

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <future>
#include <latch>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "weft/weft.h"

namespace {

using namespace std::chrono_literals;

weft::Options quick(std::uint64_t iterations = 500) { return weft::Options{}.iterations(iterations); }

void expect_ok(const weft::Report& r, std::uint64_t executions) {
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(r.executions, executions);
}

weft::Failure expect_failure(const weft::Report& r, weft::FailureKind kind) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  EXPECT_EQ(r.failure->kind, kind) << *r.failure;
  return *r.failure;
}

TEST(InterposeSync, SharedMutexAdmitsReadersOrOneWriter) {
  expect_ok(weft::explore(
                [] {
                  std::shared_mutex m;
                  int value = 0, readers = 0;
                  auto reader = [&] {
                    std::shared_lock<std::shared_mutex> hold(m);
                    ++readers;
                    WEFT_ASSERT(value == 0 || value == 1);
                    --readers;
                  };
                  std::thread a(reader), b(reader);
                  {
                    std::unique_lock<std::shared_mutex> hold(m);
                    WEFT_ASSERT(readers == 0, "a writer ran beside a reader");
                    value = 1;
                  }
                  a.join();
                  b.join();
                },
                quick()),
            500);
}

TEST(InterposeSync, SharedTimedMutexTimesOutOnTheVirtualClock) {
  expect_ok(weft::explore(
                [] {
                  std::shared_timed_mutex m;
                  m.lock();
                  std::thread t([&] {
                    const auto start = std::chrono::steady_clock::now();
                    const bool got = m.try_lock_shared_for(1h);
                    WEFT_ASSERT(got || std::chrono::steady_clock::now() - start >= 1h);
                    if (got) m.unlock_shared();
                  });
                  std::this_thread::sleep_for(2h);
                  m.unlock();
                  t.join();
                },
                quick()),
            500);
}

TEST(InterposeSync, UnlockingAnRwlockNobodyHoldsIsMisuse) {
  const weft::Failure f = expect_failure(weft::explore(
                                             [] {
                                               pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
                                               pthread_rwlock_unlock(&rw);
                                             },
                                             quick(5)),
                                         weft::FailureKind::Misuse);
  EXPECT_NE(f.message.find("does not hold shared"), std::string::npos) << f.message;
}

// Issue 12, item 7: an error-checking mutex returns POSIX's errors for its
// misuses (a program may rely on them), where a normal one is Misuse.
TEST(InterposeSync, ErrorCheckingMutexReturnsEdeadlkAndEperm) {
  expect_ok(weft::explore(
                [] {
                  pthread_mutex_t m = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
                  WEFT_ASSERT(pthread_mutex_unlock(&m) == EPERM, "unlocking a free mutex");
                  WEFT_ASSERT(pthread_mutex_lock(&m) == 0);
                  WEFT_ASSERT(pthread_mutex_lock(&m) == EDEADLK, "relocking from the owner");
                  std::thread other([&] { WEFT_ASSERT(pthread_mutex_unlock(&m) == EPERM, "unlocking another's"); });
                  other.join();
                  WEFT_ASSERT(pthread_mutex_unlock(&m) == 0);
                  WEFT_ASSERT(pthread_mutex_trylock(&m) == 0);
                  WEFT_ASSERT(pthread_mutex_unlock(&m) == 0);
                },
                quick(20)),
            20);
}

TEST(InterposeSync, ErrorCheckingMutexFromAttributes) {
  expect_ok(weft::explore(
                [] {
                  pthread_mutexattr_t attr;
                  pthread_mutexattr_init(&attr);
                  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
                  pthread_mutex_t m;
                  pthread_mutex_init(&m, &attr);
                  pthread_mutexattr_destroy(&attr);
                  WEFT_ASSERT(pthread_mutex_lock(&m) == 0);
                  WEFT_ASSERT(pthread_mutex_lock(&m) == EDEADLK);
                  WEFT_ASSERT(pthread_mutex_unlock(&m) == 0);
                  pthread_mutex_destroy(&m);
                },
                quick(5)),
            5);
}

TEST(InterposeSync, NormalMutexUnlockedByAnotherThreadIsMisuse) {
  expect_failure(weft::explore(
                     [] {
                       pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
                       pthread_mutex_lock(&m);
                       std::thread other([&] { pthread_mutex_unlock(&m); });
                       other.join();
                     },
                     quick(5)),
                 weft::FailureKind::Misuse);
}

TEST(InterposeSync, PosixSemaphoreCountsPermits) {
  expect_ok(weft::explore(
                [] {
                  sem_t s;
                  sem_init(&s, 0, 1);
                  int value = -1;
                  sem_getvalue(&s, &value);
                  WEFT_ASSERT(value == 1);
                  WEFT_ASSERT(sem_trywait(&s) == 0);
                  WEFT_ASSERT(sem_trywait(&s) == -1 && errno == EAGAIN);
                  std::thread poster([&] { sem_post(&s); });
                  sem_wait(&s);
                  poster.join();
                  sem_getvalue(&s, &value);
                  WEFT_ASSERT(value == 0);
                  sem_destroy(&s);
                },
                quick()),
            500);
}

TEST(InterposeSync, SemaphoreTimedWaitTimesOut) {
  expect_ok(weft::explore(
                [] {
                  sem_t s;
                  sem_init(&s, 0, 0);
                  timespec at{};
                  clock_gettime(CLOCK_REALTIME, &at);
                  at.tv_sec += 5;
                  WEFT_ASSERT(sem_timedwait(&s, &at) == -1 && errno == ETIMEDOUT);
                  timespec now{};
                  clock_gettime(CLOCK_REALTIME, &now);
                  WEFT_ASSERT(now.tv_sec == at.tv_sec, "the virtual clock is at the deadline");
                },
                quick(5)),
            5);
}

TEST(InterposeSync, BarrierPicksExactlyOneSerialThreadPerPhase) {
  expect_ok(weft::explore(
                [] {
                  pthread_barrier_t b;
                  pthread_barrier_init(&b, nullptr, 3);
                  std::atomic<int> serial{0};
                  auto arrive = [&] {
                    for (int phase = 0; phase < 2; ++phase)
                      if (pthread_barrier_wait(&b) == PTHREAD_BARRIER_SERIAL_THREAD) ++serial;
                  };
                  std::thread a(arrive), c(arrive);
                  arrive();
                  a.join();
                  c.join();
                  WEFT_ASSERT(serial.load() == 2);
                  pthread_barrier_destroy(&b);
                },
                quick()),
            500);
}

TEST(InterposeSync, CallOnceRunsItsFunctionOnceAndAgainAfterAThrow) {
  expect_ok(weft::explore(
                [] {
                  std::once_flag once;
                  int calls = 0, attempts = 0;
                  auto init = [&] {
                    std::call_once(once, [&] {
                      ++attempts;
                      std::this_thread::yield();
                      if (attempts == 1) throw std::runtime_error("first attempt fails");
                      ++calls;
                    });
                  };
                  auto guarded = [&] {
                    try {
                      init();
                    } catch (const std::runtime_error&) {
                      init();
                    }
                  };
                  std::thread a(guarded), b(guarded);
                  a.join();
                  b.join();
                  WEFT_ASSERT(calls == 1 && attempts == 2);
                },
                quick()),
            500);
}

TEST(InterposeSync, LatchThatIsNeverOpenedDeadlocks) {
  const weft::Failure f = expect_failure(weft::explore(
                                             [] {
                                               std::latch done(2);
                                               std::thread worker([&] { done.count_down(); });
                                               done.wait();  // one count_down short
                                               worker.join();
                                             },
                                             quick(20)),
                                         weft::FailureKind::Deadlock);
  EXPECT_NE(f.trace_text().find("atomic.wait"), std::string::npos) << f.trace_text();
}

TEST(InterposeSync, LatchCountingSemaphoreBarrierAndAtomicWaitWork) {
  expect_ok(weft::explore(
                [] {
                  std::latch started(2);
                  std::counting_semaphore<4> slots(0);
                  std::barrier<> phase(2);
                  std::atomic<int> flag{0};
                  std::thread worker([&] {
                    started.count_down();
                    slots.release(2);
                    phase.arrive_and_wait();
                    flag.store(1);
                    flag.notify_one();
                  });
                  started.arrive_and_wait();
                  slots.acquire();
                  slots.acquire();
                  phase.arrive_and_wait();
                  flag.wait(0);
                  WEFT_ASSERT(flag.load() == 1);
                  worker.join();
                },
                quick()),
            500);
}

TEST(InterposeSync, FuturePromiseAndAsync) {
  expect_ok(weft::explore(
                [] {
                  std::promise<int> p;
                  std::future<int> f = p.get_future();
                  std::thread t([&] { p.set_value(41); });
                  auto more = std::async(std::launch::async, [&] { return f.get() + 1; });
                  WEFT_ASSERT(more.get() == 42);
                  t.join();
                },
                quick()),
            500);
}

TEST(InterposeSync, JthreadJoinsOnDestruction) {
  expect_ok(weft::explore(
                [] {
                  std::atomic<int> ran{0};
                  {
                    std::jthread t([&](std::stop_token) { ++ran; });
                  }
                  WEFT_ASSERT(ran.load() == 1);
                },
                quick(100)),
            100);
}

TEST(InterposeSync, TimedMutexAndConditionWaitTimeOutInVirtualTime) {
  const auto start = std::chrono::steady_clock::now();
  expect_ok(weft::explore(
                [] {
                  std::timed_mutex tm;
                  std::mutex m;
                  std::condition_variable cv;
                  tm.lock();
                  std::thread t([&] {
                    WEFT_ASSERT(!tm.try_lock_for(10min));
                    std::unique_lock<std::mutex> lock(m);
                    WEFT_ASSERT(cv.wait_for(lock, 1h) == std::cv_status::timeout);
                  });
                  t.join();
                  tm.unlock();
                },
                quick(100)),
            100);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s) << "virtual time does not pass for real";
}

TEST(InterposeSync, ConditionVariableAnyAndRecursiveTimedMutex) {
  expect_ok(weft::explore(
                [] {
                  std::recursive_timed_mutex m;
                  std::condition_variable_any cv;
                  bool ready = false;
                  std::thread waiter([&] {
                    std::unique_lock<std::recursive_timed_mutex> lock(m);
                    cv.wait(lock, [&] { return ready; });
                  });
                  {
                    std::unique_lock<std::recursive_timed_mutex> lock(m, std::defer_lock);
                    if (!lock.try_lock_for(1s)) lock.lock();  // a timed wait that may time out
                    std::lock_guard<std::recursive_timed_mutex> again(m);
                    ready = true;
                  }
                  cv.notify_all();
                  waiter.join();
                },
                quick()),
            500);
}

TEST(InterposeSync, SleepsAndClocksAreVirtualAndDeterministic) {
  std::vector<long> seen;
  const weft::Report r = weft::explore(
      [&] {
        const auto before = std::chrono::system_clock::now();
        std::this_thread::sleep_for(1h);
        sleep(60);
        usleep(1000);
        const auto after = std::chrono::system_clock::now();
        WEFT_ASSERT(after - before == 1h + 60s + 1ms);
        seen.push_back(static_cast<long>(time(nullptr)));
      },
      quick(3));
  EXPECT_TRUE(r.ok()) << r;
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], seen[2]);
}

TEST(InterposeSync, SpinLoopsOnYieldAndZeroSleepsEnd) {
  expect_ok(weft::explore(
                [] {
                  std::atomic<bool> go{false};
                  std::thread a([&] {
                    while (!go.load()) sched_yield();
                  });
                  std::thread b([&] {
                    while (!go.load()) usleep(0);
                  });
                  std::thread c([&] {
                    while (!go.load()) std::this_thread::yield();
                  });
                  std::this_thread::sleep_for(0s);
                  go = true;
                  a.join();
                  b.join();
                  c.join();
                },
                weft::Options{}.iterations(300).strategy(weft::Strategy::random())),
            300);
}

TEST(InterposeSync, SpinningOnTheClockLetsVirtualTimePass) {
  expect_ok(weft::explore(
                [] {
                  const auto until = std::chrono::steady_clock::now() + 50ms;
                  while (std::chrono::steady_clock::now() < until) {
                  }
                },
                quick(5)),
            5);
}

TEST(InterposeSync, StaticLocalInitialisationWaitsForTheFirstThread) {
  expect_ok(weft::explore(
                [] {
                  std::mutex m;
                  auto use = [&] {
                    static const int value = [&] {
                      std::lock_guard<std::mutex> hold(m);  // a scheduling point inside the initialiser
                      return 7;
                    }();
                    WEFT_ASSERT(value == 7);
                  };
                  std::thread a(use), b(use);
                  a.join();
                  b.join();
                },
                quick(50)),
            50);
}

}  // namespace
