#include <weft/gtest.h>

#include <mutex>

WEFT_TEST(Consumer, UsesWeft) {
  weft::mutex m;
  weft::var<int> x{0};
  weft::thread a([&] { std::lock_guard g(m); x.set(x.get() + 1); });
  { std::lock_guard g(m); x.set(x.get() + 1); }
  a.join();
  WEFT_ASSERT(x.get() == 2);
}

TEST(Consumer, FindsTheRaceBehindALostUpdate) {
  const weft::Report r = weft::explore([] {
    weft::var<int> x{0};
    weft::thread a([&] { x.set(x.get() + 1); });
    x.set(x.get() + 1);
    a.join();
    WEFT_ASSERT(x.get() == 2);
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::DataRace);
}
