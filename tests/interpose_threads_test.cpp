// interpose_threads_test: unmodified std::thread, std::mutex and
// std::condition_variable code under weft, through weft::interpose.

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "weft/weft.h"

namespace {

weft::Options quick(std::uint64_t iterations = 2000) { return weft::Options{}.iterations(iterations); }

// A balance updated in two critical sections: read under the lock, write
// under the lock. Each step is locked; the update is not.
void split_update() {
  std::mutex m;
  int balance = 0;
  auto deposit = [&] {
    int seen;
    {
      std::lock_guard<std::mutex> hold(m);
      seen = balance;
    }
    std::lock_guard<std::mutex> hold(m);
    balance = seen + 1;
  };
  std::thread a(deposit), b(deposit);
  a.join();
  b.join();
  WEFT_ASSERT(balance == 2, "a deposit was lost");
}

TEST(InterposeThreads, LostUpdateAcrossTwoCriticalSectionsIsFound) {
  const weft::Report r = weft::explore(split_update, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed) << *r.failure;
  EXPECT_NE(r.failure->trace_text().find("mutex.lock    mutex#1"), std::string::npos) << r.failure->trace_text();
}

TEST(InterposeThreads, ReplayGivesTheIdenticalFailure) {
  const weft::Report r = weft::explore(split_update, quick());
  ASSERT_FALSE(r.ok());
  const weft::Report again = weft::replay(r.failure->token, split_update);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *r.failure);
}

TEST(InterposeThreads, OneCriticalSectionPasses) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;
        int balance = 0;
        auto deposit = [&] {
          std::lock_guard<std::mutex> hold(m);
          balance = balance + 1;
        };
        std::thread a(deposit), b(deposit);
        a.join();
        b.join();
        WEFT_ASSERT(balance == 2);
      },
      quick());
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(r.executions, 2000u);
}

TEST(InterposeThreads, LockOrderInversionDeadlocks) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex first, second;
        std::thread a([&] {
          std::lock_guard<std::mutex> one(first);
          std::lock_guard<std::mutex> two(second);
        });
        std::thread b([&] {
          std::lock_guard<std::mutex> two(second);
          std::lock_guard<std::mutex> one(first);
        });
        a.join();
        b.join();
      },
      quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Deadlock) << *r.failure;
}

TEST(InterposeThreads, ConditionVariableWithPredicatePasses) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;
        std::condition_variable cv;
        bool ready = false;
        std::thread waiter([&] {
          std::unique_lock<std::mutex> lock(m);
          cv.wait(lock, [&] { return ready; });
        });
        {
          std::lock_guard<std::mutex> hold(m);
          ready = true;
        }
        cv.notify_one();
        waiter.join();
      },
      quick());
  EXPECT_TRUE(r.ok()) << r;
}

TEST(InterposeThreads, ConditionVariableWithoutPredicateMissesTheNotify) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;
        std::condition_variable cv;
        std::thread waiter([&] {
          std::unique_lock<std::mutex> lock(m);
          cv.wait(lock);
        });
        cv.notify_one();
        waiter.join();
      },
      quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Deadlock) << *r.failure;
}

TEST(InterposeThreads, EachThreadHasItsOwnIdAndPthreadSelf) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;
        std::set<std::thread::id> ids;
        std::set<pthread_t> selves;
        auto record = [&] {
          std::lock_guard<std::mutex> hold(m);
          ids.insert(std::this_thread::get_id());
          selves.insert(pthread_self());
        };
        std::thread a(record), b(record);
        const std::thread::id a_id = a.get_id();
        record();
        a.join();
        b.join();
        WEFT_ASSERT(ids.size() == 3 && selves.size() == 3);
        WEFT_ASSERT(ids.count(a_id) == 1);
        WEFT_ASSERT(pthread_equal(pthread_self(), pthread_self()));
      },
      quick(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(InterposeThreads, ErrnoIsPerThread) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;
        auto keep = [&](int mine) {
          errno = mine;
          for (int i = 0; i < 3; ++i) {
            std::lock_guard<std::mutex> hold(m);
            WEFT_ASSERT(errno == mine, "errno changed under another thread");
          }
        };
        std::thread a(keep, 11), b(keep, 22);
        a.join();
        b.join();
      },
      quick(500));
  EXPECT_TRUE(r.ok()) << r;
}

