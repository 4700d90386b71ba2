// program_verification_test: verification mode of program tests
// (docs/c-programs.md, "Verification verdicts"), on the SV-COMP-style
// programs of tests/programs/verification, each run as a user runs its
// driver, with and without the setting it needs.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "driver_run.h"
#include "scheduler/sanitizers.h"

namespace {

using weft::samples::DriverRun;

DriverRun run_verify(const std::string& name, const std::string& environment = "") {
  return weft::samples::run_driver(WEFT_VERIFY_PROGRAMS "/verify_" + name, environment);
}

TEST(Verification, AnErrorCheckingMutexReturnsEpermAndEdeadlk) {
  // The program asserts both return values: a Misuse, or another value,
  // would fail it. dpor covers both orders of the stranger's unlock.
  const DriverRun r = run_verify("errorcheck");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("verdict: true")) << r.output;
}

TEST(Verification, ADefaultMutexUnlockedByAStrangerIsStillMisuse) {
  const DriverRun r = run_verify("normal_unlock");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("weft: Misuse")) << r.output;
}

TEST(Verification, AbortInAssumeAbortIfNotAndInAtomicFunctionsIsAnAssumption) {
  const DriverRun r = run_verify("assume_abort");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(r.has("Crash")) << r.output;
  // Values other than 1 and 2, and every contended acquire, are discarded.
  EXPECT_TRUE(r.has("by abort() read as an assumption")) << r.output;
  EXPECT_FALSE(r.has(" 0 by abort() read as an assumption")) << r.output;
  EXPECT_TRUE(r.has("verdict: true (all ")) << r.output;
}

TEST(Verification, AbortElsewhereIsACrashUnlessTheOptionSaysAssume) {
  const DriverRun crash = run_verify("abort_option", "WEFT_ITERATIONS=200");
  EXPECT_EQ(crash.status, 0) << crash.output;  // EXPECT Crash
  EXPECT_TRUE(crash.has("T0 called abort() from main")) << crash.output;

  const DriverRun assumed = run_verify("abort_option", "WEFT_ITERATIONS=200 WEFT_ABORT_IS_ASSUME=1");
  EXPECT_EQ(assumed.status, 1) << assumed.output;  // no Crash now
  EXPECT_TRUE(assumed.has("no failure in 200 executions")) << assumed.output;
  EXPECT_TRUE(assumed.has("by abort() read as an assumption")) << assumed.output;

  const DriverRun bad = run_verify("abort_option", "WEFT_ABORT_IS_ASSUME=yes");
  EXPECT_EQ(bad.status, 2) << bad.output;
  EXPECT_TRUE(bad.has("WEFT_ABORT_IS_ASSUME")) << bad.output;
}

TEST(Verification, AnEndlessPathIsAHangUnlessDiscardedAsNoVerdict) {
  const DriverRun hang = run_verify("endless");
  EXPECT_EQ(hang.status, 0) << hang.output;  // EXPECT Hang
  EXPECT_TRUE(hang.has("weft: Hang")) << hang.output;

  const DriverRun discarded = run_verify("endless", "WEFT_ENDLESS_NO_VERDICT=1");
  EXPECT_EQ(discarded.status, 1) << discarded.output;  // no Hang now
  EXPECT_TRUE(discarded.has("no failure in 4 executions")) << discarded.output;
  EXPECT_TRUE(discarded.has("1 reached the step budget (no verdict: a path that never ends)")) << discarded.output;
  // The search ran every value and schedule, but one path was cut: never "true".
  EXPECT_TRUE(discarded.has("verdict: unknown (1 executions reached the step budget")) << discarded.output;
  EXPECT_FALSE(discarded.has("verdict: true")) << discarded.output;
}

TEST(Verification, AnEndlessPathKeepsTheVerdictUnknownAcrossACheckpoint) {
  // dpor tries n = 0, then n = 1 (endless): the first run stops after both,
  // the resumed run explores the rest and must still remember the cut path.
  const std::string file = ::testing::TempDir() + "verify_endless_checkpoint";
  std::remove(file.c_str());
  const std::string environment = "WEFT_ENDLESS_NO_VERDICT=1 WEFT_CHECKPOINT=" + file;
  const DriverRun first = run_verify("endless", environment + " WEFT_ITERATIONS=2");
  EXPECT_TRUE(first.has("verdict: unknown (the iteration cap")) << first.output;
  const DriverRun resumed = run_verify("endless", environment);
  EXPECT_TRUE(resumed.has("no failure in 4 executions")) << resumed.output;
  EXPECT_TRUE(resumed.has("verdict: unknown (1 executions reached the step budget")) << resumed.output;
  std::remove(file.c_str());
}

