// CI shards for WEFT_TEST: GoogleTest's sharding protocol (GTEST_TOTAL_SHARDS,
// GTEST_SHARD_INDEX, which Bazel's runner also sets from TEST_TOTAL_SHARDS and
// TEST_SHARD_INDEX) gives whole tests to shards. A weft test instead runs on
// every shard and splits its exploration (Options::shard), so before
// GoogleTest reads them (RUN_ALL_TESTS) the variables are moved to weft's own
// names, WEFT_TOTAL_SHARDS and WEFT_SHARD_INDEX. Plain GoogleTest tests keep
// their partition: test i of them runs on shard i mod n, and is skipped on
// the others.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>
#include <string>

#include "weft/gtest.h"

namespace weft::testing::sharding {

namespace {
std::set<std::string>& explored_tests() {
  static std::set<std::string> names;
  return names;
}

const char* variable(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// touch creates the file a sharding protocol asks a shard-aware test to
// create, so that the runner knows the shards were honoured.
void touch(const char* name) {
  if (const char* file = variable(name)) {
    if (std::FILE* f = std::fopen(file, "a")) std::fclose(f);
  }
}

// PlainTestPartition gives every plain (not WEFT_TEST) test to one shard, as
// GoogleTest would have, by the order the tests start in (the same on every
// shard).
class PlainTestPartition : public ::testing::EmptyTestEventListener {
 public:
  PlainTestPartition(unsigned long index, unsigned long count) : index_(index), count_(count) {}
  void OnTestStart(const ::testing::TestInfo& info) override {
    if (is_explored(info.test_suite_name(), info.name())) return;
    if (next_++ % count_ != index_) GTEST_SKIP() << "weft: GoogleTest shard " << next_ - 1 << " % " << count_;
  }

 private:
  unsigned long index_, count_;
  unsigned long next_ = 0;
};

// ShardTakeover runs as the test executable starts, before main.
struct ShardTakeover {
  ShardTakeover() {
    touch("TEST_SHARD_STATUS_FILE");
    touch("GTEST_SHARD_STATUS_FILE");
    const char* index = variable("GTEST_SHARD_INDEX");
    const char* count = variable("GTEST_TOTAL_SHARDS");
    if (!index && !count) return;
    char* end = nullptr;
    const unsigned long i = index ? std::strtoul(index, &end, 10) : 0;
    const bool index_ok = index && *end == 0;
    const unsigned long n = count ? std::strtoul(count, &end, 10) : 0;
    // A value weft cannot use (or one missing) is left for
    // Options::from_environment to report by name, in each weft test.
    if (!index_ok || !count || *end != 0 || n == 0 || i >= n) {
      if (index) ::setenv("WEFT_SHARD_INDEX", index, 1);
      if (count) ::setenv("WEFT_TOTAL_SHARDS", count, 1);
    } else {
      ::setenv("WEFT_SHARD_INDEX", index, 0);
      ::setenv("WEFT_TOTAL_SHARDS", count, 0);
      ::testing::UnitTest::GetInstance()->listeners().Append(new PlainTestPartition(i, n));
    }
    ::unsetenv("GTEST_SHARD_INDEX");
    ::unsetenv("GTEST_TOTAL_SHARDS");
  }
};
const ShardTakeover takeover;
}  // namespace

bool register_explored(const char* suite, const char* name) {
  explored_tests().insert(std::string(suite) + "." + name);
  return true;
}

bool is_explored(const char* suite, const char* name) {
  return explored_tests().count(std::string(suite) + "." + name) != 0;
}

}  // namespace weft::testing::sharding
