// Failures that stay fixed (Options::regressions, WEFT_REGRESSIONS): a
// failure is written to the test's regression file, replayed first by every
// later run, re-derived by its search when its token no longer fits, and
// reported stale once the bug is fixed; through explore, WEFT_TEST in new
// processes, and a program test's driver.

#include <gtest/gtest.h>
#include <weft/weft.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "driver_run.h"

namespace {

namespace fs = std::filesystem;
using weft::samples::DriverRun;
using weft::samples::run_driver;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// g_fixed stands for the fix of lost_update's bug: a mutex around it.
bool g_fixed = false;

void lost_update() {
  weft::atomic<int> hits{0};
  weft::mutex m;
  auto hit = [&] {
    if (g_fixed) m.lock();
    hits.store(hits.load() + 1);
    if (g_fixed) m.unlock();
  };
  weft::thread a(hit);
  weft::thread b(hit);
  a.join();
  b.join();
  WEFT_ASSERT(hits.load() == 2, "an update was lost");
}

// crossed_locks deadlocks: its token is one that does not fit lost_update.
void crossed_locks() {
  weft::mutex x;
  weft::mutex y;
  weft::thread a([&] {
    const std::lock_guard<weft::mutex> first(x);
    const std::lock_guard<weft::mutex> second(y);
  });
  {
    const std::lock_guard<weft::mutex> first(y);
    const std::lock_guard<weft::mutex> second(x);
  }
  a.join();
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

std::vector<std::string> entries(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("failure ", 0) == 0) out.push_back(line);
  return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

class Regressions : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : name) c = c == '/' ? '_' : c;  // a parameterized test's name
    dir_ = ::testing::TempDir() + "weft-regressions-" + name;
    fs::remove_all(dir_);
    g_fixed = false;
  }
  void TearDown() override {
    fs::remove_all(dir_);
    g_fixed = false;
  }
  weft::Options options() const {
    return weft::Options{}.seed(7).strategy(weft::Strategy::random()).shrink_milliseconds(0).regressions(
        dir_, "Suite.Test");
  }
  std::string file() const { return dir_ + "/Suite.Test.weft-regressions"; }
  // found is a first run's failure, now in the file.
  weft::Failure found() const {
    const weft::Report r = weft::explore(lost_update, options());
    EXPECT_FALSE(r.ok());
    return r.ok() ? weft::Failure{} : *r.failure;
  }

  std::string dir_;
};

TEST_F(Regressions, AFailingTestWritesItsEntryWithTheSearchThatFoundIt) {
  const weft::Report r = weft::explore(lost_update, options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
  ASSERT_TRUE(r.regressions);
  EXPECT_EQ(r.regressions->file, file());
  EXPECT_EQ(r.regressions->added_line, 5u);
  const std::string text = read(file());
  EXPECT_TRUE(has(text, "\nweft-regressions 1\n")) << text;
  const std::vector<std::string> lines = entries(text);
  ASSERT_EQ(lines.size(), 1u) << text;
  EXPECT_EQ(lines[0].rfind("failure AssertionFailed execution=" + std::to_string(r.failure->execution) +
                               " seed=7 strategy=random iterations=1000 max_steps=100000 ",
                           0),
            0u)
      << lines[0];
  EXPECT_TRUE(has(lines[0], " token=" + r.failure->token)) << lines[0];
  std::ostringstream printed;
  printed << r;
  EXPECT_TRUE(has(printed.str(), "this failure is now line 5 of " + file())) << printed.str();
}

TEST_F(Regressions, TheNextRunFailsAtOnceFromTheFileWhateverItsOwnSearch) {
  const weft::Failure first = found();
  const std::string text = read(file());
  // Another seed and strategy: the entry fails first, in its first execution.
  const weft::Report again =
      weft::explore(lost_update, options().seed(99).strategy(weft::Strategy::pct(2)));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.executions, 1u);
  EXPECT_EQ(*again.failure, first);
  ASSERT_TRUE(again.regressions);
  EXPECT_EQ(again.regressions->from_line, 5u);
  EXPECT_FALSE(again.regressions->from_search);
  EXPECT_EQ(again.regressions->replayed, 1u);
  EXPECT_EQ(again.regressions->added_line, 0u);
  EXPECT_EQ(read(file()), text) << "the same failure again must not be added again";
  const std::string printed = weft::regressions_text(*again.regressions);
  EXPECT_TRUE(has(printed, ": 1 entry replayed, 0 re-derived, 0 stale\n")) << printed;
  EXPECT_TRUE(has(printed, "comes from the regression file, line 5: a failure found before is back")) << printed;
}

