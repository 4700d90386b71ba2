// The engine underneath the primitives: per-fiber runtime state, unwinding,
// scale, stack reuse.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace {

weft::Options quick(std::uint64_t iterations = 500) { return weft::Options{}.iterations(iterations); }

void expect_ok(const weft::Report& r) { EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.failure->to_string()); }

}  // namespace

TEST(Engine, ErrnoIsPerThread) {
  for (auto strategy : {weft::Strategy::random(), weft::Strategy::pct(3)}) {
    expect_ok(weft::explore(
        [] {
          auto worker = [](int mine) {
            for (int i = 0; i < 3; ++i) {
              errno = mine;
              weft::this_thread::yield();
              WEFT_ASSERT(errno == mine, "errno leaked between weft threads");
            }
          };
          weft::thread a(worker, 11);
          weft::thread b(worker, 22);
          worker(33);
          a.join();
          b.join();
        },
        quick().strategy(strategy)));
  }
}

TEST(Engine, ExceptionStateIsPerThread) {
  // A rethrow inside a catch block, after other threads threw and caught
  // their own exceptions in between, must rethrow this thread's exception.
  expect_ok(weft::explore(
      [] {
        auto worker = [](int mine) {
          try {
            throw std::runtime_error(std::to_string(mine));
          } catch (const std::runtime_error&) {
            weft::this_thread::yield();
            WEFT_ASSERT(std::uncaught_exceptions() == 0);
            try {
              throw;
            } catch (const std::runtime_error& again) {
              WEFT_ASSERT(std::string(again.what()) == std::to_string(mine), "rethrew another thread's exception");
            }
          }
        };
        weft::thread a(worker, 1);
        weft::thread b(worker, 2);
        worker(3);
        a.join();
        b.join();
      },
      quick()));
}

TEST(Engine, UnwindingAfterAFailureRunsEveryDestructor) {
  static int alive = 0;
  struct Counted {
    Counted() { ++alive; }
    Counted(const Counted&) = delete;
    Counted& operator=(const Counted&) = delete;
    ~Counted() { --alive; }
  };
  const weft::Report r = weft::explore(
      [] {
        Counted in_body;
        weft::mutex m1, m2;
        weft::thread a([&] {
          Counted in_a;
          std::lock_guard g1(m1);
          std::lock_guard g2(m2);
        });
        weft::thread b([&] {
          Counted in_b;
          std::lock_guard g2(m2);
          std::lock_guard g1(m1);
        });
        a.join();
        b.join();
      },
      quick(5000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Deadlock);
  EXPECT_EQ(alive, 0) << "a blocked fiber was abandoned instead of unwound";
}

TEST(Engine, ManyThreadsHaveNoFixedLimit) {
  expect_ok(weft::explore(
      [] {
        weft::atomic<int> count{0};
        std::vector<weft::thread> threads;
        for (int i = 0; i < 200; ++i) threads.emplace_back([&] { count.fetch_add(1); });
        for (auto& t : threads) t.join();
        WEFT_ASSERT(count.load() == 200);
      },
      quick(20)));
}

TEST(Engine, ThreadsStartThreads) {
  expect_ok(weft::explore(
      [] {
        weft::atomic<int> depth{0};
        std::function<void(int)> nest = [&](int n) {
          depth.fetch_add(1);
          if (n == 0) return;
          weft::thread child(nest, n - 1);
          child.join();
        };
        nest(20);
        WEFT_ASSERT(depth.load() == 21);
      },
      quick(50)));
}

TEST(Engine, DetachedThreadsRunToTheEnd) {
  expect_ok(weft::explore(
      [] {
        auto done = std::make_shared<weft::atomic<int>>(0);
        weft::thread([done] { done->fetch_add(1); }).detach();
        weft::thread([done] { done->fetch_add(1); }).detach();
      },
      quick()));
}

TEST(Engine, ExplorationsAfterAFailureStartClean) {
  const auto buggy = [] {
    weft::var<int> x{0};
    weft::thread a([&] { x.set(x.get() + 1); });
    x.set(x.get() + 1);
    a.join();
    WEFT_ASSERT(x.get() == 2);
  };
  for (int round = 0; round < 3; ++round) {
    const auto r = weft::explore(buggy, quick(5000));
    ASSERT_FALSE(r.ok());
    expect_ok(weft::explore([] { weft::thread a([] {}); a.join(); }, quick(100)));
  }
}

TEST(Engine, StaticPrimitivesStartFreshInEveryExecution) {
  static weft::mutex shared_mutex_object;
  // The body leaves the mutex locked when its assertion fails; the next
  // execution must not inherit that.
  int executions = 0;
  const weft::Report r = weft::explore(
      [&] {
        ++executions;
        shared_mutex_object.lock();
        WEFT_ASSERT(executions < 3);
        shared_mutex_object.unlock();
      },
      quick(10));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
  expect_ok(weft::explore([] { std::lock_guard g(shared_mutex_object); }, quick(5)));
}

TEST(Engine, ReportsAreWrittenInThreadNumbersNotAddresses) {
  const auto r = weft::explore(
      [] {
        weft::mutex m;
        weft::thread a([&] { m.lock(); });
        a.join();
        m.lock();
      },
      quick(10));
  ASSERT_FALSE(r.ok());
  const std::string text = r.failure->to_string();
  EXPECT_EQ(text.find("0x"), std::string::npos) << text;
  EXPECT_NE(text.find("mutex#1"), std::string::npos) << text;
}