TEST(Verification, TheStepBudgetGrowsWithTheThreads) {
  // 10,000 threads of about ten steps each, under the default max_steps of
  // 100,000. Under the sanitizers (whose Debug build checks the runnable set
  // against every thread at every decision) 2,000 threads under a budget
  // of 5,000 make the same point.
  const std::string environment = WEFT_ASAN ? "WEFT_ITERATIONS=1 WEFT_MAX_STEPS=5000" : "WEFT_ITERATIONS=1";
  const std::string threads = WEFT_ASAN ? " 2000" : "";
  const DriverRun r = weft::samples::run_driver(WEFT_VERIFY_PROGRAMS "/verify_many_threads" + threads, environment);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("no failure in 1 executions")) << r.output;
}

TEST(Verification, AThreadCreatedJustBeforeMainReturnsRunsFirstInSomeExecution) {
  // The race exists only if the second writer runs before main's return
  // ends the program.
  const DriverRun r = run_verify("exit_race", "WEFT_TRACE_STEPS=0");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("weft: DataRace")) << r.output;

  const DriverRun searched = run_verify("exit_race", "WEFT_STRATEGY=dpor WEFT_TRACE_STEPS=0");
  EXPECT_EQ(searched.status, 0) << searched.output;
  EXPECT_TRUE(searched.has("verdict: false (DataRace")) << searched.output;
}

TEST(Verification, AnUndefinedFunctionIsStubbedWithANondetValueAndNamed) {
  const DriverRun found = run_verify("stub_extern", "WEFT_TRACE_STEPS=0");
  EXPECT_EQ(found.status, 0) << found.output;
  EXPECT_TRUE(found.has("nothing defines return nondet values (WEFT_STUB_UNDEFINED): read_sensor")) << found.output;
  EXPECT_TRUE(found.has("reach_error() was called from main")) << found.output;
  EXPECT_TRUE(found.has("verdict: false (AssertionFailed")) << found.output;
  // The stub's value is in the token: the replay, in a new process, fails the same way.
  const std::string token = found.token();
  ASSERT_FALSE(token.empty()) << found.output;
  const DriverRun replayed = run_verify("stub_extern", "WEFT_TRACE_STEPS=0 WEFT_REPLAY=" + token);
  EXPECT_EQ(replayed.status, 0) << replayed.output;
  EXPECT_EQ(replayed.report(), found.report());

  const DriverRun refused = run_verify("stub_extern", "WEFT_STUB_UNDEFINED=0");
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_TRUE(refused.has("undefined symbol: read_sensor")) << refused.output;
  EXPECT_TRUE(refused.has("WEFT_STUB_UNDEFINED=1")) << refused.output;
}

TEST(Verification, ABoundedCorrectProgramIsTrueAndSaysItsBounds) {
  const DriverRun r = run_verify("bounded");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("verdict: true (all ")) << r.output;
  EXPECT_TRUE(r.has("max_steps 100000 (+1000 per thread after the first), no preemption bound, nondet integers "
                    "from a domain of 4 values, 0 endless paths discarded"))
      << r.output;

  const DriverRun bounded = run_verify("bounded", "WEFT_PREEMPTION_BOUND=1");
  EXPECT_TRUE(bounded.has("verdict: true (all ")) << bounded.output;
  EXPECT_TRUE(bounded.has("at most 1 preemptions")) << bounded.output;
}

TEST(Verification, AnythingThatCutsTheSearchMakesTheVerdictUnknown) {
  const DriverRun capped = run_verify("bounded", "WEFT_ITERATIONS=3");
  EXPECT_TRUE(capped.has("verdict: unknown (")) << capped.output;
  EXPECT_TRUE(capped.has("WEFT_ITERATIONS")) << capped.output;

  const DriverRun sampled = run_verify("bounded", "WEFT_STRATEGY=random WEFT_ITERATIONS=50");
  EXPECT_TRUE(sampled.has("verdict: unknown (strategy random samples executions")) << sampled.output;

  // Without a small domain, the nondet value spans the whole int: dpor
  // enumerates the first 16 values of each choice, and says so.
  const DriverRun wide = run_verify("bounded", "WEFT_NONDET_DOMAIN=0");
  EXPECT_TRUE(wide.has("verdict: unknown (")) << wide.output;
  EXPECT_FALSE(wide.has("verdict: true")) << wide.output;
}

TEST(Verification, ABuggyBoundedProgramIsFalseWithAToken) {
  const DriverRun r = run_verify("bounded_bug", "WEFT_TRACE_STEPS=0");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("assert(counter == 2 * amount) failed")) << r.output;
  EXPECT_TRUE(r.has("verdict: false (AssertionFailed, replay token above)")) << r.output;
  EXPECT_FALSE(r.token().empty()) << r.output;
}

TEST(Verification, AProgramThatCannotLoadCanHaveItsFunctionsStubbed) {
  const DriverRun r = weft::samples::run_driver(WEFT_PROGRAMS "/program_missing_symbol", "WEFT_STUB_UNDEFINED=1");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(r.has("(WEFT_STUB_UNDEFINED): no_such_function")) << r.output;
}

}  // namespace
