// program_test: drivers of C programs built by weft_add_program_test, run as
// a user runs them: their exit status and output, the report of a failure,
// and its replay in a new process from the printed token. The C samples
// (samples/c) are among them: each bug found with its kind and replayed to
// the identical report, each fixed twin clean.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "driver_run.h"
#include "scheduler/sanitizers.h"

namespace {

using weft::samples::DriverRun;

DriverRun run_program(const std::string& name, const std::string& environment = "") {
  return weft::samples::run_driver(WEFT_PROGRAMS "/program_" + name, environment);
}

TEST(Program, GlobalsAreFreshInEveryExecution) {
  const DriverRun r = run_program("fresh_globals");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("no failure in 200 executions")) << r.output;
}

struct Expected {
  const char* driver;  // path
  const char* kind;
  const char* message;
};

std::string NameOf(const ::testing::TestParamInfo<Expected>& e) {
  const std::string path = e.param.driver;
  return path.substr(path.rfind('/') + 1);
}

class ProgramFailure : public ::testing::TestWithParam<Expected> {};

TEST_P(ProgramFailure, IsFoundWithItsKindAndReplaysInANewProcess) {
  const Expected& e = GetParam();
  const DriverRun found = weft::samples::run_driver(e.driver, "WEFT_TRACE_STEPS=0");
  EXPECT_EQ(found.status, 0) << found.output;
  EXPECT_TRUE(found.has(std::string("weft: ") + e.kind + " in execution")) << found.output;
  EXPECT_TRUE(found.has(e.message)) << found.output;
  EXPECT_TRUE(found.has("found the expected")) << found.output;
  const std::string token = found.token();
  ASSERT_FALSE(token.empty()) << found.output;
  EXPECT_TRUE(found.has("WEFT_REPLAY=" + token + " /")) << found.output;

  const DriverRun replayed = weft::samples::run_driver(e.driver, "WEFT_TRACE_STEPS=0 WEFT_REPLAY=" + token);
  EXPECT_EQ(replayed.status, 0) << replayed.output;
  EXPECT_TRUE(replayed.has("replayed the expected")) << replayed.output;
  EXPECT_EQ(replayed.report(), found.report());
}

#define PROGRAM(name) WEFT_PROGRAMS "/program_" name
#define C_SAMPLE(name) WEFT_C_SAMPLES "/c_" name

INSTANTIATE_TEST_SUITE_P(
    Programs, ProgramFailure,
    ::testing::Values(Expected{PROGRAM("nondet_reach_error"), "AssertionFailed", "reach_error() was called from main"},
                      Expected{PROGRAM("reach_error_declared"), "AssertionFailed", "reach_error() was called from main"},
                      Expected{PROGRAM("exit_status"), "AssertionFailed", "T0 called exit(3) from finish"},
                      Expected{PROGRAM("main_returns_failure"), "AssertionFailed", "main returned 1"},
                      Expected{PROGRAM("abort"), "Crash", "T0 called abort() from main"},
                      // Only if every execution starts from the constructor's heap: the
                      // counter it allocates is 0 in the new process too.
                      Expected{PROGRAM("heap_lost_update"), "AssertionFailed", "assert(*hits == 2) failed in "},
                      Expected{PROGRAM("double_free"), "DoubleFree",
                               "called free() on a 16-byte block freed already by T"},
                      // Ordered by the join: no data race, a use after free.
                      Expected{PROGRAM("use_after_free"), "UseAfterFree",
                               "memory that T1 freed at use_after_free.c:14 (step "},
                      Expected{PROGRAM("free_inside"), "Crash",
                               "T0 called free() on a pointer 4 bytes into a 16-byte block allocated by T0 at "
                               "free_inside.c:5 after step 0: no allocation returned it (at free_inside.c:7)"}),
    NameOf);

TEST(ProgramHeap, IsFreshInEveryExecution) {
  // A constructor's malloc, calloc and strdup (C), new at file scope and a
  // std::vector global (C++), changed by every execution.
  for (const char* name : {"heap_constructed", "heap_constructed_cpp"}) {
    const DriverRun r = run_program(name);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(r.has("no failure in 500 executions")) << r.output;
  }
}

TEST(ProgramHeap, ServesEveryAllocationFunctionOfTheProgram) {
  // malloc's family, strdup, getline, asprintf and every form of new and
  // delete, checked by the program itself; realpath's block is the C
  // library's and freed by it.
  const DriverRun r = run_program("heap_functions");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("no failure in 50 executions")) << r.output;
}

TEST(ProgramHeap, ADoubleFreeNamesWhoAllocatedAndWhoFreed) {
  const DriverRun r = run_program("double_free", "WEFT_TRACE_STEPS=0");
  EXPECT_TRUE(r.has("a 16-byte block freed already by T")) << r.output;
  EXPECT_TRUE(r.has("at double_free.c:12 after step ")) << r.output;
  EXPECT_TRUE(r.has(", allocated by T0 at double_free.c:18 after step 0: a double free (at double_free.c:12)"))
      << r.output;
}

