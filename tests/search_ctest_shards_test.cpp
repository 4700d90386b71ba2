// Registered with weft_discover_tests(... SHARDS 3): ctest runs this test
// three times, as .shard0, .shard1 and .shard2, each exploring its part.

#include <weft/gtest.h>

#include <cstdlib>
#include <vector>

WEFT_TEST_WITH(CtestShards, SixCounters, weft::Options{}.strategy(weft::Strategy::dpor()).preemption_bound(1)) {
  weft::atomic<int> counter{0};
  std::vector<weft::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] { counter.fetch_add(1); });
  for (auto& t : threads) t.join();
  WEFT_ASSERT(counter.load() == 3);
}

TEST(CtestShards, EachPartKnowsItsShard) {
  const char* count = std::getenv("WEFT_TOTAL_SHARDS");
  ASSERT_NE(count, nullptr) << "weft_discover_tests sets the shard variables";
  EXPECT_STREQ(count, "3");
  EXPECT_EQ(std::getenv("GTEST_TOTAL_SHARDS"), nullptr) << "moved to weft's names before GoogleTest read them";
}
