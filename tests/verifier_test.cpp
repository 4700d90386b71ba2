// verifier_test: the SV-COMP conventions inside weft explorations:
// nondet values as recorded choices (biased, replayed), __VERIFIER_assume
// discarding executions, atomic sections and __VERIFIER_atomic_ functions
// keeping other threads out, and reach_error failing.

#include <gtest/gtest.h>
#include <weft/verifier.h>
#include <weft/weft.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <set>
#include <string>

extern "C" {
void test_scheduling_point(void) { weft::this_thread::yield(); }
void increment_atomically(int* counter);
void increment_plainly(int* counter);
void check_counter(int counter, int expected);
}

namespace {

weft::Options quick(std::uint64_t iterations = 2000) { return weft::Options{}.iterations(iterations); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Nondet, AValueIsAChoiceThatReplays) {
  auto body = [] {
    const int a = __VERIFIER_nondet_int();
    const int b = __VERIFIER_nondet_int();
    WEFT_ASSERT(!(a == 3 && b == -2), "found the pair");
  };
  const weft::Report found = weft::explore(body, quick(20000));
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.failure->kind, weft::FailureKind::AssertionFailed);
  ASSERT_EQ(found.failure->trace.size(), 2u);
  EXPECT_EQ(found.failure->trace[0].operation, "this_thread.nondet");
  EXPECT_EQ(found.failure->trace[0].detail, "= 3");
  EXPECT_EQ(found.failure->trace[1].detail, "= -2");
  const weft::Report again = weft::replay(found.failure->token, body);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *found.failure);
}

TEST(Nondet, ValuesReachSmallBoundaryAndWideValues) {
  std::set<long long> ints, longs;
  std::set<unsigned> uchars;
  std::set<bool> bools;
  const weft::Report r = weft::explore(
      [&] {
        ints.insert(__VERIFIER_nondet_int());
        longs.insert(__VERIFIER_nondet_longlong());
        uchars.insert(__VERIFIER_nondet_uchar());
        bools.insert(__VERIFIER_nondet_bool());
      },
      quick(2000).strategy(weft::Strategy::random()));
  ASSERT_TRUE(r.ok());
  for (long long v : {0LL, 1LL, -1LL, -4LL, 4LL, static_cast<long long>(INT_MIN), static_cast<long long>(INT_MAX)})
    EXPECT_TRUE(ints.count(v)) << v;
  EXPECT_TRUE(longs.count(LLONG_MIN) && longs.count(LLONG_MAX));
  const bool wide = std::any_of(longs.begin(), longs.end(), [](long long v) { return v > (1LL << 48) && v != LLONG_MAX; });
  EXPECT_TRUE(wide) << "64-bit values are composed of several choices";
  EXPECT_GT(ints.size(), 500u);
  EXPECT_TRUE(uchars.count(0) && uchars.count(255) && uchars.count(128) && uchars.count(127));
  EXPECT_EQ(bools.size(), 2u);
}

TEST(Nondet, OutsideAnExecutionValuesAreZero) {
  EXPECT_EQ(__VERIFIER_nondet_int(), 0);
  EXPECT_EQ(__VERIFIER_nondet_pointer(), nullptr);
  EXPECT_FALSE(__VERIFIER_nondet_bool());
}

TEST(Nondet, PointersAreNullOrUsable) {
  std::set<bool> nulls;
  const weft::Report r = weft::explore(
      [&] {
        auto* p = static_cast<unsigned char*>(__VERIFIER_nondet_pointer());
        nulls.insert(p == nullptr);
        if (p) p[63] = 1;
      },
      quick(200));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(nulls.size(), 2u);
}

TEST(Assume, AFailedAssumptionDiscardsTheExecution) {
  int checked = 0;
  const weft::Report r = weft::explore(
      [&] {
        const int n = __VERIFIER_nondet_int();
        __VERIFIER_assume(n > 0 && n < 5);
        ++checked;
        WEFT_ASSERT(n > 0 && n < 5);
      },
      quick(2000));
  ASSERT_TRUE(r.ok()) << r.failure->to_string();
  EXPECT_EQ(r.executions, 2000u);
  EXPECT_GT(r.discarded, 1000u);
  EXPECT_EQ(r.discarded + static_cast<std::uint64_t>(checked), r.executions);
}

TEST(Assume, DiscardingUnwindsTheOtherThreads) {
  const weft::Report r = weft::explore(
      [] {
        weft::mutex m;
        weft::thread t([&] {
          std::lock_guard hold(m);
          weft::this_thread::yield();
        });
        __VERIFIER_assume(__VERIFIER_nondet_bool());
        t.join();
      },
      quick(500));
  ASSERT_TRUE(r.ok()) << r.failure->to_string();
  EXPECT_GT(r.discarded, 0u);
  EXPECT_LT(r.discarded, r.executions);
}