TEST(ProgramHeap, AUseAfterFreeNamesTheUseTheFreeAndTheAllocation) {
  const DriverRun r = run_program("use_after_free", "WEFT_TRACE_STEPS=0");
  EXPECT_TRUE(r.has("weft: UseAfterFree in execution 1")) << r.output;
  EXPECT_TRUE(r.has("T0 reads at use_after_free.c:24 (step ")) << r.output;
  EXPECT_TRUE(r.has("memory that T1 freed at use_after_free.c:14 (step ")) << r.output;
  EXPECT_TRUE(r.has(", in a 4-byte block allocated by T0 at use_after_free.c:19 after step 0, freed by T1 at "
                    "use_after_free.c:14 after step "))
      << r.output;
}

TEST(ProgramHeap, MemoryStaysFlatOverManyExecutions) {
  // 1000 executions each allocate 512 KiB and free nothing: 500 MiB if the
  // heap were not put back.
  const DriverRun r = run_program("heap_grows");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("no failure in 1000 executions")) << r.output;
  rusage children{};
  ASSERT_EQ(::getrusage(RUSAGE_CHILDREN, &children), 0);
  EXPECT_LT(children.ru_maxrss, 128 * 1024) << "KiB at most in a driver";
}

TEST(ProgramHeap, ACrashInsideTheCLibrarysAllocatorIsReported) {
  // glibc aborts inside malloc, its heap broken by the program and its
  // lock held: weft's report and the driver's end do not use that heap.
  // (timeout: it used to wait for ever for glibc's lock.) Which malloc
  // finds the damage, the program's or one of weft's own, depends on what
  // the process allocated before: a replay may not crash, and says so.
  if (WEFT_ASAN)
    GTEST_SKIP() << "under AddressSanitizer the C library's malloc is ASan's, which keeps freed blocks aside: "
                    "the program cannot break it";
  const DriverRun found = run_program("libc_heap_broken", "WEFT_TRACE_STEPS=0 timeout 60");
  EXPECT_EQ(found.status, 0) << found.output;
  EXPECT_TRUE(found.has("weft: Crash in execution ")) << found.output;
  EXPECT_TRUE(found.has("received SIGABRT")) << found.output;
  ASSERT_FALSE(found.token().empty()) << found.output;
  const DriverRun replayed = run_program("libc_heap_broken", "WEFT_TRACE_STEPS=0 WEFT_REPLAY=" + found.token() + " timeout 60");
  EXPECT_TRUE(replayed.status == 0 || replayed.status == 1) << replayed.output;
  EXPECT_TRUE(replayed.report() == found.report() || replayed.has("the crash is not reproducible")) << replayed.output;
}

INSTANTIATE_TEST_SUITE_P(
    CSamples, ProgramFailure,
    ::testing::Values(
        Expected{C_SAMPLE("bank_account"), "DataRace", "data race on var#"},
        Expected{C_SAMPLE("bank_account_outcome"), "AssertionFailed", "assert(account.balance == 170) failed in "},
        Expected{C_SAMPLE("lock_order_deadlock"), "Deadlock", "deadlock"},
        Expected{C_SAMPLE("producer_consumer_if"), "AssertionFailed", "assert(count > 0) failed in "},
        Expected{C_SAMPLE("work_queue_lost_signal"), "Deadlock", "deadlock"},
        Expected{C_SAMPLE("svcomp_atomic_counter_false"), "AssertionFailed", "reach_error() was called from main"}),
    NameOf);

TEST(Program, AThreadUnwoundThroughTheRuntimeReplaysInANewProcess) {
  // pthread_exit unwinds through libgcc, whose unwinder takes a lock of its
  // own more often the first time in a process: weft leaves that lock
  // alone, so a failure found in a later execution replays step for step.
  for (const char* seed : {"2", "4", "5", "7"}) {
    const DriverRun found = weft::samples::run_driver(PROGRAM("thread_exits"), std::string("WEFT_TRACE_STEPS=0 WEFT_SEED=") + seed);
    ASSERT_TRUE(found.has("weft: AssertionFailed in execution 2")) << "seed " << seed << ": " << found.output;
    const DriverRun replayed =
        weft::samples::run_driver(PROGRAM("thread_exits"), "WEFT_TRACE_STEPS=0 WEFT_REPLAY=" + found.token());
    EXPECT_TRUE(replayed.has("replayed the expected")) << "seed " << seed << ": " << replayed.output;
    EXPECT_EQ(replayed.report(), found.report()) << "seed " << seed << "\nfound:\n" << found.output << "\nreplayed:\n" << replayed.output;
  }
}

class FixedTwin : public ::testing::TestWithParam<const char*> {};

TEST_P(FixedTwin, HasNoFailure) {
  const DriverRun r = weft::samples::run_driver(GetParam());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("no failure in 2000 executions")) << r.output;
}

