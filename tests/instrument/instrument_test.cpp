// instrument_test: std::atomic and plain memory in code built with
// weft_instrument(): atomics are scheduling points with their memory
// orders, plain accesses are checked for races over byte ranges, fences
// order what they should, memcpy and memset are range accesses, freed
// memory starts afresh, spins end or hang with a report.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

weft::Options quick(std::uint64_t n = 2000) { return weft::Options{}.iterations(n); }

std::string report(const weft::Report& r) { return r.ok() ? std::string("no failure") : r.failure->to_string(); }

bool has_step(const weft::Failure& f, const std::string& operation, const std::string& file) {
  for (const weft::TraceStep& s : f.trace)
    if (s.operation == operation && s.file == file && s.line > 0) return true;
  return false;
}

// --- Plain memory ---

void unlocked_increments() {
  int counter = 0;
  weft::thread a([&] { counter = counter + 1; });
  weft::thread b([&] { counter = counter + 1; });
  a.join();
  b.join();
}

TEST(Instrument, APlainRaceIsADataRaceAtTheLinesOfBothAccesses) {
  const weft::Report r = weft::explore(unlocked_increments, quick());
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.failure->kind, weft::FailureKind::DataRace) << report(r);
  EXPECT_NE(r.failure->message.find("instrument_test.cpp:"), std::string::npos) << report(r);
  const weft::Report again = weft::replay(r.failure->token, unlocked_increments);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *r.failure);
}

TEST(Instrument, WithoutRaceDetectionEachAccessIsASchedulingPoint) {
  const auto body = [] {
    int counter = 0;
    weft::thread a([&] { counter = counter + 1; });
    weft::thread b([&] { counter = counter + 1; });
    a.join();
    b.join();
    WEFT_ASSERT(counter == 2, "an increment was lost");
  };
  const weft::Report r = weft::explore(body, quick().race_detection(false));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed) << report(r);
  EXPECT_TRUE(has_step(*r.failure, "var.read", "instrument_test.cpp")) << report(r);
}

TEST(Instrument, ALockOrdersPlainAccesses) {
  const auto body = [] {
    int counter = 0;
    weft::mutex m;
    auto work = [&] {
      const std::lock_guard<weft::mutex> hold(m);
      counter = counter + 1;
    };
    weft::thread a(work);
    weft::thread b(work);
    a.join();
    b.join();
    WEFT_ASSERT(counter == 2);
  };
  const weft::Report r = weft::explore(body, quick());
  EXPECT_TRUE(r.ok()) << report(r);
}

// A 64-bit write at p and an 8-bit read at p+3 overlap: a race. Writes to
// two halves of one 8-byte granule do not.
TEST(Instrument, OverlappingAccessesOfDifferentSizesRace) {
  const auto body = [] {
    alignas(8) unsigned char bytes[8] = {};
    volatile std::uint64_t* wide = reinterpret_cast<volatile std::uint64_t*>(bytes);
    volatile unsigned char* third = bytes + 3;
    weft::thread a([&] { *wide = 0x0102030405060708ull; });
    weft::thread b([&] { (void)*third; });
    a.join();
    b.join();
  };
  const weft::Report r = weft::explore(body, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace) << report(r);
}

TEST(Instrument, DisjointBytesOfOneGranuleDoNotRace) {
  const auto body = [] {
    struct alignas(8) Halves {
      volatile std::uint32_t low = 0;
      volatile std::uint32_t high = 0;
    } h;
    weft::thread a([&] { h.low = 1; });
    weft::thread b([&] { h.high = 2; });
    a.join();
    b.join();
    WEFT_ASSERT(h.low == 1 && h.high == 2);
  };
  const weft::Report r = weft::explore(body, quick());
  EXPECT_TRUE(r.ok()) << report(r);
}

struct Big {
  char bytes[200];
};

// The sizes are not constants, so that both compilers call the functions
// (g++ expands a memset of known size inline, without instrumenting it).
volatile std::size_t big_size = sizeof(Big);

TEST(Instrument, MemcpyAndMemsetAreRangeAccesses) {
#ifdef WEFT_SANITIZED_BUILD
  GTEST_SKIP() << "the sanitizer runtime owns memcpy and memset in this build (docs/instrumentation.md)";
#endif
  const auto body = [] {
    Big shared{};
    Big mine{};
    weft::thread a([&] { std::memset(&shared, 1, big_size); });
    weft::thread b([&] { std::memcpy(&mine, &shared, big_size); });
    a.join();
    b.join();
  };
  const weft::Report r = weft::explore(body, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace) << report(r);
}

TEST(Instrument, AStructCopyIsARangeAccess) {
  const auto body = [] {
    Big shared{};
    Big mine{};
    weft::thread a([&] { shared.bytes[150] = 1; });
    weft::thread b([&] { mine = shared; });
    a.join();
    b.join();
    WEFT_ASSERT(mine.bytes[0] == 0);
  };
  const weft::Report r = weft::explore(body, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace) << report(r);
}

