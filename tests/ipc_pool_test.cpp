// weft::pool and weft::future: map, submit, results and exceptions,
// lifecycle misuse, broken futures of crashed workers.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <future>
#include <set>
#include <stdexcept>
#include <vector>

#include "ipc_support.h"

namespace {

using ipc_test::contains;
using ipc_test::failure_of;

TEST(Pool, MapReturnsResultsInOrder) {
  const weft::Report r = weft::explore([] {
    weft::pool workers(2);
    const std::vector<int> squares = workers.map([](int v) { return v * v; }, std::vector<int>{1, 2, 3, 4});
    WEFT_ASSERT(squares == (std::vector<int>{1, 4, 9, 16}));
    workers.close();
    workers.join();
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Pool, TasksRunOnDifferentWorkersAcrossSchedules) {
  std::set<std::uint32_t> ran_on;
  const weft::Report r = weft::explore([&] {
    weft::pool workers(2);
    weft::future<std::uint32_t> where = workers.submit([] { return weft::this_process::get_id(); });
    ran_on.insert(where.get());
  }, weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(ran_on, (std::set<std::uint32_t>{1, 2}));
}

TEST(Pool, SubmitGivesAFutureAndExceptionsAreRethrown) {
  const weft::Report r = weft::explore([] {
    weft::pool workers(1);
    weft::future<int> answer = workers.submit([] { return 42; });
    weft::future<void> fails = workers.submit([] { throw std::runtime_error("task failed"); });
    answer.wait();
    WEFT_ASSERT(answer.valid());
    WEFT_ASSERT(answer.get() == 42);
    WEFT_ASSERT(!answer.valid());
    bool caught = false;
    try {
      fails.get();
    } catch (const std::runtime_error& e) {
      caught = std::string(e.what()) == "task failed";
    }
    WEFT_ASSERT(caught);
  }, weft::Options{}.iterations(200));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(Pool, SubmittingAfterCloseIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::pool workers(1);
    workers.close();
    (void)workers.submit([] { return 1; });
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "submits to a weft::pool after closing it")) << f.message;
}

TEST(Pool, JoiningAnOpenPoolIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::pool workers(1);
    workers.join();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "still open")) << f.message;
}

TEST(Pool, GettingAFutureTwiceIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::pool workers(1);
    weft::future<int> v = workers.submit([] { return 1; });
    (void)v.get();
    (void)v.get();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "without a state")) << f.message;
}

TEST(Pool, ATaskSharingAVarWithTheSubmitterIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::var<int> total{0};
    total.set(1);
    weft::pool workers(1);
    workers.submit([&total] { total.set(total.get() + 1); }).wait();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "processes share no memory")) << f.message;
}

TEST(Pool, ACrashedWorkerBreaksTheFutureOfTheTaskItHeld) {
  std::set<std::string> outcomes;
  const weft::Report r = weft::explore([&] {
    weft::pool workers(1);
    weft::future<int> v = workers.submit([] { return 7; });
    try {
      outcomes.insert(v.get() == 7 ? "value" : "wrong");
    } catch (const std::future_error& e) {
      outcomes.insert(e.code() == std::future_errc::broken_promise ? "broken" : "other");
    }
    // A worker that crashed before taking the job leaves it queued: the
    // get above then has nobody to wait for, which the deadlock says.
  }, weft::Options{}.iterations(400).process_crashes(true));
  if (!r.ok()) {
    EXPECT_EQ(r.failure->kind, weft::FailureKind::Deadlock) << r;
  }
  EXPECT_TRUE(outcomes.count("value"));
  EXPECT_TRUE(outcomes.count("broken")) << "no crash fell between taking the job and setting its result";
  EXPECT_FALSE(outcomes.count("wrong") || outcomes.count("other"));
}

TEST(Future, DefaultConstructedIsInvalidAndUsingItIsMisuse) {
  const weft::Failure f = failure_of(weft::explore([] {
    weft::future<int> none;
    WEFT_ASSERT(!none.valid());
    none.wait();
  }));
  EXPECT_EQ(f.kind, weft::FailureKind::Misuse);
}

TEST(Future, WaitForTimesOutOnVirtualTime) {
  std::set<std::future_status> seen;
  const weft::Report r = weft::explore([&] {
    weft::pool workers(1);
    weft::future<int> v = workers.submit([] { return 1; });
    seen.insert(v.wait_for(std::chrono::milliseconds(1)));
    WEFT_ASSERT(v.get() == 1);
  }, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << r;
  EXPECT_EQ(seen, (std::set<std::future_status>{std::future_status::ready, std::future_status::timeout}));
}

}  // namespace
