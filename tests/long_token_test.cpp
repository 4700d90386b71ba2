// Long tokens: a failure after a few hundred thousand choices has a token
// over 128 KiB, which Linux refuses as an environment value. The printed
// command must still replay it in a new process (WEFT_REPLAY=@file), and
// the failure must not keep a trace step per operation.

#include <gtest/gtest.h>
#include <unistd.h>
#include <weft/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "driver_run.h"

namespace {

using weft::samples::DriverRun;
using weft::samples::run_driver;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// kChild marks the run of this binary that the tests start as a child.
constexpr const char* kChild = "WEFT_LONG_TOKEN_CHILD";

// long_failure fails after about 450,000 choices among four threads (two
// bits each): its token is about 146 KiB.
void long_failure() {
  weft::atomic<int> n{0};
  auto work = [&] {
    for (int i = 0; i < 150'000; ++i) n.fetch_add(1);
  };
  weft::thread a(work);
  weft::thread b(work);
  weft::thread c(work);
  a.join();
  b.join();
  c.join();
  WEFT_ASSERT(n.load() != 450'000, "the end of a long execution");
}

// Without shrinking: the tokens under test are the long ones as found (a
// shrink of a 450,000-step failure spends its whole 10 s time cap).
const weft::Options kLong =
    weft::Options{}.iterations(1).max_steps(1'000'000).strategy(weft::Strategy::random()).shrink(false);

std::string self() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// command is the replay command a failing WEFT_TEST printed.
std::string command(const std::string& output) {
  const std::string intro = "to replay it:\n  ";
  const auto at = output.find(intro);
  if (at == std::string::npos) return "";
  return output.substr(at + intro.size(), output.find('\n', at + intro.size()) - at - intro.size());
}

}  // namespace

// The failing test the others run in a child process; skipped otherwise.
TEST(LongTokenChild, FailsAfterManyChoices) {
  if (!std::getenv(kChild)) GTEST_SKIP() << "run by LongToken.PrintedCommandReplaysInANewProcess";
  weft::testing::run_test(long_failure, kLong);
}

TEST(LongToken, PrintedCommandReplaysInANewProcess) {
  const std::string child = std::string(kChild) + "=1";
  const DriverRun found = run_driver(self() + " --gtest_filter=LongTokenChild.FailsAfterManyChoices", child);
  const std::string replay = command(found.output);
  ASSERT_EQ(replay.rfind("WEFT_REPLAY=@/", 0), 0u) << replay.substr(0, 200);
  const std::string path = replay.substr(13, replay.find(' ') - 13);
  std::ifstream file(path);
  std::string token;
  std::getline(file, token);
  EXPECT_GT(token.size(), 128u * 1024) << "a shorter token than this test needs";
  EXPECT_EQ(found.token(), token);

  const DriverRun replayed = run_driver(replay, child);
  EXPECT_FALSE(found.report().empty()) << found.output.substr(0, 2000);
  EXPECT_EQ(replayed.report(), found.report()) << replayed.output.substr(0, 2000);
  ::unlink(path.c_str());
}

TEST(LongToken, ReplayReadsATokenFromAFile) {
  const weft::Report found = weft::explore(long_failure, kLong);
  ASSERT_FALSE(found.ok());
  const std::string path = ::testing::TempDir() + "weft-long-token-test.txt";
  std::ofstream(path) << found.failure->token << '\n';
  const weft::Report again = weft::replay("@" + path, long_failure, kLong);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *found.failure);
  ::unlink(path.c_str());

  const weft::Report missing = weft::replay("@" + path, long_failure, kLong);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_TRUE(has(missing.failure->message, "cannot read the token file " + path)) << missing.failure->message;
}

TEST(LongToken, TheFailureKeepsOnlyTheStepsItsReportShows) {
  const weft::Report found = weft::explore(long_failure, kLong);
  ASSERT_FALSE(found.ok());
  const weft::Failure& f = *found.failure;
  EXPECT_EQ(f.trace.size(), 50u);  // Options::trace_steps' default
  EXPECT_GT(f.operations, 450'000u);
  EXPECT_EQ(f.trace.back().step, f.step);
  EXPECT_TRUE(has(f.to_string(), "trace (last 50 of " + std::to_string(f.operations) + " operations)"));
  // trace_steps(0) keeps them all.
  const weft::Report all = weft::explore(long_failure, weft::Options{kLong}.trace_steps(0));
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.failure->trace.size(), f.operations);
}