TEST(Instrument, FreedMemoryStartsAfresh) {
  // Each thread fills a block of its own and frees it; the allocator may
  // give one thread's freed block to the other: no race.
  const auto body = [] {
    auto work = [] {
      for (int i = 0; i < 3; ++i) {
        std::vector<int> v(16, i);
        v.push_back(i);
      }
    };
    weft::thread a(work);
    weft::thread b(work);
    a.join();
    b.join();
  };
  const weft::Report r = weft::explore(body, quick(500));
  EXPECT_TRUE(r.ok()) << report(r);
}

// --- Atomics ---

void publication(std::memory_order store, std::memory_order load) {
  int payload = 0;
  std::atomic<bool> ready{false};
  weft::thread producer([&] {
    payload = 42;
    ready.store(true, store);
  });
  while (!ready.load(load)) {
  }
  WEFT_ASSERT(payload == 42);
  producer.join();
}

TEST(Instrument, ReleaseAndAcquireOrderThePayload) {
  const weft::Report r =
      weft::explore([] { publication(std::memory_order_release, std::memory_order_acquire); }, quick());
  EXPECT_TRUE(r.ok()) << report(r);
}

TEST(Instrument, ARelaxedPublicationIsADataRace) {
  const weft::Report r =
      weft::explore([] { publication(std::memory_order_relaxed, std::memory_order_acquire); }, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace) << report(r);
  EXPECT_TRUE(has_step(*r.failure, "atomic.store", "instrument_test.cpp")) << report(r);
}

TEST(Instrument, AtomicOperationsAreSchedulingPointsWithTheirOrders) {
  const auto body = [] {
    std::atomic<int> x{0};
    weft::thread a([&] { x.fetch_add(1, std::memory_order_relaxed); });
    weft::thread b([&] { x.fetch_add(1, std::memory_order_acq_rel); });
    a.join();
    b.join();
    WEFT_ASSERT(x.load() == 3, "fails on purpose, for the trace");
  };
  const weft::Report r = weft::explore(body, quick());
  ASSERT_FALSE(r.ok());
  bool relaxed = false, acq_rel = false;
  for (const weft::TraceStep& s : r.failure->trace) {
    relaxed |= s.operation == "atomic.fetch_add" && s.detail.find("(relaxed)") != std::string::npos;
    acq_rel |= s.operation == "atomic.fetch_add" && s.detail.find("(acq_rel)") != std::string::npos;
  }
  EXPECT_TRUE(relaxed && acq_rel) << report(r);
}

TEST(Instrument, EveryWidthIsVisible) {
  const auto body = [] {
    std::atomic<std::uint8_t> a8{0};
    std::atomic<std::uint16_t> a16{0};
    std::atomic<std::uint32_t> a32{0};
    std::atomic<std::uint64_t> a64{0};
    weft::thread t([&] {
      a8.fetch_or(1);
      a16.exchange(2);
      std::uint32_t expected = 0;
      a32.compare_exchange_strong(expected, 3);
      a64.fetch_xor(4);
    });
    t.join();
    WEFT_ASSERT(a8.load() + a16.load() + a32.load() + a64.load() == 0, "fails on purpose, for the trace");
  };
  const weft::Report r = weft::explore(body, quick(10));
  ASSERT_FALSE(r.ok());
  int atomics = 0;
  for (const weft::TraceStep& s : r.failure->trace) atomics += s.operation.rfind("atomic.", 0) == 0;
  EXPECT_GE(atomics, 8) << report(r);
}

TEST(Instrument, AtomicRefIsAnAtomic) {
  const auto body = [] {
    int payload = 0;
    int flag = 0;
    weft::thread producer([&] {
      payload = 7;
      std::atomic_ref<int>(flag).store(1, std::memory_order_release);
    });
    while (std::atomic_ref<int>(flag).load(std::memory_order_acquire) == 0) {
    }
    WEFT_ASSERT(payload == 7);
    producer.join();
  };
  const weft::Report r = weft::explore(body, quick());
  EXPECT_TRUE(r.ok()) << report(r);
}

// The spin lock on std::atomic_flag, with a relaxed unlock and fixed, is a
// sample (samples/instrument/flag_spinlock.cpp, instrument_samples_test).

// An 8-thread test-and-test-and-set spin lock on std::atomic: each spin
// yields, so every thread gets the lock and the count is right.
void ttas_lock_counts() {
  std::atomic<bool> locked{false};
  int count = 0;
  auto work = [&] {
    for (;;) {
      while (locked.load(std::memory_order_relaxed)) {
      }
      if (!locked.exchange(true, std::memory_order_acquire)) break;
    }
    count = count + 1;
    locked.store(false, std::memory_order_release);
  };
  std::vector<weft::thread> threads;
  for (int i = 0; i < 7; ++i) threads.emplace_back(work);
  work();
  for (weft::thread& t : threads) t.join();
  WEFT_ASSERT(count == 8, "an increment was lost");
}