void* twice(void* p) { return reinterpret_cast<void*>(2 * reinterpret_cast<std::intptr_t>(p)); }
void* exits(void*) {
  pthread_exit(reinterpret_cast<void*>(7));
}

TEST(InterposePthreads, JoinGivesTheValueReturnedOrPassedToPthreadExit) {
  const weft::Report r = weft::explore(
      [] {
        pthread_t a, b;
        WEFT_ASSERT(pthread_create(&a, nullptr, twice, reinterpret_cast<void*>(21)) == 0);
        WEFT_ASSERT(pthread_create(&b, nullptr, exits, nullptr) == 0);
        void* va = nullptr;
        void* vb = nullptr;
        WEFT_ASSERT(pthread_join(a, &va) == 0 && pthread_join(b, &vb) == 0);
        WEFT_ASSERT(reinterpret_cast<std::intptr_t>(va) == 42 && reinterpret_cast<std::intptr_t>(vb) == 7);
      },
      quick(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(InterposePthreads, UnlockingAMutexAnotherThreadHoldsIsMisuse) {
  const weft::Report r = weft::explore(
      [] {
        static pthread_mutex_t m = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
        pthread_mutex_lock(&m);
        pthread_t t;
        pthread_create(&t, nullptr, [](void*) -> void* { pthread_mutex_unlock(&m); return nullptr; }, nullptr);
        pthread_join(t, nullptr);
        pthread_mutex_unlock(&m);
      },
      quick(50));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse) << *r.failure;
  EXPECT_NE(r.failure->message.find("T1 unlocks mutex#1, which T0 holds"), std::string::npos) << r.failure->message;
}

TEST(InterposePthreads, JoiningTwiceIsMisuse) {
  const weft::Report r = weft::explore(
      [] {
        pthread_t t;
        pthread_create(&t, nullptr, twice, nullptr);
        pthread_join(t, nullptr);
        pthread_join(t, nullptr);
      },
      quick(50));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse) << *r.failure;
  EXPECT_NE(r.failure->message.find("joined already"), std::string::npos) << r.failure->message;
}

TEST(InterposePthreads, RecursiveMutexMayBeLockedAgainByItsOwner) {
  const weft::Report r = weft::explore(
      [] {
        std::recursive_mutex m;
        std::thread t([&] {
          std::lock_guard<std::recursive_mutex> one(m);
          std::lock_guard<std::recursive_mutex> two(m);
        });
        { std::lock_guard<std::recursive_mutex> one(m); }
        t.join();
      },
      quick(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(InterposePthreads, LockingAPlainMutexTwiceIsMisuse) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;
        m.lock();
        m.lock();
      },
      quick(10));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse) << *r.failure;
}

TEST(InterposePthreads, OutsideAnExecutionTheRealFunctionsRun) {
  std::mutex m;
  int n = 0;
  std::thread a([&] {
    for (int i = 0; i < 1000; ++i) {
      std::lock_guard<std::mutex> hold(m);
      ++n;
    }
  });
  for (int i = 0; i < 1000; ++i) {
    std::lock_guard<std::mutex> hold(m);
    ++n;
  }
  a.join();
  EXPECT_EQ(n, 2000);
  EXPECT_NE(std::this_thread::get_id(), std::thread::id());
}

}  // namespace

namespace {

thread_local int per_thread_counter = 0;

TEST(InterposeThreadLocal, TwoThreadsWritingAThreadLocalGetAWarning) {
  ::testing::internal::CaptureStderr();
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;
        auto count = [&] {
          per_thread_counter = per_thread_counter + 1;  // each real thread would see 1
          std::lock_guard<std::mutex> hold(m);
        };
        std::thread a(count), b(count);
        a.join();
        b.join();
      },
      quick(20));
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_NE(err.find("T1 and T2 wrote the executable's thread_local variables"), std::string::npos) << err;
}

TEST(InterposeThreadLocal, NoThreadLocalNoWarning) {
  ::testing::internal::CaptureStderr();
  const weft::Report r = weft::explore(split_update, quick(20));
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(err.find("thread_local"), std::string::npos) << err;
}

}  // namespace
