// Nothing makes a buggy test pass silently: settings that would test
// nothing, a token that would turn hang detection off, stacks no system can
// map, an OS thread weft does not run touching an execution's objects,
// explorations nested in a body. And the report of a failure is the same
// whichever compiler built the test, and says so when nothing ran.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "scheduler/schedule.h"
#include "scheduler/trace.h"

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

int body_runs = 0;

void always_fails() {
  ++body_runs;
  weft::atomic<int> x{0};
  weft::thread t([&] { x.store(1); });
  t.join();
  WEFT_ASSERT(false, "always");
}

void passes() {
  weft::atomic<int> x{0};
  weft::thread t([&] { x.fetch_add(1); });
  x.fetch_add(1);
  t.join();
  WEFT_ASSERT(x.load() == 2);
}

// spin_without_yield hangs: the spinner waits for a flag set only after
// it is joined.
void spin_without_yield() {
  weft::atomic<bool> flag{false};
  weft::thread spinner([&] {
    while (!flag.load()) {
    }
  });
  spinner.join();
  flag.store(true);
}

void expect_misuse(const weft::Report& r, const std::string& part) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse) << *r.failure;
  EXPECT_TRUE(has(r.failure->message, part)) << *r.failure;
}

}  // namespace

// --- Settings that would make a test pass without testing ---

TEST(Settings, ZeroIterationsIsMisuseNotAPass) {
  body_runs = 0;
  const weft::Report r = weft::explore(always_fails, weft::Options{}.iterations(0));
  expect_misuse(r, "Options::iterations is 0");
  EXPECT_EQ(r.executions, 0u);
  EXPECT_EQ(body_runs, 0);
  EXPECT_TRUE(has(r.failure->to_string(), "weft: Misuse before any execution ran")) << *r.failure;
}

TEST(Settings, WeftIterationsZeroIsRejectedNamingTheVariable) {
  ::setenv("WEFT_ITERATIONS", "0", 1);
  std::string error;
  try {
    (void)weft::Options{}.from_environment();
  } catch (const std::invalid_argument& e) {
    error = e.what();
  }
  ::unsetenv("WEFT_ITERATIONS");
  EXPECT_TRUE(has(error, "WEFT_ITERATIONS=\"0\" would run no execution")) << error;
}

