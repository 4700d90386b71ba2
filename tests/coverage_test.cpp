// coverage_test: a test that weft did not really control is a failure, not
// a silent pass. This executable does not link weft::interpose, as a user
// who forgot it would not: std::thread makes real threads here.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "weft/weft.h"

namespace {

TEST(Coverage, ABodyWithNoControlledOperationFails) {
  const weft::Report r = weft::explore(
      [] {
        std::mutex m;  // a real mutex: weft sees nothing of it here
        std::lock_guard<std::mutex> hold(m);
      },
      weft::Options{}.iterations(50));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse);
  EXPECT_NE(r.failure->message.find("weft tested nothing"), std::string::npos) << r.failure->message;
  EXPECT_NE(r.failure->message.find("weft::interpose"), std::string::npos) << r.failure->message;
  EXPECT_EQ(r.executions, 50u);
  EXPECT_TRUE(r.failure->token.empty());
}

TEST(Coverage, ABodyThatOnlyChoosesValuesIsControlled) {
  const weft::Report r = weft::explore(
      [] {
        weft::atomic<int> x{0};
        x.store(1);
      },
      weft::Options{}.iterations(5));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Coverage, ARealThreadCreatedDuringAnExecutionFails) {
  const weft::Report r = weft::explore(
      [] {
        std::atomic<bool> stop{false};
        std::thread real([&] {
          while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
        weft::atomic<int> x{0};
        weft::thread w([&] { x.store(1); });
        w.join();
        stop = true;
        real.join();
      },
      weft::Options{}.iterations(20));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse) << *r.failure;
  EXPECT_NE(r.failure->message.find("a real OS thread appeared during execution 1"), std::string::npos)
      << r.failure->message;
}

TEST(Coverage, ThreadsThatExistedBeforeTheExplorationAreNotCounted) {
  std::atomic<bool> stop{false};
  std::thread before([&] {
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  const weft::Report r = weft::explore(
      [] {
        weft::atomic<int> x{0};
        weft::thread w([&] { x.store(1); });
        w.join();
      },
      weft::Options{}.iterations(20));
  stop = true;
  before.join();
  EXPECT_TRUE(r.ok()) << r;
}

}  // namespace