TEST(Assume, AnExplorationInWhichEveryExecutionIsDiscardedFails) {
  const weft::Report r = weft::explore([] { __VERIFIER_assume(__VERIFIER_nondet_int() == 123456789); }, quick(50));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(has(r.failure->message, "every one of the 50 executions was discarded")) << r.failure->message;
  EXPECT_EQ(r.discarded, 50u);
}

TEST(Assume, ATokenWhoseReplayIsDiscardedSaysSo) {
  const weft::Report found = weft::explore([] { WEFT_ASSERT(__VERIFIER_nondet_int() != 1); }, quick());
  ASSERT_FALSE(found.ok());
  const weft::Report r = weft::replay(found.failure->token, [] {
    __VERIFIER_assume(__VERIFIER_nondet_int() != 1);
    WEFT_ASSERT(false);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_TRUE(has(r.failure->message, "__VERIFIER_assume")) << r.failure->message;
}

// Two increments of a weft::atomic with a scheduling point in between:
// without an atomic section the update is lost in some schedule.
void increments(bool atomic_sections) {
  weft::atomic<int> x{0};
  auto increment = [&] {
    if (atomic_sections) __VERIFIER_atomic_begin();
    const int seen = x.load();
    weft::this_thread::yield();
    x.store(seen + 1);
    if (atomic_sections) __VERIFIER_atomic_end();
  };
  weft::thread a(increment);
  weft::thread b(increment);
  a.join();
  b.join();
  WEFT_ASSERT(x.load() == 2, "an increment was lost");
}

TEST(AtomicSection, WithoutItTheUpdateIsLost) {
  const weft::Report r = weft::explore([] { increments(false); }, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
}

TEST(AtomicSection, NoOtherThreadRunsInside) {
  for (auto strategy : {weft::Strategy::random(), weft::Strategy::pct(3)}) {
    const weft::Report r = weft::explore([] { increments(true); }, quick().strategy(strategy));
    EXPECT_TRUE(r.ok()) << r.failure->to_string();
  }
}

TEST(AtomicSection, AThreadThatBlocksInsideLetsOthersRun) {
  const weft::Report r = weft::explore(
      [] {
        weft::mutex m;
        weft::thread holder([&] {
          std::lock_guard hold(m);
          weft::this_thread::yield();
        });
        __VERIFIER_atomic_begin();
        m.lock();  // blocks while `holder` has it: the section pauses
        m.unlock();
        __VERIFIER_atomic_end();
        holder.join();
      },
      quick());
  EXPECT_TRUE(r.ok()) << r.failure->to_string();
}

TEST(AtomicSection, TheTraceShowsIt) {
  const weft::Report r = weft::explore(
      [] {
        __VERIFIER_atomic_begin();
        __VERIFIER_atomic_end();
        WEFT_ASSERT(false);
      },
      quick(1));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.failure->trace.size(), 2u);
  EXPECT_EQ(r.failure->trace[0].operation, "this_thread.atomic_begin");
  EXPECT_EQ(r.failure->trace[1].operation, "this_thread.atomic_end");
}

TEST(AtomicSection, EndingOneThatWasNotBegunIsMisuse) {
  const weft::Report r = weft::explore([] { __VERIFIER_atomic_end(); }, quick(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(has(r.failure->message, "outside an atomic section")) << r.failure->message;
}

// The C functions of verifier_functions.c, built with -finstrument-functions.
void two_increments(void (*increment)(int*)) {
  int counter = 0;
  weft::thread a(increment, &counter);
  weft::thread b(increment, &counter);
  a.join();
  b.join();
  check_counter(counter, 2);
}

TEST(AtomicFunctions, APlainFunctionLosesTheUpdateAndReachError) {
  const weft::Report r = weft::explore([] { two_increments(&increment_plainly); }, quick());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
  // "from" names the caller the hook sees, which inlining may move outwards.
  EXPECT_TRUE(has(r.failure->message, "reach_error() was called from")) << r.failure->message;
  const weft::Report again = weft::replay(r.failure->token, [] { two_increments(&increment_plainly); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *r.failure);
}

TEST(AtomicFunctions, AStaticVerifierAtomicFunctionRunsAtomically) {
  for (auto strategy : {weft::Strategy::random(), weft::Strategy::pct(3)}) {
    const weft::Report r = weft::explore([] { two_increments(&increment_atomically); }, quick().strategy(strategy));
    EXPECT_TRUE(r.ok()) << r.failure->to_string();
  }
  const weft::Report traced = weft::explore(
      [] {
        int counter = 0;
        increment_atomically(&counter);
        WEFT_ASSERT(false);
      },
      quick(1));
  ASSERT_FALSE(traced.ok());
  ASSERT_FALSE(traced.failure->trace.empty());
  EXPECT_EQ(traced.failure->trace[0].operation, "this_thread.atomic_begin");
  EXPECT_EQ(traced.failure->trace[0].file, "__VERIFIER_atomic_increment");
}

}  // namespace