TEST(Settings, StacksNoSystemCanMapAreMisuse) {
  for (const std::size_t bytes : {SIZE_MAX, std::size_t{1} << 60, weft::Options::kMaxStackSize + 1}) {
    body_runs = 0;
    expect_misuse(weft::explore(always_fails, weft::Options{}.stack_size(bytes)), "Options::stack_size is");
    expect_misuse(weft::replay("w1.AAAA", always_fails, weft::Options{}.stack_size(bytes)), "Options::stack_size is");
    EXPECT_EQ(body_runs, 0);
  }
  // The largest allowed stack works.
  const weft::Report r =
      weft::explore(always_fails, weft::Options{}.stack_size(weft::Options::kMaxStackSize).iterations(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed) << *r.failure;
}

// A token's max_steps can be raised, checksum and all: the replay must
// still stop at the caller's max_steps, as a Hang, not run on.
TEST(Settings, ReplayStopsAtTheCallersMaxSteps) {
  const weft::Report found = weft::explore(spin_without_yield, weft::Options{}.max_steps(1000));
  ASSERT_FALSE(found.ok());
  ASSERT_EQ(found.failure->kind, weft::FailureKind::Hang) << *found.failure;

  weft::sched::Token token;
  std::string error;
  ASSERT_TRUE(weft::sched::Token::decode(found.failure->token, token, error)) << error;
  token.config.max_steps = 50'000'000;
  const weft::Report r = weft::replay(token.encode(), spin_without_yield, weft::Options{}.max_steps(1000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Hang) << *r.failure;
  // The step budget: max_steps, plus max_steps / 100 for the spinner.
  EXPECT_EQ(r.failure->step, 1011u) << *r.failure;

  // With the recorded step raised too, the replay stops all the same, and
  // says what stopped it.
  token.step = 50'000'001;
  const weft::Report raised = weft::replay(token.encode(), spin_without_yield, weft::Options{}.max_steps(1000));
  ASSERT_FALSE(raised.ok());
  EXPECT_EQ(raised.failure->kind, weft::FailureKind::ReplayError) << *raised.failure;
  EXPECT_EQ(raised.failure->step, 1011u) << *raised.failure;
  EXPECT_TRUE(has(raised.failure->message, "the token allows 50000000 steps, but this replay stops after 1000"))
      << *raised.failure;
}

TEST(Settings, AReplayUnderALargerMaxStepsIsIdentical) {
  const weft::Report found = weft::explore(always_fails, weft::Options{}.max_steps(5000));
  ASSERT_FALSE(found.ok());
  const weft::Report again = weft::replay(found.failure->token, always_fails, weft::Options{}.max_steps(100000));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *found.failure);
}

TEST(Settings, NoReportNamesTheThreadOfNoThread) {
  EXPECT_FALSE(has(weft::sched::thread_name(weft::sched::kNoThread), "4294967295"));
  EXPECT_EQ(weft::sched::thread_name(3), "T3");
  weft::Failure f;
  f.execution = 1;
  f.threads.push_back({UINT32_MAX, "runnable", "", "", "", 0});
  f.trace.push_back({1, UINT32_MAX, "thread.spawn", "", "", "", 0});
  EXPECT_FALSE(has(f.to_string(), "4294967295")) << f;
}

// --- The header of a failure that no execution reached ---

TEST(Header, ATokenThatCannotBeReadSaysNothingRan) {
  const weft::Report r = weft::replay("w1.xyz", always_fails);
  ASSERT_FALSE(r.ok());
  const std::string text = r.failure->to_string();
  EXPECT_TRUE(has(text, "weft: ReplayError before any execution ran\n")) << text;
  EXPECT_FALSE(has(text, "in execution 0")) << text;
}

TEST(Header, AReplayedFailureKeepsTheNumberOfItsExecution) {
  // docs/replaying.md: the replay says the execution the failure was found in.
  auto body = [] {
    weft::atomic<int> x{0};
    weft::thread a([&] { x.store(x.load() + 1); });
    weft::thread b([&] { x.store(x.load() + 1); });
    a.join();
    b.join();
    WEFT_ASSERT(x.load() == 2);
  };
  const weft::Report found = weft::explore(body, weft::Options{}.strategy(weft::Strategy::random()).seed(3));
  ASSERT_FALSE(found.ok());
  ASSERT_GT(found.failure->execution, 1u);
  const weft::Report again = weft::replay(found.failure->token, body);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure->execution, found.failure->execution);
  EXPECT_EQ(again.executions, 1u);
}

TEST(Header, ATokenKeepsStreamPiecesOnlyWhenNotTheDefault) {
  weft::sched::Token plain;
  weft::sched::Token more;
  more.config.stream_pieces = 5;
  EXPECT_LT(plain.encode().size(), more.encode().size()) << "the default costs no byte";
  weft::sched::Token read;
  std::string error;
  ASSERT_TRUE(weft::sched::Token::decode(more.encode(), read, error)) << error;
  EXPECT_EQ(read.config.stream_pieces, 5u);
  ASSERT_TRUE(weft::sched::Token::decode(plain.encode(), read, error)) << error;
  EXPECT_EQ(read.config.stream_pieces, 2u);
}

// --- OS threads weft does not run ---

TEST(ForeignThread, TouchingAnAtomicTheExecutionUsesIsMisuse) {
  auto body = [] {
    weft::atomic<int> x{0};
    x.store(1);
    std::thread os_thread([&] { x.fetch_add(1); });
    os_thread.join();
    WEFT_ASSERT(x.load() == 2);
  };
  const weft::Report r = weft::explore(body, weft::Options{}.iterations(200));
  expect_misuse(r, "an OS thread that weft does not run");
  EXPECT_TRUE(has(r.failure->message, "weft::atomic")) << *r.failure;
  EXPECT_TRUE(has(r.failure->message, "settings_test.cpp:")) << *r.failure;
  EXPECT_EQ(r.failure->execution, 1u);
  // The failure is found at the end of the execution, so it replays.
  const weft::Report again = weft::replay(r.failure->token, body);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *r.failure);
}

