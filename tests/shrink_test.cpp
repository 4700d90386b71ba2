// shrink_test: explore shrinks a failure's schedule to one that fails the
// same way with no more preemptions and steps, reports both tokens, and a
// lenient replay takes edited schedules it cannot follow exactly.

#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sample.h"
#include "scheduler/guide_strategy.h"
#include "weft/weft.h"

namespace weft::samples {
// PrintTo lets GoogleTest name a Sample in its messages.
void PrintTo(const Sample& sample, std::ostream* out) { *out << sample.name; }
}  // namespace weft::samples

namespace {

using weft::samples::Sample;

weft::Options sample_options(const Sample& sample) {
  return weft::Options{}
      .iterations(10000)
      .race_detection(sample.race_detection)
      .process_crashes(sample.process_crashes)
      .shrink_milliseconds(0);  // the same shrunk token on every machine
}

class ShrinkSamples : public ::testing::TestWithParam<Sample> {};

// Every sample's failure shrinks to a schedule that is no more complex,
// fails with the same kind, and replays exactly; its original token still
// replays the failure as found. The figures are the measurement asked for
// in docs/reading-a-report.md#shrinking.
TEST_P(ShrinkSamples, ShrunkScheduleFailsTheSameWayAndReplays) {
  const Sample& sample = GetParam();
  const weft::Report found = weft::explore(sample.buggy, sample_options(sample));
  ASSERT_FALSE(found.ok());
  if (!found.shrinking) {
    // Only a schedule without any choice is left as found: nothing to edit.
    std::cout << "shrink " << sample.name << ": no choice in the schedule, nothing to shrink (step "
              << found.failure->step << ")\n";
    const weft::Report alone = weft::explore(sample.buggy, sample_options(sample).shrink(false));
    EXPECT_EQ(*alone.failure, *found.failure);
    return;
  }
  const weft::Shrinking& s = *found.shrinking;
  std::cout << "shrink " << sample.name << ": preemptions " << s.original_preemptions << " -> " << s.preemptions
            << ", steps " << s.original_steps << " -> " << s.steps << " (" << s.executions << " executions)\n"
            << "  cause: " << s.cause << "\n";
  EXPECT_EQ(found.failure->kind, sample.expected) << *found.failure;
  EXPECT_LE(s.preemptions, s.original_preemptions);
  if (s.preemptions == s.original_preemptions) {
    EXPECT_LE(s.steps, s.original_steps);
  }
  EXPECT_EQ(found.failure->step, s.steps);
  EXPECT_NE(s.original_token, "");

  const weft::Report again = weft::replay(found.failure->token, sample.buggy);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(*again.failure, *found.failure);
  EXPECT_FALSE(again.shrinking.has_value());

  const weft::Report as_found = weft::replay(s.original_token, sample.buggy);
  ASSERT_FALSE(as_found.ok());
  EXPECT_EQ(as_found.failure->kind, sample.expected) << *as_found.failure;
  EXPECT_EQ(as_found.failure->step, s.original_steps);
}

// Shrinking is deterministic without a time limit: two explorations give
// the same shrunk failure.
TEST_P(ShrinkSamples, ShrinkingIsDeterministic) {
  const Sample& sample = GetParam();
  const weft::Report one = weft::explore(sample.buggy, sample_options(sample));
  const weft::Report two = weft::explore(sample.buggy, sample_options(sample));
  ASSERT_FALSE(one.ok());
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(*one.failure, *two.failure);
}

INSTANTIATE_TEST_SUITE_P(Samples, ShrinkSamples, ::testing::ValuesIn(weft::samples::all()),
                         [](const ::testing::TestParamInfo<Sample>& p) { return std::string(p.param.name); });

// A lost update needs exactly one preemption (a thread stopped between its
// read and its write); random schedules found with many more shrink to it.
TEST(Shrink, LostUpdateShrinksToOnePreemption) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const weft::Report r = weft::explore(weft::samples::lost_update::buggy, weft::Options{}
                                                                                .strategy(weft::Strategy::random())
                                                                                .race_detection(false)
                                                                                .seed(seed)
                                                                                .shrink_milliseconds(0));
    ASSERT_FALSE(r.ok());
    ASSERT_TRUE(r.shrinking.has_value());
    EXPECT_EQ(r.shrinking->preemptions, 1u) << "seed " << seed << "\n" << r;
  }
}

// A lock-order deadlock needs exactly one preemption too.
TEST(Shrink, LockOrderDeadlockShrinksToOnePreemption) {
  const weft::Report r = weft::explore(weft::samples::lock_order_deadlock::buggy,
                                       weft::Options{}.strategy(weft::Strategy::random()).shrink_milliseconds(0));
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.shrinking.has_value());
  EXPECT_EQ(r.shrinking->preemptions, 1u) << r;
}

