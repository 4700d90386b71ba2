// race_test: the happens-before race detector. Racy bodies are reported as
// DataRace with both accesses named, even when their assertions pass; every
// synchronization weft offers orders accesses so that correct bodies stay
// clean under both strategies.

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <mutex>
#include <ostream>
#include <shared_mutex>
#include <string>
#include <vector>

#include "weft/weft.h"

namespace {

using weft::FailureKind;

std::string site(unsigned line) { return "race_test.cpp:" + std::to_string(line); }

// expect_race explores `body` and expects a DataRace.
template <class F>
weft::Failure expect_race(F body, weft::Options options = weft::Options{}) {
  const weft::Report r = weft::explore(body, options);
  EXPECT_FALSE(r.ok()) << "no race found in " << r.executions << " executions";
  if (r.ok()) return {};
  EXPECT_EQ(r.failure->kind, FailureKind::DataRace) << *r.failure;
  return *r.failure;
}

// expect_clean explores `body` 2000 times under pct(3) and under random.
template <class F>
void expect_clean(F body, std::uint64_t iterations = 2000) {
  for (const weft::Strategy s : {weft::Strategy::pct(3), weft::Strategy::random()}) {
    const weft::Report r = weft::explore(body, weft::Options{}.strategy(s).iterations(iterations));
    EXPECT_TRUE(r.ok()) << s.to_string() << ": " << *r.failure;
    EXPECT_EQ(r.executions, iterations) << s.to_string();
  }
}

// --- A racy counter whose assertion passes. ---

constexpr unsigned kCounterRead = __LINE__ + 5;
constexpr unsigned kCounterWrite = __LINE__ + 5;
void racy_counter() {
  weft::var<int> x{0};
  auto increment = [&] {
    const int seen = x.get();
    x.set(seen + 1);
  };
  weft::thread a(increment);
  weft::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(x.get() >= 1);  // true in every interleaving
}

TEST(Race, RacyCounterIsReportedThoughItsAssertionPasses) {
  const weft::Failure f = expect_race(racy_counter);
  EXPECT_NE(f.message.find("data race on var#1: "), std::string::npos) << f.message;
  EXPECT_NE(f.message.find(site(kCounterRead)), std::string::npos) << f.message;
  EXPECT_NE(f.message.find(site(kCounterWrite)), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("T1 "), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("T2 "), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("with no happens-before between them"), std::string::npos) << f.message;
  EXPECT_NE(f.to_string().find("weft: DataRace"), std::string::npos) << f;
}

TEST(Race, DetectionCanBeTurnedOff) {
  const weft::Report r = weft::explore(racy_counter, weft::Options{}.race_detection(false).iterations(2000));
  EXPECT_TRUE(r.ok()) << *r.failure;
  EXPECT_EQ(r.executions, 2000u);
}

TEST(Race, MutexCounterIsClean) {
  expect_clean([] {
    weft::mutex m;
    weft::var<int> x{0};
    auto increment = [&] {
      std::lock_guard hold(m);
      x.set(x.get() + 1);
    };
    weft::thread a(increment);
    weft::thread b(increment);
    a.join();
    b.join();
    WEFT_ASSERT(x.get() == 2);
  });
}

constexpr unsigned kLockedWrite = __LINE__ + 8;
constexpr unsigned kBareWrite = __LINE__ + 9;
TEST(Race, ReportSaysWhichLocksEachThreadHeld) {
  const weft::Failure f = expect_race([] {
    weft::mutex m;
    weft::var<int> x{0};
    weft::thread a([&] {
      std::lock_guard hold(m);
      x.set(1);
    });
    weft::thread b([&] { x.set(2); });
    a.join();
    b.join();
  });
  EXPECT_NE(f.message.find(site(kLockedWrite) + " (step"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find(site(kBareWrite) + " (step"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("holding mutex#1"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("no lock held"), std::string::npos) << f.message;
}

TEST(Race, FailureIsLocatedAtTheSecondAccess) {
  const weft::Failure f = expect_race(racy_counter);
  // The message names the second access first, and the failure is there.
  const std::size_t from = f.message.find(" at race_test.cpp:");
  ASSERT_NE(from, std::string::npos) << f.message;
  const std::string second = f.message.substr(from + 4, f.message.find(' ', from + 4) - (from + 4));
  EXPECT_NE(f.to_string().find("(at " + second + ")"), std::string::npos) << f;
}

// --- Publication through an atomic flag, by memory order. ---

struct Orders {
  const char* name;
  std::memory_order store;
  std::memory_order load;
  bool races;
};

// PrintTo names an Orders in GoogleTest's output.
void PrintTo(const Orders& o, std::ostream* out) { *out << o.name; }

class Publication : public ::testing::TestWithParam<Orders> {};

TEST_P(Publication, RacesUnlessTheStoreReleasesAndTheLoadAcquires) {
  const Orders o = GetParam();
  auto body = [o] {
    weft::var<int> data{0};
    weft::atomic<bool> ready{false};
    weft::thread producer([&] {
      data.set(42);
      ready.store(true, o.store);
    });
    if (ready.load(o.load)) WEFT_ASSERT(data.get() == 42);
    producer.join();
  };
  if (o.races) {
    expect_race(body);
  } else {
    expect_clean(body);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Race, Publication,
    ::testing::Values(Orders{"RelaxedRelaxed", std::memory_order_relaxed, std::memory_order_relaxed, true},
                      Orders{"ReleaseRelaxed", std::memory_order_release, std::memory_order_relaxed, true},
                      Orders{"RelaxedAcquire", std::memory_order_relaxed, std::memory_order_acquire, true},
                      Orders{"ReleaseAcquire", std::memory_order_release, std::memory_order_acquire, false},
                      Orders{"SeqCst", std::memory_order_seq_cst, std::memory_order_seq_cst, false}),
    [](const ::testing::TestParamInfo<Orders>& p) { return std::string(p.param.name); });

TEST(Race, ReleaseSequenceContinuesThroughARelaxedRmw) {
  expect_clean([] {
    weft::var<int> data{0};
    weft::atomic<int> flag{0};
    weft::thread producer([&] {
      data.set(42);
      flag.store(1, std::memory_order_release);
    });
    weft::thread bumper([&] {
      int expected = 1;
      flag.compare_exchange_strong(expected, 2, std::memory_order_relaxed, std::memory_order_relaxed);
    });
    if (flag.load(std::memory_order_acquire) == 2) WEFT_ASSERT(data.get() == 42);
    producer.join();
    bumper.join();
  });
}

TEST(Race, ARelaxedStoreEndsTheReleaseSequence) {
  expect_race([] {
    weft::var<int> data{0};
    weft::atomic<int> flag{0};
    weft::thread producer([&] {
      data.set(42);
      flag.store(1, std::memory_order_release);
    });
    weft::thread other([&] {
      if (flag.load(std::memory_order_relaxed) == 1) flag.store(2, std::memory_order_relaxed);
    });
    if (flag.load(std::memory_order_acquire) == 2) (void)data.get();
    producer.join();
    other.join();
  });
}

// --- Message passing through each primitive. ---

TEST(Race, MutexAndCondvarHandOffIsClean) {
  expect_clean([] {
    weft::mutex m;
    weft::condition_variable cv;
    weft::var<int> data{0};
    bool ready = false;  // only touched under m
    weft::thread producer([&] {
      data.set(42);
      {
        std::lock_guard hold(m);
        ready = true;
      }
      cv.notify_one();
    });
    {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return ready; });
    }
    WEFT_ASSERT(data.get() == 42);
    producer.join();
  });
}

TEST(Race, SemaphoreHandOffIsClean) {
  expect_clean([] {
    weft::binary_semaphore filled(0);
    weft::var<int> data{0};
    weft::thread producer([&] {
      data.set(42);
      filled.release();
    });
    filled.acquire();
    WEFT_ASSERT(data.get() == 42);
    data.set(0);
    producer.join();
  });
}

TEST(Race, LatchHandOffIsClean) {
  expect_clean([] {
    weft::latch done(2);
    std::array<weft::var<int>, 2> slots{};
    auto worker = [&](int i) {
      slots[i].set(i + 1);
      done.count_down();
    };
    weft::thread a(worker, 0);
    weft::thread b(worker, 1);
    done.wait();
    WEFT_ASSERT(slots[0].get() + slots[1].get() == 3);
    slots[0].set(0);
    a.join();
    b.join();
  });
}

TEST(Race, LatchTryWaitThatSucceedsSynchronizes) {
  expect_clean([] {
    weft::latch done(1);
    weft::var<int> data{0};
    weft::thread worker([&] {
      data.set(1);
      done.count_down();
    });
    if (done.try_wait()) WEFT_ASSERT(data.get() == 1);
    worker.join();
  });
}

TEST(Race, BarrierPhasesAreClean) {
  expect_clean([] {
    constexpr int kThreads = 3;
    weft::barrier sync(kThreads);
    std::array<weft::var<int>, kThreads> slots{};
    auto worker = [&](int i) {
      for (int phase = 1; phase <= 3; ++phase) {
        slots[i].set(phase);  // write my slot
        sync.arrive_and_wait();
        WEFT_ASSERT(slots[(i + 1) % kThreads].get() == phase);  // read a neighbour's
        sync.arrive_and_wait();
      }
    };
    std::vector<weft::thread> threads;
    for (int i = 0; i < kThreads; ++i) threads.emplace_back(worker, i);
    for (auto& t : threads) t.join();
  }, 500);
}

TEST(Race, BarrierCompletionFunctionPublishesToTheWaiters) {
  expect_clean([] {
    weft::var<int> total{0};
    std::array<weft::var<int>, 2> slots{};
    auto sum = [&]() noexcept { total.set(slots[0].get() + slots[1].get()); };
    weft::barrier<decltype(sum)> sync(2, sum);
    auto worker = [&](int i) {
      slots[i].set(i + 1);
      sync.arrive_and_wait();
      WEFT_ASSERT(total.get() == 3);
    };
    weft::thread a(worker, 0);
    weft::thread b(worker, 1);
    a.join();
    b.join();
  }, 500);
}

TEST(Race, BarrierDoesNotOrderTheSamePhase) {
  expect_race([] {
    weft::barrier sync(2);
    weft::var<int> shared{0};
    auto worker = [&](int i) {
      sync.arrive_and_wait();
      shared.set(i);  // both write after the same phase
    };
    weft::thread a(worker, 1);
    weft::thread b(worker, 2);
    a.join();
    b.join();
  });
}

TEST(Race, JoinAndSpawnAreClean) {
  expect_clean([] {
    weft::var<int> data{1};
    data.set(2);  // before the spawn: the child sees it
    weft::thread child([&] {
      WEFT_ASSERT(data.get() == 2);
      data.set(3);
    });
    child.join();  // after the join: the child's write is seen
    WEFT_ASSERT(data.get() == 3);
    data.set(4);
  });
}

TEST(Race, WriteBeforeJoinWithoutJoiningRaces) {
  expect_race([] {
    weft::var<int> data{0};
    weft::thread child([&] { data.set(1); });
    (void)data.get();
    child.join();
  });
}

TEST(Race, ConcurrentReadsAreCleanAndAWriteAfterThemRaces) {
  expect_clean([] {
    weft::var<int> data{7};
    data.set(8);
    weft::thread a([&] { WEFT_ASSERT(data.get() == 8); });
    weft::thread b([&] { WEFT_ASSERT(data.get() == 8); });
    a.join();
    b.join();
    data.set(9);
  });
  expect_race([] {
    weft::var<int> data{7};
    weft::thread a([&] { (void)data.get(); });
    weft::thread b([&] { (void)data.get(); });
    weft::thread c([&] { data.set(9); });
    a.join();
    b.join();
    c.join();
  });
}

// --- Double-checked initialization. ---

template <std::memory_order FastLoad>
void double_checked_init() {
  weft::atomic<bool> initialized{false};
  weft::mutex m;
  weft::var<int> value{0};
  auto get = [&] {
    if (!initialized.load(FastLoad)) {
      std::lock_guard hold(m);
      if (!initialized.load(std::memory_order_relaxed)) {
        value.set(42);
        initialized.store(true, std::memory_order_release);
      }
    }
    WEFT_ASSERT(value.get() == 42);
  };
  weft::thread a(get);
  weft::thread b(get);
  get();
  a.join();
  b.join();
}

TEST(Race, DoubleCheckedInitializationDoneRightIsClean) {
  expect_clean(double_checked_init<std::memory_order_acquire>);
}

TEST(Race, DoubleCheckedInitializationWithARelaxedFastPathRaces) {
  expect_race(double_checked_init<std::memory_order_relaxed>);
}

// --- Readers and writers. ---

template <bool WriterTakesItShared>
void readers_and_writer() {
  weft::shared_mutex rw;
  weft::var<int> value{0};
  auto reader = [&] {
    std::shared_lock hold(rw);
    (void)value.get();
  };
  weft::thread r1(reader);
  weft::thread r2(reader);
  weft::thread w([&] {
    if constexpr (WriterTakesItShared) {
      std::shared_lock hold(rw);
      value.set(value.get() + 1);
    } else {
      std::unique_lock hold(rw);
      value.set(value.get() + 1);
    }
  });
  r1.join();
  r2.join();
  w.join();
}

TEST(Race, ReadersUnderLockSharedAndAWriterUnderLockAreClean) { expect_clean(readers_and_writer<false>); }

TEST(Race, AWriterUnderLockSharedRaces) {
  const weft::Failure f = expect_race(readers_and_writer<true>);
  EXPECT_NE(f.message.find("shared_mutex#1 (shared)"), std::string::npos) << f.message;
}

// --- Hand-over-hand locking. ---

struct Node {
  weft::mutex m;
  weft::var<int> value{0};
};

TEST(Race, HandOverHandLockingIsClean) {
  expect_clean([] {
    constexpr int kNodes = 4;
    std::array<Node, kNodes> list;
    auto walk = [&](int add) {
      list[0].m.lock();
      for (int i = 0; i < kNodes; ++i) {
        list[i].value.set(list[i].value.get() + add);
        if (i + 1 < kNodes) list[i + 1].m.lock();
        list[i].m.unlock();
      }
    };
    weft::thread a(walk, 1);
    weft::thread b(walk, 10);
    walk(100);
    a.join();
    b.join();
    for (auto& n : list) WEFT_ASSERT(n.value.get() == 111);
  }, 500);
}

TEST(Race, HandOverHandWithAnEarlyUnlockRaces) {
  expect_race([] {
    constexpr int kNodes = 3;
    std::array<Node, kNodes> list;
    auto walk = [&] {
      for (int i = 0; i < kNodes; ++i) {
        list[i].m.lock();
        list[i].m.unlock();                                // unlocked before the access
        list[i].value.set(list[i].value.get() + 1);
      }
    };
    weft::thread a(walk);
    weft::thread b(walk);
    a.join();
    b.join();
  });
}

// --- Recursive and timed mutexes. ---

TEST(Race, RecursiveAndTimedMutexesSynchronize) {
  expect_clean([] {
    weft::recursive_mutex rm;
    weft::timed_mutex tm;
    weft::var<int> a{0};
    weft::var<int> b{0};
    auto work = [&] {
      {
        std::lock_guard outer(rm);
        std::lock_guard inner(rm);
        a.set(a.get() + 1);
      }
      if (tm.try_lock()) {
        b.set(b.get() + 1);
        tm.unlock();
      }
    };
    weft::thread t1(work);
    weft::thread t2(work);
    t1.join();
    t2.join();
  });
}

// --- Replay and scale. ---

TEST(Race, ADataRaceTokenReplaysToTheIdenticalFailure) {
  const weft::Report found = weft::explore(racy_counter, weft::Options{}.strategy(weft::Strategy::random()));
  ASSERT_FALSE(found.ok());
  const weft::Failure& original = *found.failure;
  ASSERT_EQ(original.kind, FailureKind::DataRace);
  const weft::Report replayed = weft::replay(original.token, racy_counter);
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.executions, 1u);
  EXPECT_TRUE(*replayed.failure == original) << "original:\n" << original << "\nreplayed:\n" << *replayed.failure;
}

TEST(Race, FiftyThreadsAreNoLimit) {
  constexpr int kThreads = 50;
  expect_clean([] {
    weft::mutex m;
    weft::var<int> total{0};
    std::vector<weft::thread> threads;
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back([&] {
        std::lock_guard hold(m);
        total.set(total.get() + 1);
      });
    for (auto& t : threads) t.join();
    WEFT_ASSERT(total.get() == kThreads);
  }, 50);
  const weft::Failure f = expect_race([] {
    std::array<weft::var<int>, kThreads> slots{};
    weft::var<int> last{0};
    std::vector<weft::thread> threads;
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back([&, i] {
        slots[i].set(i);  // each its own: no race
        if (i == kThreads - 1) last.set(i);
      });
    (void)last.get();  // races with T50's write
    for (auto& t : threads) t.join();
  });
  EXPECT_NE(f.message.find("T50 "), std::string::npos) << f.message;
}

TEST(Race, ARaceFoundInsideABarrierCompletionIsReportedNotTerminated) {
  // T2 takes no part in the barrier, so its write races with the
  // completion's read; in the executions where the read comes second the
  // race is found inside the noexcept completion, which must not terminate.
  auto body = [] {
    weft::var<int> other{0};
    auto complete = [&]() noexcept { (void)other.get(); (void)other.get(); };
    weft::barrier<decltype(complete)> sync(2, complete);
    weft::thread outsider([&] { other.set(1); });
    weft::thread t([&] { sync.arrive_and_wait(); });
    sync.arrive_and_wait();
    t.join();
    outsider.join();
  };
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const weft::Report r = weft::explore(body, weft::Options{}.strategy(weft::Strategy::random()).seed(seed));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace) << *r.failure;
  }
}

}  // namespace
