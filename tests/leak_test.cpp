// End-of-execution checks: what a cleanly ended execution left behind.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

namespace {

weft::Failure expect_misuse(const std::function<void()>& body, const char* says) {
  const weft::Report r = weft::explore(body, weft::Options{}.iterations(200));
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse) << *r.failure;
  EXPECT_NE(r.failure->message.find(says), std::string::npos) << r.failure->message;
  const weft::Report again = weft::replay(r.failure->token, body);
  EXPECT_FALSE(again.ok());
  if (!again.ok()) {
    EXPECT_EQ(*again.failure, *r.failure);
  }
  return *r.failure;
}

void expect_clean(const std::function<void()>& body) {
  const weft::Report r = weft::explore(body, weft::Options{}.iterations(300));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.failure->to_string());
}

}  // namespace

TEST(Leaks, AThreadEndingWithAMutexHeldIsReported) {
  static weft::mutex m;  // outlives the body, so no destroyed-while-locked report comes first
  const weft::Failure f = expect_misuse(
      [] {
        weft::thread t([] { m.lock(); });
        t.join();
      },
      "T1 ended holding mutex#1");
  EXPECT_NE(f.message.find("leak_test.cpp"), std::string::npos) << f.message;
}

TEST(Leaks, ARecursiveMutexHeldOnceMoreThanReleasedIsReported) {
  static weft::recursive_mutex m;
  expect_misuse(
      [] {
        m.lock();
        m.lock();
        m.unlock();
      },
      "T0 ended holding mutex#1");
}

TEST(Leaks, ASharedLockLeftHeldIsReported) {
  static weft::shared_mutex m;
  expect_misuse(
      [] {
        weft::thread t([] { m.lock_shared(); });
        t.join();
      },
      "T1 ended holding shared_mutex#1 shared");
}

TEST(Leaks, AThreadNeitherJoinedNorDetachedIsReported) {
  // The weft::thread objects outlive their executions (destroyed after the
  // exploration, outside weft), so nothing but the end-of-execution check
  // can see that they were never joined or detached.
  static std::vector<std::unique_ptr<weft::thread>> kept;
  expect_misuse(
      [] {
        kept.push_back(std::make_unique<weft::thread>([] {}));
        weft::this_thread::yield();
      },
      "T1 was never joined or detached");
  kept.clear();
}

TEST(Leaks, BalancedLockingIsClean) {
  expect_clean([] {
    weft::mutex m;
    weft::recursive_mutex r;
    weft::shared_mutex s;
    weft::timed_mutex tm;
    weft::condition_variable cv;
    bool ready = false;
    weft::thread t([&] {
      std::lock_guard g(m);
      ready = true;
      cv.notify_one();
    });
    {
      std::unique_lock l(m);
      cv.wait(l, [&] { return ready; });
    }
    { std::scoped_lock both(r, tm); std::lock_guard again(r); }
    { std::shared_lock reader(s); }
    if (tm.try_lock_for(std::chrono::milliseconds(1))) tm.unlock();
    t.join();
    weft::thread([] {}).detach();
  });
}
