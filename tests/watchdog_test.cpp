// watchdog_test: code that reaches no scheduling point at all is ended by
// the wall-clock watchdog with a report and a token, and the tests after
// it still run. Built three times: with weft's own types only
// (watchdog_test), with weft::interpose (interpose_watchdog_test) and with
// weft_instrument (instrument_watchdog_test); under interposition or
// instrumentation some cells become ordinary weft failures (a Deadlock),
// which is as good: every cell gives a report and a token.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>

#include "weft/weft.h"

namespace {

weft::Options watched() { return weft::Options{}.iterations(3).watchdog(1); }

// check_cell explores `body`, which never ends by itself, and replays its
// token: both must end with a failure that has a token.
void check_cell(void (*body)()) {
  const weft::Report r = weft::explore(body, watched());
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.failure->token.empty()) << *r.failure;
  if (r.failure->kind == weft::FailureKind::Hang) {
    EXPECT_NE(r.failure->message.find("watchdog: T"), std::string::npos) << *r.failure;
    EXPECT_NE(r.failure->message.find("its stack:"), std::string::npos) << *r.failure;
  }
  const weft::Report again = weft::replay(r.failure->token, body, watched());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure->kind, r.failure->kind) << *again.failure;
}

void busy_loop() {
  weft::thread t([] {
    for (;;) asm volatile("" ::: "memory");  // no memory access, no call
  });
  t.join();
}

void blocking_read() {
  int fds[2];
  if (::pipe(fds) != 0) return;
  weft::thread t([&] {
    char c = 0;
    const ssize_t n = ::read(fds[0], &c, 1);  // nobody writes
    (void)n;
  });
  t.join();
  ::close(fds[0]);
  ::close(fds[1]);
}

void std_mutex_twice() {
  static std::mutex m;  // outlives a dropped thread that holds it
  weft::thread t([] {
    m.lock();
    m.lock();
  });
  t.join();
}

void atomic_wait_without_notifier() {
  std::atomic<int> x{0};
  weft::thread t([&] { x.wait(0); });
  t.join();
}

TEST(Watchdog, ABusyLoopIsReported) { check_cell(&busy_loop); }
TEST(Watchdog, ABlockingReadIsReported) { check_cell(&blocking_read); }
TEST(Watchdog, AStdMutexLockedTwiceIsReported) { check_cell(&std_mutex_twice); }
TEST(Watchdog, AnAtomicWaitWithoutNotifierIsReported) { check_cell(&atomic_wait_without_notifier); }

TEST(Watchdog, TheTestsAfterThemStillRun) {
  const weft::Report r = weft::explore([] { weft::thread([] {}).join(); }, weft::Options{}.iterations(10));
  EXPECT_TRUE(r.ok()) << r;
}

}  // namespace