TEST(Instrument, AnEightThreadSpinLockPassesUnderRandomAndPct) {
  const weft::Report random = weft::explore(ttas_lock_counts, quick(10000).strategy(weft::Strategy::random()));
  EXPECT_TRUE(random.ok()) << report(random);
  EXPECT_EQ(random.executions, 10000u);
  const weft::Report pct = weft::explore(ttas_lock_counts, quick(10000).strategy(weft::Strategy::pct(3)));
  EXPECT_TRUE(pct.ok()) << report(pct);
  EXPECT_EQ(pct.executions, 10000u);
}

TEST(Instrument, ASpinThatCanNeverEndIsAHang) {
  const auto body = [] {
    std::atomic<bool> never{false};
    weft::thread reader([&] { (void)never.load(); });  // the flag is shared, not a local the compiler may drop
    reader.join();
    while (!never.load(std::memory_order_acquire)) {
    }
  };
  const weft::Report r = weft::explore(body, quick(10).max_steps(5000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Hang) << report(r);
  EXPECT_FALSE(r.failure->token.empty());
}

// --- Failures inside noexcept code ---

// spin_forever waits, inside a noexcept function, for a flag nobody sets.
void spin_forever(const std::atomic<bool>& never) noexcept {
  while (!never.load(std::memory_order_acquire)) {
  }
}

TEST(Instrument, AHangInsideNoexceptCodeIsReportedNotTerminated) {
  const auto body = [] {
    std::atomic<bool> never{false};
    weft::thread t([&] { spin_forever(never); });
    spin_forever(never);
    t.join();
  };
  const weft::Report r = weft::explore(body, quick(5).max_steps(3000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Hang) << report(r);
  const weft::Report again = weft::replay(r.failure->token, body, quick(5).max_steps(3000));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure->kind, weft::FailureKind::Hang) << report(again);
}

// racy_then_lock makes a racing write and then takes a weft::mutex, all
// inside a noexcept function: the race ends the execution at the lock.
void racy_then_lock(int& shared, weft::mutex& m) noexcept {
  shared = shared + 1;
  const std::lock_guard<weft::mutex> hold(m);
}

TEST(Instrument, ARaceFoundInsideNoexceptCodeIsReportedNotTerminated) {
  const auto body = [] {
    int shared = 0;
    weft::mutex m;
    weft::thread t([&] { racy_then_lock(shared, m); });
    racy_then_lock(shared, m);
    t.join();
  };
  for (int round = 0; round < 3; ++round) {  // the process goes on, round after round
    const weft::Report r = weft::explore(body, quick());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace) << report(r);
    EXPECT_FALSE(r.failure->token.empty());
  }
}

// --- What was tested ---

TEST(Instrument, TheTestedLineSaysWhatWasCheckedAndUnderWhichModel) {
  const auto body = [] {
    std::atomic<int> x{0};
    weft::thread t([&] { x.fetch_add(1); });
    x.fetch_add(1);
    t.join();
  };
  const weft::Report r = weft::explore(body, quick(200));
  ASSERT_TRUE(r.ok()) << report(r);
  EXPECT_EQ(r.executions, 200u);
  EXPECT_GE(r.distinct_schedules, 2u);
  EXPECT_LE(r.distinct_schedules, r.executions);
  EXPECT_GE(r.most_points, 3u);
  const std::string line = weft::tested_line(r);
  EXPECT_NE(line.find("tested 200 executions"), std::string::npos) << line;
  EXPECT_NE(line.find("instrumented code (weft_instrument)"), std::string::npos) << line;
  EXPECT_NE(line.find("0 failures"), std::string::npos) << line;
  EXPECT_NE(line.find("not exhausted"), std::string::npos) << line;
  EXPECT_NE(line.find("sequentially consistent interleavings, with happens-before race checking"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find("warning"), std::string::npos) << line;
}

TEST(Instrument, TheTestedLineWarnsWhenAlmostNothingWasControlled) {
  const weft::Report r = weft::explore([] { weft::thread([] {}).join(); }, quick(20));
  ASSERT_TRUE(r.ok()) << report(r);
  const std::string line = weft::tested_line(r);
  EXPECT_NE(line.find("warning: no execution reached more than"), std::string::npos) << line;
}

TEST(Instrument, OutsideAnExecutionTheyAreOrdinaryOperations) {
  std::atomic<int> x{1};
  x.fetch_add(2);
  int expected = 3;
  EXPECT_TRUE(x.compare_exchange_weak(expected, 5) || x.compare_exchange_strong(expected, 5));
  Big a{}, b{};
  std::memset(&a, 7, sizeof a);
  std::memcpy(&b, &a, sizeof b);
  EXPECT_EQ(b.bytes[199], 7);
  EXPECT_EQ(x.load(), 5);
}

}  // namespace
