// gtest_end_to_end_test: GoogleTest binaries with failing WEFT_TESTs
// (gtest_fixture/failing_tests.cpp, with weft's types and with std's under
// weft::interpose), run in new processes as a user runs them: every
// failure, whatever killed the test, is reported with a replay command that
// gives the identical report in a new process, and the binary's other tests
// still run.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Binary {
  const char* name;
  const char* path;
};
// Test names in ctest are enough: no byte dumps of parameters.
void PrintTo(const Binary& b, std::ostream* out) { *out << b.name; }

const Binary kBinaries[] = {{"weft_types", WEFT_FAILING_TESTS}, {"std_interposed", WEFT_FAILING_TESTS_INTERPOSED}};

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return "popen failed";
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
  ::pclose(pipe);
  return out;
}

// report_of is the weft report of test `name` in a gtest run's output: from
// its "weft: " header to its token.
std::string report_of(const std::string& output, const std::string& name) {
  const auto run_line = output.find("[ RUN      ] " + name + "\n");
  if (run_line == std::string::npos) return "";
  const auto begin = output.find("weft: ", run_line);
  const auto end = output.find("replay token:", begin);
  if (begin == std::string::npos || end == std::string::npos) return "";
  return output.substr(begin, output.find('\n', end) - begin);
}

// replay_command_of is the printed command that replays test `name`.
std::string replay_command_of(const std::string& output, const std::string& name) {
  const auto run_line = output.find("[ RUN      ] " + name + "\n");
  const auto at = output.find("  WEFT_REPLAY=", run_line);
  if (run_line == std::string::npos || at == std::string::npos) return "";
  return output.substr(at + 2, output.find('\n', at) - at - 2);
}

// testcase is the XML element of test `name` in a gtest XML report.
std::string testcase(const std::string& doc, const std::string& name) {
  const auto at = doc.find("<testcase name=\"" + name + "\"");
  if (at == std::string::npos) return "";
  const auto next = doc.find("<testcase", at + 1);
  return doc.substr(at, next == std::string::npos ? std::string::npos : next - at);
}

struct Case {
  const char* test;
  const char* kind;      // the report's failure kind
  const char* mentions;  // a text the report must hold
};
void PrintTo(const Case& c, std::ostream* out) { *out << c.test; }

const Case kCases[] = {
    {"TwoExpects", "AssertionFailed", "second expectation"},
    {"AssertInThread", "AssertionFailed", "checker ran first"},
    {"Segfault", "Crash", "SIGSEGV"},
    {"Abort", "Crash", "called abort()"},
    {"StackOverflow", "Crash", "stack overflow in T1"},
    {"Terminate", "UncaughtException", "std::terminate"},
    {"AssertMacro", "AssertionFailed", "assert(null_pointer != nullptr) failed"},
    {"Exit", "AssertionFailed", "called exit(0)"},
    {"UnderscoreExit", "AssertionFailed", "called _exit(0)"},
    {"QuickExit", "AssertionFailed", "called quick_exit(0)"},
};

class EndToEnd : public ::testing::TestWithParam<std::tuple<Binary, Case>> {};

TEST_P(EndToEnd, FailureIsReportedAndItsCommandReplaysItExactly) {
  const auto& [binary, c] = GetParam();
  const std::string name = std::string("Fixture.") + c.test;
  const std::string found = run(std::string(binary.path) + " --gtest_filter=" + name);
  const std::string report = report_of(found, name);
  ASSERT_FALSE(report.empty()) << found;
  EXPECT_EQ(report.rfind(std::string("weft: ") + c.kind + " in execution", 0), 0u) << report;
  EXPECT_NE(report.find(c.mentions), std::string::npos) << report;
  EXPECT_NE(found.find("[  FAILED  ] 1 test, listed below"), std::string::npos) << "the binary did not survive:\n"
                                                                                   << found;
  const std::string command = replay_command_of(found, name);
  ASSERT_NE(command.find("--gtest_filter=" + name), std::string::npos) << found;
  const std::string replayed = run(command);
  EXPECT_EQ(report_of(replayed, name), report) << replayed;
}

std::string case_name(const ::testing::TestParamInfo<EndToEnd::ParamType>& info) {
  return std::string(std::get<0>(info.param).name) + "_" + std::get<1>(info.param).test;
}

INSTANTIATE_TEST_SUITE_P(Fixture, EndToEnd, ::testing::Combine(::testing::ValuesIn(kBinaries), ::testing::ValuesIn(kCases)),
                         case_name);

class EveryBinary : public ::testing::TestWithParam<Binary> {};