TEST_F(Regressions, AFixedBugLeavesAStaleEntryAndPassesUnlessStrict) {
  found();
  const std::string text = read(file());
  g_fixed = true;
  const weft::Report fixed = weft::explore(lost_update, options());
  EXPECT_TRUE(fixed.ok()) << fixed;
  ASSERT_TRUE(fixed.regressions);
  EXPECT_EQ(fixed.regressions->replayed, 1u);
  EXPECT_EQ(fixed.regressions->rederived, 0u);
  EXPECT_EQ(fixed.regressions->stale, 1u);
  const std::string printed = weft::regressions_text(*fixed.regressions);
  EXPECT_TRUE(has(printed, "weft: stale entry, line 5: AssertionFailed found at execution ")) << printed;
  EXPECT_EQ(read(file()), text) << "a stale entry stays until the user deletes it";

  const weft::Report strict = weft::explore(lost_update, options().regressions_strict(true));
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_TRUE(has(strict.failure->message, "1 entry of the regression file " + file() + " no longer fail"))
      << strict.failure->message;
  EXPECT_EQ(read(file()), text);
}

TEST_F(Regressions, ATokenOfAnOlderVersionIsRederivedByItsSearch) {
  const weft::Failure first = found();
  const std::string text = read(file());
  write(file(), replaced(text, "token=w1.", "token=w0."));
  // The current run's seed and strategy are not the entry's: its own search runs.
  const weft::Report r = weft::explore(lost_update, options().seed(3).strategy(weft::Strategy::pct(3)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
  EXPECT_EQ(r.failure->token, first.token);
  EXPECT_EQ(r.failure->execution, first.execution);
  ASSERT_TRUE(r.regressions);
  EXPECT_EQ(r.regressions->rederived, 1u);
  EXPECT_EQ(r.regressions->from_line, 5u);
  EXPECT_TRUE(r.regressions->from_search);
  EXPECT_EQ(r.regressions->added_line, 0u);
  EXPECT_EQ(read(file()), text) << "the entry holds the re-derived token, in its own line";
  EXPECT_TRUE(has(weft::regressions_text(*r.regressions), "its token no longer fit, so the search that found it ran "
                                                          "again and found it anew"));
}

TEST_F(Regressions, ATokenThatNoLongerFitsIsRederivedAndTheUsersLinesAreKept) {
  const weft::Failure first = found();
  const std::string text = read(file()) + "# a note of the user's\n";
  // A valid token of another body: it diverges from this one.
  const weft::Report other = weft::explore(crossed_locks, weft::Options{}.strategy(weft::Strategy::random()));
  ASSERT_FALSE(other.ok());
  ASSERT_EQ(other.failure->kind, weft::FailureKind::Deadlock);
  write(file(), replaced(text, first.token, other.failure->token));
  const weft::Report r = weft::explore(lost_update, options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->token, first.token);
  EXPECT_EQ(r.regressions->rederived, 1u);
  EXPECT_EQ(read(file()), text);

  // A token altered by hand (its checksum no longer matches) alike.
  std::string altered = first.token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  write(file(), replaced(text, first.token, altered));
  const weft::Report again = weft::explore(lost_update, options());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure->token, first.token);
  EXPECT_EQ(again.regressions->rederived, 1u);
  EXPECT_EQ(read(file()), text);
}

TEST_F(Regressions, ASearchThatFindsAnotherBugReportsAndKeepsIt) {
  found();
  const std::string text = read(file());
  // An entry recorded as a Deadlock whose search now finds the lost update.
  const std::string deadlock = replaced(entries(text)[0], "failure AssertionFailed", "failure Deadlock");
  write(file(), replaced(text, entries(text)[0], replaced(deadlock, "token=w1.", "token=w0.")));
  const weft::Report r = weft::explore(lost_update, options().seed(5).strategy(weft::Strategy::pct(2)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::AssertionFailed);
  EXPECT_EQ(r.regressions->stale, 1u);
  EXPECT_EQ(r.regressions->added_line, 6u);
  EXPECT_TRUE(has(r.regressions->stale_lines, "the search finds AssertionFailed instead"))
      << r.regressions->stale_lines;
  const std::vector<std::string> now = entries(read(file()));
  ASSERT_EQ(now.size(), 2u) << read(file());
  // Kept with the search that found it: the entry's, not this run's.
  EXPECT_EQ(now[1].rfind("failure AssertionFailed execution=" + std::to_string(r.failure->execution) +
                             " seed=7 strategy=random iterations=",
                         0),
            0u)
      << now[1];
}

TEST_F(Regressions, AMalformedFileFailsNamingItsLineAndIsKept) {
  fs::create_directories(dir_);
  const std::string bad =
      "# mine\nweft-regressions 1\n"
      "failure AssertionFailed execution=3 seed=x strategy=random iterations=10 token=w1.A\n";
  write(file(), bad);
  const weft::Report r = weft::explore(lost_update, options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::ReplayError);
  EXPECT_EQ(r.executions, 0u);
  EXPECT_TRUE(has(r.failure->message, file() + ":3: field seed=x has a value weft cannot read"))
      << r.failure->message;
  EXPECT_EQ(read(file()), bad);

  const std::string newer = "weft-regressions 2\nfailure Future kind=1\n";
  write(file(), newer);
  const weft::Report v2 = weft::explore(lost_update, options());
  ASSERT_FALSE(v2.ok());
  EXPECT_TRUE(has(v2.failure->message, file() + ":1: this is a regression file of version \"2\", which this weft "
                                                "does not read"))
      << v2.failure->message;
  EXPECT_EQ(read(file()), newer);

  const std::string stray = "weft-regressions 1\nfailure AssertionFailed execution=3 seed=1 strategy=random\n";
  write(file(), stray);
  const weft::Report missing = weft::explore(lost_update, options());
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(has(missing.failure->message, file() + ":2: the entry has no iterations= field"))
      << missing.failure->message;
  EXPECT_EQ(read(file()), stray);
}

TEST_F(Regressions, TheFileNameHasOnlySafeCharacters) {
  const weft::Report r = weft::explore(lost_update, options().regressions(dir_, "Suite/Param.Name/0 x"));
  ASSERT_FALSE(r.ok());
  std::vector<std::string> names;
  for (const auto& f : fs::directory_iterator(dir_)) names.push_back(f.path().filename().string());
  ASSERT_EQ(names.size(), 1u);
  EXPECT_TRUE(std::regex_match(names[0], std::regex("Suite_Param\\.Name_0_x-[0-9a-f]{8}\\.weft-regressions")))
      << names[0];
}

TEST_F(Regressions, ARegressionDirectoryNeedsATestName) {
  const weft::Report r = weft::explore(lost_update, weft::Options{}.regressions(dir_));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure->kind, weft::FailureKind::Misuse);
  EXPECT_FALSE(fs::exists(dir_));
}

TEST_F(Regressions, TheEnvironmentSetsTheDirectoryAndStrictMode) {
  ::setenv("WEFT_REGRESSIONS", dir_.c_str(), 1);
  ::setenv("WEFT_REGRESSIONS_STRICT", "1", 1);
  const weft::Options o = weft::Options{}.regressions("", "Suite.Test").from_environment();
  EXPECT_EQ(o.regressions(), dir_);
  EXPECT_EQ(o.regressions_name(), "Suite.Test");
  EXPECT_TRUE(o.regressions_strict());
  ::setenv("WEFT_REGRESSIONS_STRICT", "yes", 1);
  EXPECT_THROW((void)weft::Options{}.from_environment(), std::invalid_argument);
  ::unsetenv("WEFT_REGRESSIONS");
  ::unsetenv("WEFT_REGRESSIONS_STRICT");
}

// In new processes, as CI runs them: a WEFT_TEST and a program test.
struct Driver {
  std::string command;  // the executable, and its arguments
  std::string file;     // the name of its regression file
  std::string failed;   // what its output says when the test fails
  std::string passed;   // ... and when it passes
};

class RegressionsInNewProcesses : public Regressions, public ::testing::WithParamInterface<Driver> {};

TEST_P(RegressionsInNewProcesses, FailAtOnceFromTheFileThenGoStaleOnceFixed) {
  const Driver& d = GetParam();
  const std::string env = "WEFT_REGRESSIONS=" + dir_;
  const DriverRun first = run_driver(d.command, env);
  EXPECT_NE(first.status, 0) << first.output;
  EXPECT_TRUE(first.has(d.failed)) << first.output;
  EXPECT_TRUE(first.has("this failure is now line 5 of " + dir_ + "/" + d.file)) << first.output;
  const std::string text = read(dir_ + "/" + d.file);
  ASSERT_EQ(entries(text).size(), 1u) << text;
  EXPECT_TRUE(has(entries(text)[0], "token=" + first.token())) << text;

  const DriverRun again = run_driver(d.command, env);
  EXPECT_NE(again.status, 0) << again.output;
  EXPECT_TRUE(again.has(": 1 entry replayed, 0 re-derived, 0 stale")) << again.output;
  EXPECT_TRUE(again.has("comes from the regression file, line 5: a failure found before is back")) << again.output;
  EXPECT_EQ(again.token(), first.token());
  EXPECT_EQ(again.report(), first.report());
  EXPECT_EQ(read(dir_ + "/" + d.file), text);

  const DriverRun fixed = run_driver(d.command, env + " REGRESSION_FIXED=1");
  EXPECT_EQ(fixed.status, 0) << fixed.output;
  EXPECT_TRUE(fixed.has(d.passed)) << fixed.output;
  EXPECT_TRUE(fixed.has(": 1 entry replayed, 0 re-derived, 1 stale")) << fixed.output;

  const DriverRun strict = run_driver(d.command, env + " REGRESSION_FIXED=1 WEFT_REGRESSIONS_STRICT=1");
  EXPECT_NE(strict.status, 0) << strict.output;
  EXPECT_TRUE(strict.has("no longer fail")) << strict.output;
  EXPECT_EQ(read(dir_ + "/" + d.file), text);
}

INSTANTIATE_TEST_SUITE_P(
    Drivers, RegressionsInNewProcesses,
    ::testing::Values(Driver{WEFT_REGRESSION_FIXTURE " --gtest_filter=Regression.LostUpdate",
                             "Regression.LostUpdate.weft-regressions", "[  FAILED  ] Regression.LostUpdate",
                             "[  PASSED  ] 1 test"},
                      Driver{WEFT_REGRESSION_PROGRAM, "program_regression_lost_update.weft-regressions",
                             "expected no failure, but the exploration found", "no failure in"}),
    [](const ::testing::TestParamInfo<Driver>& d) { return d.index == 0 ? std::string("WeftTest") : "ProgramTest"; });

}  // namespace
