// program_test: drivers of C programs built by weft_add_program_test, run as
// a user runs them: their exit status and output, the report of a failure,
// and its replay in a new process from the printed token.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace {

struct DriverRun {
  std::string output;
  int status = -1;
};

// run_driver runs the driver of tests/programs/<name>.c with `environment`
// (VAR=value words) and returns what it printed and its exit status.
DriverRun run_driver(const std::string& name, const std::string& environment = "") {
  const std::string command = environment + " " WEFT_PROGRAMS "/program_" + name + " 2>&1";
  DriverRun r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe)) r.output += buffer.data();
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool has(const DriverRun& r, const std::string& part) { return r.output.find(part) != std::string::npos; }

// report_of is the failure report a driver printed, from its first line to
// its token.
std::string report_of(const std::string& output) {
  const auto from = output.find("weft: ");
  const auto token = output.find("replay token: ", from);
  if (from == std::string::npos || token == std::string::npos) return "";
  return output.substr(from, output.find('\n', token) - from);
}

std::string token_of(const std::string& output) {
  const auto at = output.find("replay token: ");
  if (at == std::string::npos) return "";
  return output.substr(at + 14, output.find('\n', at) - at - 14);
}

TEST(Program, GlobalsAreFreshInEveryExecution) {
  const DriverRun r = run_driver("fresh_globals");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(has(r, "no failure in 200 executions")) << r.output;
}

struct Expected {
  const char* program;
  const char* kind;
  const char* message;
};

std::string NameOf(const ::testing::TestParamInfo<Expected>& e) { return e.param.program; }

class ProgramFailure : public ::testing::TestWithParam<Expected> {};

TEST_P(ProgramFailure, IsFoundWithItsKindAndReplaysInANewProcess) {
  const Expected& e = GetParam();
  const DriverRun found = run_driver(e.program, "WEFT_TRACE_STEPS=0");
  EXPECT_EQ(found.status, 0) << found.output;
  EXPECT_TRUE(has(found, std::string("weft: ") + e.kind + " in execution")) << found.output;
  EXPECT_TRUE(has(found, e.message)) << found.output;
  EXPECT_TRUE(has(found, "found the expected")) << found.output;
  const std::string token = token_of(found.output);
  ASSERT_FALSE(token.empty()) << found.output;
  EXPECT_TRUE(has(found, "WEFT_REPLAY=" + token + " /")) << found.output;

  const DriverRun replayed = run_driver(e.program, "WEFT_TRACE_STEPS=0 WEFT_REPLAY=" + token);
  EXPECT_EQ(replayed.status, 0) << replayed.output;
  EXPECT_TRUE(has(replayed, "replayed the expected")) << replayed.output;
  EXPECT_EQ(report_of(replayed.output), report_of(found.output));
}

INSTANTIATE_TEST_SUITE_P(
    Programs, ProgramFailure,
    ::testing::Values(Expected{"nondet_reach_error", "AssertionFailed", "reach_error() was called from main"},
                      Expected{"reach_error_declared", "AssertionFailed", "reach_error() was called from main"},
                      Expected{"exit_status", "AssertionFailed", "T0 called exit(3) from finish"},
                      Expected{"main_returns_failure", "AssertionFailed", "main returned 1"},
                      Expected{"abort", "Crash", "T0 called abort() from main"}),
    NameOf);

TEST(Program, ArgumentsReachMain) {
  // main_returns_failure fails only with two arguments (ARGS first second);
  // the driver's own arguments are appended.
  const DriverRun r = run_driver("main_returns_failure", "WEFT_ITERATIONS=50");
  EXPECT_TRUE(has(r, "main returned 1")) << r.output;
}

TEST(Program, AnExplorationThatChecksNothingFails) {
  const DriverRun r = run_driver("assume_never", "WEFT_ITERATIONS=20");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(has(r, "weft: Misuse")) << r.output;
  EXPECT_TRUE(has(r, "every one of the 20 executions was discarded by a failed assumption")) << r.output;
}

TEST(Program, AProgramThatCannotLoadSaysWhy) {
  const DriverRun r = run_driver("missing_symbol");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(has(r, "cannot load the program")) << r.output;
  EXPECT_TRUE(has(r, "undefined symbol: no_such_function")) << r.output;
}

TEST(Program, ABadEnvironmentValueSaysWhich) {
  const DriverRun r = run_driver("fresh_globals", "WEFT_ITERATIONS=many");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(has(r, "WEFT_ITERATIONS")) << r.output;
}

TEST(Program, AnUnexpectedOutcomeFailsTheDriver) {
  // Replaying a token of another program: the schedule does not fit.
  const DriverRun found = run_driver("abort");
  const DriverRun r = run_driver("exit_status", "WEFT_REPLAY=" + token_of(found.output));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(has(r, "but the replay found")) << r.output;
}

}  // namespace