INSTANTIATE_TEST_SUITE_P(CSamples, FixedTwin,
                         ::testing::Values(C_SAMPLE("bank_account_fixed"), C_SAMPLE("lock_order_deadlock_fixed"),
                                           C_SAMPLE("producer_consumer_if_fixed"),
                                           C_SAMPLE("work_queue_lost_signal_fixed"),
                                           C_SAMPLE("svcomp_atomic_counter_true"),
                                           C_SAMPLE("svcomp_unjoined_publication")),
                         [](const ::testing::TestParamInfo<const char*>& p) {
                           const std::string path = p.param;
                           return path.substr(path.rfind('/') + 1);
                         });

// A program test's timeline is named after the program (WEFT_TRACE_FILE
// naming a directory).
TEST(Program, TheTimelineIsNamedAfterTheProgram) {
  std::string dir = ::testing::TempDir() + "weft_program_timeline_XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const DriverRun r = weft::samples::run_driver(C_SAMPLE("bank_account"), "WEFT_TRACE_FILE=" + dir + "/");
  const std::string file = dir + "/c_bank_account.json";
  EXPECT_TRUE(r.has("timeline: " + file + "\n")) << r.output;
  EXPECT_TRUE(std::ifstream(file).good()) << file;
  std::remove(file.c_str());
  ::rmdir(dir.c_str());
}

TEST(Program, MainReturningWhileThreadsRunIsNotedNotFailed) {
  const DriverRun r = weft::samples::run_driver(C_SAMPLE("svcomp_unjoined_publication"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("executions the program ended (exit, or main returning) while other threads still ran"))
      << r.output;
}

TEST(Program, ArgumentsReachMain) {
  // main_returns_failure fails only with two arguments (ARGS first second).
  const DriverRun r = run_program("main_returns_failure", "WEFT_ITERATIONS=50");
  EXPECT_TRUE(r.has("main returned 1")) << r.output;
}

TEST(Program, AnExplorationThatChecksNothingFails) {
  const DriverRun r = run_program("assume_never", "WEFT_ITERATIONS=20");
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(r.has("weft: Misuse")) << r.output;
  EXPECT_TRUE(r.has("every one of the 20 executions was discarded by a failed assumption")) << r.output;
}

TEST(Program, AProgramThatCannotLoadSaysWhy) {
  const DriverRun r = run_program("missing_symbol");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(r.has("cannot load the program")) << r.output;
  EXPECT_TRUE(r.has("undefined symbol: no_such_function")) << r.output;
}

TEST(Program, ABadEnvironmentValueSaysWhich) {
  const DriverRun r = run_program("fresh_globals", "WEFT_ITERATIONS=many");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(r.has("WEFT_ITERATIONS")) << r.output;
}

TEST(Program, AnUnexpectedOutcomeFailsTheDriver) {
  // Replaying a token of another program: the schedule does not fit.
  const DriverRun found = run_program("abort");
  const DriverRun r = run_program("exit_status", "WEFT_REPLAY=" + found.token());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_TRUE(r.has("but the replay found")) << r.output;
}

TEST(Program, ADeclaredExitStatusIsSuccess) {
  // success_status.c returns 6 when it works (EXIT_STATUS 6).
  const DriverRun r = run_program("success_status");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("no failure in 1000 executions")) << r.output;
}

TEST(Program, AnyOtherExitStatusThanTheDeclaredOneFails) {
  const DriverRun r = run_program("wrong_status", "WEFT_TRACE_STEPS=0");
  EXPECT_EQ(r.status, 0) << r.output;  // EXPECT AssertionFailed
  EXPECT_TRUE(r.has("main returned 0: the program's success status is 6 (EXIT_STATUS), any other is a failure"))
      << r.output;
  const DriverRun replayed = run_program("wrong_status", "WEFT_TRACE_STEPS=0 WEFT_REPLAY=" + r.token());
  EXPECT_TRUE(replayed.has("replayed the expected")) << replayed.output;
  EXPECT_EQ(replayed.report(), r.report());
}

TEST(Program, RaceReportsSayWhereWhateverTheBuildTypesFlags) {
  // Built without the build type's -g (as in Release): the program still
  // has line tables, so the race is located.
  const DriverRun r = weft::samples::run_driver(WEFT_PROGRAMS_WITHOUT_DEBUG_FLAGS "/program_race_location");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("data race on var#")) << r.output;
  EXPECT_TRUE(r.has("race_location.c:9")) << r.output;
  EXPECT_FALSE(r.has("unknown location")) << r.output;
}

TEST(Program, OutputIsHiddenWhileExploringAndShownWhileReplaying) {
  const DriverRun found = weft::samples::run_driver(C_SAMPLE("bank_account_outcome"));
  EXPECT_FALSE(found.has("balance: ")) << found.output;
  const DriverRun replayed = weft::samples::run_driver(C_SAMPLE("bank_account_outcome"), "WEFT_REPLAY=" + found.token());
  EXPECT_TRUE(replayed.has("balance: 1")) << replayed.output;  // 120 or 150: one deposit was lost
}

}  // namespace
