// CI shards through GoogleTest's protocol: with GTEST_TOTAL_SHARDS and
// GTEST_SHARD_INDEX set (as GoogleTest, Bazel and weft_discover_tests set
// them), every WEFT_TEST runs on every shard and explores its part, the
// parts' counts add up to the unsharded count, and a plain GoogleTest test
// still runs on exactly one shard. The tests run this binary again as a child, on the
// ShardChild tests.

#include <gtest/gtest.h>
#include <unistd.h>
#include <weft/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "driver_run.h"

namespace {

using weft::samples::run_driver;

std::string self() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// explored is the count a child's report line gives ("all N executions").
std::uint64_t explored(const std::string& output) {
  static const std::regex all("weft: all ([0-9,]+) executions explored");
  std::smatch m;
  if (!std::regex_search(output, m, all)) return 0;
  std::string digits = m[1];
  std::erase(digits, ',');
  return std::stoull(digits);
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

std::string child_run(const std::string& filter, const std::string& environment) {
  const auto r = run_driver(self() + " --gtest_filter=" + filter, environment);
  EXPECT_EQ(r.status, 0) << r.output;
  return r.output;
}

}  // namespace

// The children's tests: a weft test explored exhaustively, and a plain one.
WEFT_TEST_WITH(ShardChild, FourCounters, weft::Options{}.strategy(weft::Strategy::dpor()).preemption_bound(1)) {
  weft::atomic<int> counter{0};
  std::vector<weft::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { counter.fetch_add(1); });
  for (auto& t : threads) t.join();
}

TEST(ShardChild, Plain) {}

TEST(SearchShards, GoogleTestShardsSplitAWeftTestsExplorationAndAddUp) {
  const std::uint64_t whole = explored(child_run("ShardChild.FourCounters", ""));
  ASSERT_GT(whole, 1u);
  for (int shards : {2, 3}) {
    std::uint64_t sum = 0;
    for (int i = 0; i < shards; ++i) {
      const std::string out = child_run("ShardChild.FourCounters", "GTEST_TOTAL_SHARDS=" + std::to_string(shards) +
                                                                       " GTEST_SHARD_INDEX=" + std::to_string(i));
      EXPECT_EQ(count(out, "[       OK ] ShardChild.FourCounters"), 1u) << "every shard runs the weft test\n" << out;
      EXPECT_NE(out.find("shard " + std::to_string(i) + " of " + std::to_string(shards)), std::string::npos) << out;
      sum += explored(out);
    }
    EXPECT_EQ(sum, whole) << shards << " shards";
  }
}

TEST(SearchShards, BazelShardsSplitItTooAndTouchTheStatusFile) {
  const std::string status = ::testing::TempDir() + "weft_shard_status";
  std::remove(status.c_str());
  const std::uint64_t whole = explored(child_run("ShardChild.FourCounters", ""));
  std::uint64_t sum = 0;
  for (int i = 0; i < 2; ++i) {
    // Bazel's runner sets its own variables and passes them on to GoogleTest.
    const std::string env = "TEST_TOTAL_SHARDS=2 TEST_SHARD_INDEX=" + std::to_string(i) +
                            " GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=" + std::to_string(i) +
                            " TEST_SHARD_STATUS_FILE=" + status;
    sum += explored(child_run("ShardChild.FourCounters", env));
  }
  EXPECT_EQ(sum, whole);
  EXPECT_TRUE(std::ifstream(status).good()) << "TEST_SHARD_STATUS_FILE was not created";
  std::remove(status.c_str());
}

TEST(SearchShards, PlainTestsKeepGoogleTestsPartition) {
  std::size_t ran = 0;
  for (int i = 0; i < 3; ++i)
    ran += count(child_run("ShardChild.*", "GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=" + std::to_string(i)),
                 "[       OK ] ShardChild.Plain");
  EXPECT_EQ(ran, 1u);
}

TEST(SearchShards, AShardIndexOutOfRangeFailsTheWeftTestByName) {
  const auto r = run_driver(self() + " --gtest_filter=ShardChild.FourCounters",
                            "GTEST_TOTAL_SHARDS=2 GTEST_SHARD_INDEX=2");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("SHARD_INDEX=2 is out of range"), std::string::npos) << r.output;
}
