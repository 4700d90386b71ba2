// WEFT_TEST and weft::testing::run_test: gtest integration, environment
// overrides, gtest assertions inside bodies, replay command lines.

#include <gtest/gtest-spi.h>
#include <weft/gtest.h>

#include <cstdlib>
#include <mutex>

namespace {

int executions_seen = 0;

void counted_correct_body() {
  ++executions_seen;
  weft::mutex m;
  weft::var<int> x{0};
  weft::thread a([&] { std::lock_guard g(m); x.set(x.get() + 1); });
  a.join();
  WEFT_ASSERT(x.get() == 1);
}

void lost_update() {
  weft::var<int> x{0};
  weft::thread a([&] { x.set(x.get() + 1); });
  weft::thread b([&] { x.set(x.get() + 1); });
  a.join();
  b.join();
  WEFT_ASSERT(x.get() == 2);
}

// ScopedEnv sets an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

}  // namespace

WEFT_TEST(Adapter, CorrectBodyPasses) {
  weft::mutex m;
  weft::var<int> x{0};
  weft::thread a([&] { std::lock_guard g(m); x.set(x.get() + 1); });
  { std::lock_guard g(m); x.set(x.get() + 1); }
  a.join();
  WEFT_ASSERT(x.get() == 2);
}

WEFT_TEST_WITH(Adapter, OptionsOfYourOwn, weft::Options{}.iterations(10).strategy(weft::Strategy::random())) {
  weft::thread a([] {});
  a.join();
}

TEST(Adapter, FailingBodyFailsTheTestWithReportAndReplayCommand) {
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test(lost_update, weft::Options{}.iterations(5000).race_detection(false)),
                          "WEFT_REPLAY=w1.");
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test(lost_update, weft::Options{}.iterations(5000).race_detection(false)),
                          "--gtest_filter=Adapter.FailingBodyFailsTheTestWithReportAndReplayCommand");
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test(lost_update, weft::Options{}.iterations(5000).race_detection(false)),
                          "weft: AssertionFailed");
}

TEST(Adapter, GoogleTestAssertionInsideTheBodyFailsTheExecution) {
  auto body = [] {
    weft::var<int> x{0};
    weft::thread a([&] { x.set(x.get() + 1); });
    weft::thread b([&] { x.set(x.get() + 1); });
    a.join();
    b.join();
    EXPECT_EQ(x.get(), 2);
  };
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test(body, weft::Options{}.iterations(5000).race_detection(false)),
                          "GoogleTest assertion failed");
  // And through explore directly, with the interceptor of run_test absent,
  // it is an ordinary gtest failure of the enclosing test: run_test is the
  // supported way.
}

TEST(Adapter, FatalAssertionInsideAThreadEndsTheExecution) {
  auto body = [] {
    weft::var<int> x{0};
    weft::thread a([&] {
      x.set(x.get() + 1);
      ASSERT_LT(x.get(), 2) << "both increments seen";
    });
    weft::thread b([&] { x.set(x.get() + 1); });
    a.join();
    b.join();
  };
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test(body, weft::Options{}.iterations(5000).race_detection(false)), "both increments seen");
}

TEST(Adapter, EnvironmentOverridesIterations) {
  ScopedEnv iterations("WEFT_ITERATIONS", "7");
  executions_seen = 0;
  weft::testing::run_test(counted_correct_body, weft::Options{}.iterations(1000));
  EXPECT_EQ(executions_seen, 7);
}

TEST(Adapter, EnvironmentOverridesSeedAndStrategy) {
  ScopedEnv seed("WEFT_SEED", "99");
  ScopedEnv strategy("WEFT_STRATEGY", "random");
  const weft::Options o = weft::Options{}.from_environment();
  EXPECT_EQ(o.seed(), 99u);
  EXPECT_EQ(o.strategy(), weft::Strategy::random());
}

TEST(Adapter, BadEnvironmentValueFailsClearly) {
  ScopedEnv strategy("WEFT_STRATEGY", "bogus");
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test(counted_correct_body), "WEFT_STRATEGY: unknown strategy \"bogus\"");
  ScopedEnv iterations("WEFT_ITERATIONS", "-3");
  EXPECT_THROW((void)weft::Options{}.from_environment(), std::invalid_argument);
}

TEST(Adapter, WeftReplayRunsTheTokenOnce) {
  const weft::Report found = weft::explore(lost_update, weft::Options{}.iterations(5000));
  ASSERT_FALSE(found.ok());
  ScopedEnv replay("WEFT_REPLAY", found.failure->token.c_str());
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test(lost_update), found.failure->token);
  executions_seen = 0;
  EXPECT_NONFATAL_FAILURE(weft::testing::run_test(counted_correct_body), "ReplayError");
  EXPECT_EQ(executions_seen, 1);
}

TEST(Adapter, StrategyParsing) {
  EXPECT_EQ(weft::Strategy::parse("random"), weft::Strategy::random());
  EXPECT_EQ(weft::Strategy::parse("pct"), weft::Strategy::pct(3));
  EXPECT_EQ(weft::Strategy::parse("pct:5"), weft::Strategy::pct(5));
  EXPECT_THROW(weft::Strategy::parse("pct:0"), std::invalid_argument);
  EXPECT_THROW(weft::Strategy::parse("pct:x"), std::invalid_argument);
  EXPECT_EQ(weft::Strategy::pct(4).to_string(), "pct:4");
}