TEST_P(EveryBinary, BothFailingExpectsAreReported) {
  const std::string found = run(std::string(GetParam().path) + " --gtest_filter=Fixture.TwoExpects");
  const std::string report = report_of(found, "Fixture.TwoExpects");
  EXPECT_NE(report.find("first expectation"), std::string::npos) << report;
  EXPECT_NE(report.find("second expectation"), std::string::npos) << report;
}

// GoogleTest does more work the first time it records a failure in a
// process than later: none of it may reach the schedule.
TEST_P(EveryBinary, ReplayIsExactWhetherOrNotAnotherTestFailedFirst) {
  const std::string path = GetParam().path;
  const std::string after_another = run(path + " --gtest_filter=Fixture.AssertInThread:Fixture.TwoExpects");
  const std::string report = report_of(after_another, "Fixture.TwoExpects");
  ASSERT_FALSE(report.empty()) << after_another;
  const std::string command = replay_command_of(after_another, "Fixture.TwoExpects");
  EXPECT_EQ(report_of(run(command), "Fixture.TwoExpects"), report);

  const std::string alone = run(path + " --gtest_filter=Fixture.TwoExpects");
  const std::string token = replay_command_of(alone, "Fixture.TwoExpects");
  const std::string env = token.substr(0, token.find(' '));
  // A plain GoogleTest failure first, then the replay.
  const std::string replayed = run(env + " " + path + " --gtest_filter=Fixture.PlainFailure:Fixture.TwoExpects");
  EXPECT_EQ(report_of(replayed, "Fixture.TwoExpects"), report_of(alone, "Fixture.TwoExpects")) << replayed;
}

// A three-test binary whose middle test dies writes XML for all three.
TEST_P(EveryBinary, ACrashDoesNotTakeTheOtherTestsWithIt) {
  for (const char* crash : {"Segfault", "Abort", "StackOverflow", "Terminate", "Exit"}) {
    const std::string xml = ::testing::TempDir() + "weft_crash_" + crash + "_" + std::to_string(::getpid()) + ".xml";
    const std::string output = run(std::string(GetParam().path) + " --gtest_filter=Fixture.Passes:Fixture." + crash +
                                   ":Fixture.PassesToo --gtest_output=xml:" + xml);
    std::ifstream in(xml);
    std::stringstream text;
    text << in.rdbuf();
    const std::string doc = text.str();
    std::remove(xml.c_str());
    EXPECT_NE(doc.find("tests=\"3\""), std::string::npos) << crash << ":\n" << output;
    EXPECT_NE(doc.find("failures=\"1\""), std::string::npos) << crash << ":\n" << doc;
    for (const char* name : {"Passes", "PassesToo"}) {
      const std::string element = testcase(doc, name);
      EXPECT_FALSE(element.empty()) << crash << ": no " << name << " in\n" << doc;
      EXPECT_EQ(element.find("<failure"), std::string::npos) << crash << ": " << name << " did not pass";
    }
    const std::string crashed = testcase(doc, crash);
    EXPECT_NE(crashed.find("<failure"), std::string::npos) << doc;
    EXPECT_NE(crashed.find("--gtest_filter=Fixture." + std::string(crash)), std::string::npos) << doc;
  }
}

// WEFT_TRACE_FILE naming a directory gives each failing test its own
// timeline, named after it; a plain file name gives the second failure of
// the process "-2" rather than overwriting the first's.
TEST_P(EveryBinary, EachFailingTestWritesItsOwnTimeline) {
  std::string dir = ::testing::TempDir() + "weft_timelines_XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string tests = " --gtest_filter=Fixture.TwoExpects:Fixture.AssertInThread";
  const std::string in_dir = run("WEFT_TRACE_FILE=" + dir + "/ " + GetParam().path + tests);
  const std::string plain = run("WEFT_TRACE_FILE=" + dir + "/one.json " + GetParam().path + tests);
  for (const std::string& file : {dir + "/Fixture.TwoExpects.json", dir + "/Fixture.AssertInThread.json",
                                  dir + "/one.json", dir + "/one-2.json"}) {
    EXPECT_NE((in_dir + plain).find("timeline: " + file + "\n"), std::string::npos) << file << "\n" << in_dir << plain;
    EXPECT_TRUE(std::ifstream(file).good()) << file;
    std::remove(file.c_str());
  }
  ::rmdir(dir.c_str());
}

INSTANTIATE_TEST_SUITE_P(Fixture, EveryBinary, ::testing::ValuesIn(kBinaries),
                         [](const ::testing::TestParamInfo<Binary>& binary) { return std::string(binary.param.name); });

}  // namespace
