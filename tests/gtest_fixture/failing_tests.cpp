// failing_tests: a GoogleTest binary whose WEFT_TESTs fail in every way a
// user's test can, for gtest_end_to_end_test to run in new processes. Never
// run by ctest on its own: most of its tests are meant to fail.

// assert() must stay in, whatever the build type says.
#undef NDEBUG
#include <unistd.h>
#include <weft/gtest.h>

#include <cassert>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

// Built twice: with weft's types, and (WEFT_FIXTURE_STD) with the standard
// library's under weft::interpose.
#ifdef WEFT_FIXTURE_STD
using Thread = std::thread;
using Mutex = std::mutex;
#else
using Thread = weft::thread;
using Mutex = weft::mutex;
#endif

namespace {

// A deposit split into two critical sections: the update can be lost.
int split_deposits() {
  Mutex m;
  int balance = 0;
  auto deposit = [&] {
    int seen;
    {
      std::lock_guard<Mutex> hold(m);
      seen = balance;
    }
    std::lock_guard<Mutex> hold(m);
    balance = seen + 1;
  };
  Thread a(deposit), b(deposit);
  a.join();
  b.join();
  return balance;
}

}  // namespace

WEFT_TEST(Fixture, Passes) {
  Mutex m;
  int n = 0;
  Thread a([&] {
    std::lock_guard<Mutex> hold(m);
    ++n;
  });
  a.join();
  EXPECT_EQ(n, 1);
}

// A plain GoogleTest failure, outside weft: the first failure in a process.
TEST(Fixture, PlainFailure) { EXPECT_EQ(1 + 1, 3); }

WEFT_TEST(Fixture, TwoExpects) {
  const int balance = split_deposits();
  EXPECT_EQ(balance, 0) << "first expectation";
  EXPECT_EQ(balance, 3) << "second expectation";
}

WEFT_TEST(Fixture, AssertInThread) {
  Mutex m;
  int balance = 0;
  Thread checker([&] {
    std::lock_guard<Mutex> hold(m);
    ASSERT_EQ(balance, 1) << "checker ran first";
  });
  {
    std::lock_guard<Mutex> hold(m);
    balance = 1;
  }
  checker.join();
}

// The ways a test can die, each on one interleaving only: the checker
// reads `ready` before or after the writer set it.
namespace {

// on_unlucky_interleaving runs `die` in a thread when that thread runs
// before the body's write.
template <class Die>
void on_unlucky_interleaving(Die die) {
  Mutex m;
  bool ready = false;
  Thread checker([&] {
    bool seen;
    {
      std::lock_guard<Mutex> hold(m);
      seen = ready;
    }
    if (!seen) die();
  });
  {
    std::lock_guard<Mutex> hold(m);
    ready = true;
  }
  checker.join();
}

int* volatile null_pointer = nullptr;
// An unmapped, non-null address: UndefinedBehaviorSanitizer reports a null
// store itself, and this is about a real fault.
int* volatile unmapped_pointer = reinterpret_cast<int*>(std::uintptr_t{64});

// recurse overflows its stack long before the limit; the volatile buffer
// keeps each frame.
volatile int recursion_limit = 1 << 30;
int recurse(int depth) {
  volatile char frame[512];
  frame[0] = static_cast<char>(depth);
  if (depth >= recursion_limit) return 0;
  return recurse(depth + 1) + frame[0];
}

[[noreturn]] void throw_runtime_error() { throw std::runtime_error("escaped"); }
void (*volatile thrower)() = &throw_runtime_error;
void throws_through_noexcept() noexcept { thrower(); }

}  // namespace

WEFT_TEST(Fixture, Segfault) {
  on_unlucky_interleaving([] { *unmapped_pointer = 1; });
}

WEFT_TEST(Fixture, Abort) {
  on_unlucky_interleaving([] { std::abort(); });
}

WEFT_TEST(Fixture, StackOverflow) {
  on_unlucky_interleaving([] { (void)recurse(0); });
}

WEFT_TEST(Fixture, Terminate) {
  on_unlucky_interleaving([] { throws_through_noexcept(); });
}

WEFT_TEST(Fixture, AssertMacro) {
  on_unlucky_interleaving([] { assert(null_pointer != nullptr); });
}

WEFT_TEST(Fixture, Exit) {
  on_unlucky_interleaving([] { std::exit(0); });
}

WEFT_TEST(Fixture, UnderscoreExit) {
  on_unlucky_interleaving([] { ::_exit(0); });
}

WEFT_TEST(Fixture, QuickExit) {
  on_unlucky_interleaving([] { std::quick_exit(0); });
}

WEFT_TEST(Fixture, PassesToo) {
  Thread a([] {});
  a.join();
}