TEST(ForeignThread, TouchingItBeforeTheExecutionDoesIsMisuseToo) {
  auto body = [] {
    weft::var<int> v{0};
    std::thread os_thread([&] { v.set(1); });
    os_thread.join();
    WEFT_ASSERT(v.get() == 1);
  };
  const weft::Report r = weft::explore(body, weft::Options{}.iterations(200));
  expect_misuse(r, "an OS thread that weft does not run");
  EXPECT_TRUE(has(r.failure->message, "weft::var")) << *r.failure;
}

TEST(ForeignThread, ObjectsNoExecutionUsesArePlainValues) {
  // An OS thread with atomics of its own, while an exploration runs.
  std::atomic<bool> stop{false};
  std::thread os_thread([&] {
    weft::atomic<int> own{0};
    while (!stop.load()) own.fetch_add(1);
  });
  const weft::Report r = weft::explore(passes, weft::Options{}.iterations(200));
  stop = true;
  os_thread.join();
  EXPECT_TRUE(r.ok()) << r;
  // And outside any execution, an atomic an execution used is a plain value.
  weft::atomic<int> x{0};
  EXPECT_TRUE(weft::explore([&] { x.store(1); }, weft::Options{}.iterations(3)).ok());
  std::thread later([&] { x.fetch_add(1); });
  later.join();
  EXPECT_EQ(x.load(), 2);
}

// --- Explorations nested in a body ---

TEST(Nested, ExploreInsideABodyIsMisuseOfTheOuterOne) {
  bool inner_ran = false;
  const weft::Report r = weft::explore([&] {
    const weft::Report inner = weft::explore([&] { inner_ran = true; });
    (void)inner;
    WEFT_ASSERT(false, "not reached: the nested call unwinds the body");
  });
  expect_misuse(r, "weft::explore was called inside a body that weft is running (by T0)");
  EXPECT_FALSE(inner_ran);
}

TEST(Nested, ReplayInsideABodyIsMisuseOfTheOuterOne) {
  const weft::Report found = weft::explore(always_fails);
  ASSERT_FALSE(found.ok());
  const weft::Report r = weft::explore([&] {
    weft::thread t([&] { (void)weft::replay(found.failure->token, always_fails); });
    t.join();
  });
  expect_misuse(r, "weft::replay was called inside a body that weft is running (by T1)");
}

// --- The same report from g++ and clang ---

// Each compiler picks its own line for a call spread over lines (g++ the
// last, clang the first); weft reports the first under both. CI builds this
// test with both.
TEST(Locations, AThreadStartedOverSeveralLinesIsReportedAtItsFirstLine) {
  unsigned spawn_line = 0;
  unsigned process_line = 0;
  const weft::Report r = weft::explore(
      [&] {
        weft::atomic<int> x{0};
        spawn_line = __LINE__; weft::thread t([&] {
          x.store(1);
        });
        t.join();
        process_line = __LINE__; weft::process p(
            "child", [] {
              weft::this_thread::yield();
            });
        p.join();
        WEFT_ASSERT(false, "show the trace");
      },
      weft::Options{}.iterations(1).trace_steps(0));
  ASSERT_FALSE(r.ok());
  unsigned spawns = 0;
  for (const weft::TraceStep& s : r.failure->trace) {
    if (s.operation == "thread.spawn") {
      EXPECT_EQ(s.line, spawn_line) << *r.failure;
      ++spawns;
    }
    if (s.operation == "process.start") {
      EXPECT_EQ(s.line, process_line) << *r.failure;
      ++spawns;
    }
  }
  EXPECT_EQ(spawns, 2u) << *r.failure;
}
