// ThreadSanitizer mode and weft::interpose together: unmodified std::thread
// and std::mutex code, built with clang -fsanitize=thread. weft controls the
// threads and locks; TSan watches the memory; the races it finds are weft
// failures with tokens, and the locks' edges reach it.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <latch>
#include <array>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "weft/weft.h"

namespace {

weft::Failure failure_of(const weft::Report& r) {
  EXPECT_FALSE(r.ok()) << "no failure in " << r.executions << " executions";
  return r.ok() ? weft::Failure{} : *r.failure;
}

void unprotected_vector() {
  std::vector<int> results;
  std::thread a([&] { results.push_back(1); });
  std::thread b([&] { results.push_back(2); });
  a.join();
  b.join();
}

void protected_vector() {
  std::vector<int> results;
  std::mutex m;
  auto append = [&](int v) {
    std::lock_guard lock(m);
    results.push_back(v);
  };
  std::thread a(append, 1);
  std::thread b(append, 2);
  a.join();
  b.join();
  WEFT_ASSERT(results.size() == 2);
}

void condition_variable_hand_off() {
  std::mutex m;
  std::condition_variable cv;
  std::string box;
  bool full = false;
  std::thread producer([&] {
    std::lock_guard lock(m);
    box = "a message long enough to live on the heap";
    full = true;
    cv.notify_one();
  });
  std::thread consumer([&] {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return full; });
    WEFT_ASSERT(box.size() > 20);
  });
  producer.join();
  consumer.join();
}

void many_threads_locks_and_futex_waits() {
  // The interposition's tables and futex waiter lists grow on one fiber and
  // are freed on another: TSan must not see them.
  std::array<std::mutex, 4> locks;
  std::array<int, 4> counters{};
  std::latch started(5);
  std::atomic<int> phase{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 5; ++i) {
    threads.emplace_back([&, i] {
      started.count_down();
      for (int k = 0; k < 4; ++k) {
        const auto j = static_cast<std::size_t>((i + k) % 4);
        std::lock_guard lock(locks[j]);
        ++counters[j];
      }
      phase.wait(0);
    });
  }
  started.wait();
  phase.store(1);
  phase.notify_all();
  for (auto& t : threads) t.join();
  WEFT_ASSERT(counters[0] + counters[1] + counters[2] + counters[3] == 20);
}

TEST(TsanInterpose, ManyThreadsLocksAndFutexWaitsAreClean) {
  const weft::Report r = weft::explore(many_threads_locks_and_futex_waits, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r.failure->to_string();
}

TEST(TsanInterpose, AnUnprotectedVectorBetweenStdThreadsIsADataRace) {
  const weft::Failure f = failure_of(weft::explore(unprotected_vector, weft::Options{}.iterations(200)));
  EXPECT_EQ(f.kind, weft::FailureKind::DataRace) << f.to_string();
  EXPECT_NE(f.message.find("ThreadSanitizer: data-race"), std::string::npos) << f.message;
  EXPECT_EQ(failure_of(weft::replay(f.token, unprotected_vector)), f);
}

TEST(TsanInterpose, AStdMutexOrdersTheAccesses) {
  for (auto strategy : {weft::Strategy::random(), weft::Strategy::pct(3)}) {
    const weft::Report r = weft::explore(protected_vector, weft::Options{}.strategy(strategy).iterations(1000));
    EXPECT_TRUE(r.ok()) << r.failure->to_string();
  }
}

TEST(TsanInterpose, AStdConditionVariableHandOffIsClean) {
  const weft::Report r = weft::explore(condition_variable_hand_off, weft::Options{}.iterations(1000));
  EXPECT_TRUE(r.ok()) << r.failure->to_string();
}

}  // namespace