// The cause of a lost update is the other thread's read between a read and
// its write: the flip that makes the failure go away.
TEST(Shrink, CauseOfALostUpdateIsTheReadBetweenReadAndWrite) {
  const weft::Report r = weft::explore(weft::samples::lost_update::buggy, weft::Options{}
                                                                              .strategy(weft::Strategy::random())
                                                                              .race_detection(false)
                                                                              .shrink_milliseconds(0));
  ASSERT_TRUE(r.shrinking.has_value());
  const std::string& cause = r.shrinking->cause;
  std::cout << "cause: " << cause << "\n";
  EXPECT_EQ(cause.rfind("fails when T", 0), 0u) << cause;
  const std::size_t between = cause.find(" runs between T");
  ASSERT_NE(between, std::string::npos) << cause;
  EXPECT_NE(cause.substr(0, between).find("'s var.read var#1 (lost_update.cpp:"), std::string::npos) << cause;
  const std::size_t second = cause.find(" and T", between);
  ASSERT_NE(second, std::string::npos) << cause;
  EXPECT_NE(cause.substr(between, second - between).find("'s var.read var#1 (lost_update.cpp:"), std::string::npos)
      << cause;
  EXPECT_NE(cause.substr(second).find("'s var.write var#1 (lost_update.cpp:"), std::string::npos) << cause;
}

// A failure that needs no preemption says so rather than naming a flip.
TEST(Shrink, CauseWithoutPreemptionSaysSo) {
  const weft::Report r = weft::explore(weft::samples::missed_notify::buggy, weft::Options{}.shrink_milliseconds(0));
  ASSERT_TRUE(r.shrinking.has_value());
  ASSERT_EQ(r.shrinking->preemptions, 0u);
  EXPECT_EQ(r.shrinking->cause.rfind("fails with no preemption", 0), 0u) << r.shrinking->cause;
}

TEST(Shrink, ReportShowsBothTokens) {
  const weft::Report r = weft::explore(weft::samples::lost_update::buggy,
                                       weft::Options{}.race_detection(false).shrink_milliseconds(0));
  ASSERT_TRUE(r.shrinking.has_value());
  std::ostringstream text;
  text << r;
  EXPECT_NE(text.str().find("replay token: " + r.failure->token), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("shrunk from "), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("cause: " + r.shrinking->cause + "\n"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("token as found: " + r.shrinking->original_token), std::string::npos) << text.str();
}

TEST(Shrink, OffLeavesTheScheduleAsFound) {
  const weft::Options off = weft::Options{}.race_detection(false).shrink(false);
  const weft::Report r = weft::explore(weft::samples::lost_update::buggy, off);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(r.shrinking.has_value());
  const weft::Report on = weft::explore(weft::samples::lost_update::buggy, weft::Options{}.race_detection(false));
  ASSERT_TRUE(on.shrinking.has_value());
  EXPECT_EQ(on.shrinking->original_token, r.failure->token);
}

// A budget of executions bounds shrinking, and says it was cut short.
TEST(Shrink, BudgetCutsShrinkingShort) {
  const weft::Report r = weft::explore(weft::samples::lost_update::buggy, weft::Options{}
                                                                              .strategy(weft::Strategy::random())
                                                                              .race_detection(false)
                                                                              .shrink_executions(1)
                                                                              .shrink_milliseconds(0));
  ASSERT_TRUE(r.shrinking.has_value());
  EXPECT_TRUE(r.shrinking->cut_short);
  // The budget, the run that rebuilds the report's execution, and the
  // cause's flips (one per preemption at most).
  EXPECT_LE(r.shrinking->executions, 2u + r.shrinking->preemptions);
}

TEST(Shrink, EnvironmentSwitchesItOff) {
  ASSERT_EQ(setenv("WEFT_SHRINK", "0", 1), 0);
  EXPECT_FALSE(weft::Options{}.from_environment().shrink());
  ASSERT_EQ(setenv("WEFT_SHRINK", "1", 1), 0);
  EXPECT_TRUE(weft::Options{}.shrink(false).from_environment().shrink());
  ASSERT_EQ(setenv("WEFT_SHRINK", "yes", 1), 0);
  EXPECT_THROW(weft::Options{}.from_environment(), std::invalid_argument);
  unsetenv("WEFT_SHRINK");
}

// The lenient replay: a wished-for thread that cannot run, or a value out
// of range, gives the choice that preempts nothing instead of an error.
TEST(GuideStrategy, FallsBackToNoPreemption) {
  using weft::sched::Choice;
  weft::sched::GuideStrategy guide({Choice{7, true}, Choice{2, true}, Choice{5, false}});
  guide.begin(0);
  const std::vector<weft::sched::ThreadId> runnable{0, 1, 2};
  weft::sched::Decision d;
  d.runnable = runnable;
  d.current = 1;
  d.thread_count = 3;
  EXPECT_EQ(guide.pick_thread(d), 1u);  // T7 does not exist: T1 goes on
  EXPECT_EQ(guide.pick_thread(d), 2u);  // T2 can run: a preemption, as wished
  EXPECT_EQ(guide.pick_value(3, 3), 0u);  // option 5 of 3 does not exist
  d.current = weft::sched::kNoThread;
  EXPECT_EQ(guide.pick_thread(d), 0u);  // wishes ran out, nobody to go on: the lowest
  EXPECT_EQ(guide.preemptions(), 1u);
  ASSERT_EQ(guide.taken().size(), 4u);
  EXPECT_TRUE(guide.taken()[1].preempts);
  EXPECT_FALSE(guide.taken()[2].thread);
}

}  // namespace
