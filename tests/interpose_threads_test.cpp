// interpose_threads_test: unmodified std::thread, std::mutex and
// std::condition_variable code under weft, through weft::interpose.

#include <gtest/gtest.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/single_threaded.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
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

// A normal mutex: an error-checking one returns EPERM instead
// (interpose_sync_test, ErrorCheckingMutexReturnsEdeadlkAndEperm).
TEST(InterposePthreads, UnlockingAMutexAnotherThreadHoldsIsMisuse) {
  const weft::Report r = weft::explore(
      [] {
        static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
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

namespace {

weft::Failure failure_of(const weft::Report& r, weft::FailureKind kind) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  EXPECT_EQ(r.failure->kind, kind) << *r.failure;
  return *r.failure;
}

TEST(InterposePthreads, DestroyingALockedMutexIsMisuse) {
  const weft::Failure f = failure_of(weft::explore(
                                         [] {
                                           pthread_mutex_t m;
                                           pthread_mutex_init(&m, nullptr);
                                           pthread_mutex_lock(&m);
                                           pthread_mutex_destroy(&m);
                                         },
                                         quick(5)),
                                     weft::FailureKind::Misuse);
  EXPECT_NE(f.message.find("mutex#1 was destroyed while T0 held it"), std::string::npos) << f.message;
}

TEST(InterposePthreads, DestroyingAConditionVariableWithAWaiterIsMisuse) {
  const weft::Failure f = failure_of(
      weft::explore(
          [] {
            static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
            static pthread_cond_t c;
            static bool waiting;
            waiting = false;
            pthread_cond_init(&c, nullptr);
            pthread_t t;
            pthread_create(&t, nullptr, [](void*) -> void* {
              pthread_mutex_lock(&m);
              waiting = true;
              pthread_cond_wait(&c, &m);  // releases m and waits in one step
              pthread_mutex_unlock(&m);
              return nullptr;
            }, nullptr);
            pthread_mutex_lock(&m);
            while (!waiting) {
              pthread_mutex_unlock(&m);
              sched_yield();
              pthread_mutex_lock(&m);
            }
            pthread_cond_destroy(&c);
            pthread_mutex_unlock(&m);
            pthread_join(t, nullptr);
          },
          quick(200)),
      weft::FailureKind::Misuse);
  EXPECT_NE(f.message.find("was destroyed while T1 waited on it"), std::string::npos) << f.message;
}

TEST(InterposePthreads, DetachedThreadsNeedNoJoinAndRunToTheirEnd) {
  const weft::Report r = weft::explore(
      [] {
        static std::atomic<int> ran;
        ran = 0;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_t a, b;
        pthread_create(&a, &attr, [](void*) -> void* { ++ran; return nullptr; }, nullptr);
        pthread_create(&b, nullptr, [](void*) -> void* { ++ran; return nullptr; }, nullptr);
        pthread_detach(b);
        pthread_attr_destroy(&attr);
        pthread_join(b, nullptr);
      },
      quick(50));
  // Joining the detached thread is Misuse: the first execution reports it.
  const weft::Failure f = failure_of(r, weft::FailureKind::Misuse);
  EXPECT_NE(f.message.find("which was detached"), std::string::npos) << f.message;
  const weft::Report clean = weft::explore(
      [] {
        std::thread([] {}).detach();
        std::thread([] {}).detach();
      },
      quick(50));
  EXPECT_TRUE(clean.ok()) << clean;
}

TEST(InterposePthreads, AThreadThatIsNeverJoinedIsALeak) {
  const weft::Failure f = failure_of(weft::explore(
                                         [] {
                                           pthread_t t;
                                           pthread_create(&t, nullptr, twice, nullptr);
                                         },
                                         quick(5)),
                                     weft::FailureKind::Misuse);
  EXPECT_NE(f.message.find("never joined or detached"), std::string::npos) << f.message;
}

TEST(InterposePthreads, AnExceptionLeavingAStdThreadIsReportedNotFatal) {
  const weft::Failure f = failure_of(weft::explore(
                                         [] {
                                           std::thread t([] { throw std::runtime_error("worker failed"); });
                                           t.join();
                                         },
                                         quick(5)),
                                     weft::FailureKind::UncaughtException);
  EXPECT_NE(f.message.find("worker failed"), std::string::npos) << f.message;
}

TEST(InterposePthreads, PthreadExitFromTheBodyEndsItWhileOthersRunOn) {
  static std::atomic<int> ran;
  ran = 0;
  const weft::Report r = weft::explore(
      [] {
        pthread_t t;
        pthread_create(&t, nullptr, [](void*) -> void* { ++ran; return nullptr; }, nullptr);
        pthread_detach(t);
        pthread_exit(nullptr);
      },
      quick(20));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(ran.load(), 20);
}

TEST(InterposePthreads, SignalsAndCancellationOfWeftThreadsAreMisuse) {
  const weft::Failure f = failure_of(weft::explore(
                                         [] {
                                           pthread_t t;
                                           pthread_create(&t, nullptr, twice, nullptr);
                                           WEFT_ASSERT(pthread_kill(t, 0) == 0 || pthread_kill(t, 0) == ESRCH);
                                           pthread_cancel(t);
                                           pthread_join(t, nullptr);
                                         },
                                         quick(5)),
                                     weft::FailureKind::Misuse);
  EXPECT_NE(f.message.find("weft does not support pthread_cancel"), std::string::npos) << f.message;
}

TEST(InterposePthreads, UnsupportedFutexOperationsAreMisuse) {
  const weft::Failure f = failure_of(weft::explore(
                                         [] {
                                           static int word = 0;
                                           syscall(SYS_futex, &word, FUTEX_CMP_REQUEUE_PRIVATE, 1, nullptr, &word, 0);
                                         },
                                         quick(5)),
                                     weft::FailureKind::Misuse);
  EXPECT_NE(f.message.find("which weft does not support"), std::string::npos) << f.message;
}

TEST(InterposePthreads, ThreadNamesOfWeftThreads) {
  const weft::Report r = weft::explore(
      [] {
        char name[32] = {};
        WEFT_ASSERT(pthread_setname_np(pthread_self(), "ignored") == 0);
        WEFT_ASSERT(pthread_getname_np(pthread_self(), name, sizeof name) == 0);
        WEFT_ASSERT(std::string(name) == "weft T0");
        std::thread t([] {});
        t.join();
      },
      quick(5));
  EXPECT_TRUE(r.ok()) << r;
}

}  // namespace

namespace {

TEST(InterposeThreadState, ExceptionStateIsPerThread) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;
        auto rethrow_after_a_switch = [&](int mine) {
          try {
            throw mine;
          } catch (int) {
            { std::lock_guard<std::mutex> hold(m); }  // a scheduling point inside the catch block
            try {
              throw;  // must rethrow this thread's exception
            } catch (int again) {
              WEFT_ASSERT(again == mine, "rethrew another thread's exception");
            }
          }
        };
        std::thread a(rethrow_after_a_switch, 1), b(rethrow_after_a_switch, 2);
        a.join();
        b.join();
      },
      quick(500));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(InterposeThreadState, LibcSingleThreadedIsClearedForExecutions) {
  const weft::Report r = weft::explore([] {
    WEFT_ASSERT(__libc_single_threaded == 0, "libstdc++ would take its single-threaded paths");
    std::thread t([] {});
    t.join();
  }, quick(5));
  EXPECT_TRUE(r.ok()) << r;
}

}  // namespace
