#include <weft/gtest.h>

#include <mutex>
#include <thread>

TEST(ConsumerStd, FindsALostDepositInStdThreadCode) {
  const weft::Report r = weft::explore([] {
    std::mutex m;
    int balance = 0;
    auto deposit = [&] {
      int seen;
      {
        std::lock_guard<std::mutex> hold(m);
        seen = balance;
      }
      std::lock_guard<std::mutex> hold(m);
      balance = seen + 1;
    };
    std::thread a(deposit), b(deposit);
    a.join();
    b.join();
    WEFT_ASSERT(balance == 2);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
}
