// interpose_gtest_test: GoogleTest assertions inside unmodified std::thread
// code. GoogleTest locks its own mutexes while it records a failure, on the
// failing weft thread: through weft::interpose those locks are weft's too,
// and must neither deadlock nor lose the report.

#include <gtest/gtest-spi.h>
#include <weft/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace {

// A deposit split into two critical sections, checked with GoogleTest.
void checked_split_update(bool fatal) {
  std::mutex m;
  std::condition_variable cv;
  int balance = 0;
  auto deposit = [&] {
    int seen;
    {
      std::lock_guard<std::mutex> hold(m);
      seen = balance;
    }
    std::lock_guard<std::mutex> hold(m);
    balance = seen + 1;
    cv.notify_all();
  };
  std::thread a(deposit), b(deposit);
  std::thread checker([&] {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return balance >= 1; });
    if (fatal) {
      ASSERT_NE(balance, 1) << "checker saw one deposit";
    } else {
      EXPECT_NE(balance, 1) << "checker saw one deposit";
    }
  });
  a.join();
  b.join();
  checker.join();
  EXPECT_EQ(balance, 2) << "a deposit was lost";
}

}  // namespace

WEFT_TEST(InterposeGtest, CorrectStdCodePasses) {
  std::mutex m;
  int n = 0;
  std::thread a([&] {
    std::lock_guard<std::mutex> hold(m);
    ++n;
  });
  {
    std::lock_guard<std::mutex> hold(m);
    ++n;
  }
  a.join();
  EXPECT_EQ(n, 2);
}

TEST(InterposeGtest, ExpectInsideAStdThreadFailsTheExecution) {
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test([] { checked_split_update(false); }, weft::Options{}.iterations(2000)),
                          "GoogleTest assertion failed");
}

TEST(InterposeGtest, AssertInsideAStdThreadFailsTheExecution) {
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test([] { checked_split_update(true); }, weft::Options{}.iterations(2000)),
                          "checker saw one deposit");
}

TEST(InterposeGtest, FailureCarriesAReplayCommand) {
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test([] { checked_split_update(false); }, weft::Options{}.iterations(2000)),
                          "WEFT_REPLAY=w1.");
}
