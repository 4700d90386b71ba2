#include <weft/gtest.h>

#include <mutex>
#include <thread>

TEST(ConsumerStd, FindsALockOrderDeadlockInStdThreadCode) {
  const weft::Report r = weft::explore([] {
    std::mutex first, second;
    std::thread a([&] {
      std::scoped_lock<std::mutex> one(first);
      std::scoped_lock<std::mutex> two(second);
    });
    std::scoped_lock<std::mutex> two(second);
    std::scoped_lock<std::mutex> one(first);
    a.join();
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Deadlock);
}
