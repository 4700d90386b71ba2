// Options::break_at and WEFT_BREAK: a replay stops at a step, on the thread
// about to take it (here without a debugger, so it says so and goes on),
// having filled the debugger registry (scheduler/debug_registry.h) that
// weft's gdb extension reads. tests/debugger/gdb_break_test.sh runs it in gdb.

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "sample.h"
#include "scheduler/debug_registry.h"
#include "weft/weft.h"

namespace {

// LockOrder is the lock-order deadlock sample's failure, as found.
struct LockOrder {
  weft::Failure failure;
  const weft::TraceStep* last = nullptr;  // the trace's last step

  LockOrder() {
    failure = *weft::explore(weft::samples::lock_order_deadlock::buggy).failure;
    last = &failure.trace.back();
  }
};

TEST(BreakAt, StopsBeforeTheStepOnTheThreadAboutToTakeIt) {
  const LockOrder found;
  ::testing::internal::CaptureStderr();
  const weft::Report replayed = weft::replay(found.failure.token, weft::samples::lock_order_deadlock::buggy,
                                             weft::Options{}.break_at(found.last->step));
  const std::string said = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(replayed.failure);
  EXPECT_EQ(replayed.failure->kind, weft::FailureKind::Deadlock) << "the replay goes on without a debugger";
  const std::string expected = "weft: break at step " + std::to_string(found.last->step) +
                               " (WEFT_BREAK, Options::break_at): T" + std::to_string(found.last->thread) +
                               " takes it: " + found.last->operation + " " + found.last->object;
  EXPECT_NE(said.find(expected), std::string::npos) << said;
  EXPECT_NE(said.find("no debugger is attached, so the replay goes on"), std::string::npos) << said;

  // The registry, as the break left it.
  ASSERT_EQ(weft_debug.version, 1u);
  EXPECT_EQ(weft_debug.step, found.last->step);
  EXPECT_EQ(weft_debug.break_step, found.last->step);
  EXPECT_EQ(weft_debug.current, found.last->thread);
  ASSERT_EQ(weft_debug.thread_count, 3u);
  const weft_debug_thread& running = weft_debug.threads[found.last->thread];
  EXPECT_EQ(running.state, 0u);
  EXPECT_EQ(std::string(running.operation), found.last->operation);
  EXPECT_EQ(std::string(running.object), found.last->object);
  const weft_debug_thread& body = weft_debug.threads[0];
  EXPECT_EQ(body.state, 2u);
  EXPECT_EQ(std::string(body.operation), "thread.join");
  EXPECT_EQ(std::string(body.location).rfind("lock_order_deadlock.cpp:", 0), 0u) << body.location;
  // The contexts are read live: the fibers are parked now, each on its stack.
  EXPECT_NE(*body.context, nullptr);
  EXPECT_TRUE(body.stack_low < *body.context && *body.context < body.stack_high);
}

TEST(BreakAt, AStepTheReplayNeverReachesIsSaid) {
  const LockOrder found;
  ::testing::internal::CaptureStderr();
  weft::replay(found.failure.token, weft::samples::lock_order_deadlock::buggy, weft::Options{}.break_at(1000));
  const std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(said.find("before its break step 1000"), std::string::npos) << said;
}

TEST(BreakAt, ExploreRefusesIt) {
  const weft::Report r = weft::explore(weft::samples::lock_order_deadlock::buggy, weft::Options{}.break_at(3));
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse);
  EXPECT_NE(r.failure->message.find("Options::break_at (WEFT_BREAK)"), std::string::npos) << r.failure->message;
}

TEST(BreakAt, EnvironmentSetsIt) {
  ::setenv("WEFT_BREAK", "12", 1);
  EXPECT_EQ(weft::Options{}.from_environment().break_at(), 12u);
  ::setenv("WEFT_BREAK", "twelve", 1);
  EXPECT_THROW(weft::Options{}.from_environment(), std::invalid_argument);
  ::unsetenv("WEFT_BREAK");
}

TEST(DebugRegistry, OutsideAnExecutionThereIsNothingToDescribe) {
  EXPECT_EQ(weft_debug_refresh(), -1);
  EXPECT_EQ(weft_debug.live, 0u);
}

}  // namespace
