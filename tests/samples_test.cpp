// samples_test: every sample's bug is found with its expected kind, replays
// exactly from its token, explores deterministically, and its fixed twin is
// clean under both strategies.

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples {
// PrintTo lets GoogleTest name a Sample in its messages.
void PrintTo(const Sample& sample, std::ostream* out) { *out << sample.name; }
}  // namespace weft::samples

namespace {

using weft::samples::Sample;

// buggy_options: the tests below compare the reports of two explorations,
// so shrinking runs without its time limit, which would make the shrunk
// schedule depend on the machine's speed (docs/reading-a-report.md).
weft::Options buggy_options(const Sample& sample) {
  return weft::Options{}
      .iterations(10000)
      .race_detection(sample.race_detection)
      .process_crashes(sample.process_crashes)
      .shrink_milliseconds(0);
}

// fixed_options: the twin meets the same faults as the bug.
weft::Options fixed_options(const Sample& sample) { return weft::Options{}.process_crashes(sample.process_crashes); }

class SamplesTest : public ::testing::TestWithParam<Sample> {};

// A bug seen only through weft's memcpy and free goes unseen in a build
// with a sanitizer, whose runtime owns them (Sample::memory_functions).
#ifdef WEFT_SANITIZED_BUILD
#define SKIP_IF_BUG_UNSEEN(sample) \
  if ((sample).memory_functions) GTEST_SKIP() << "the sanitizer's runtime owns memcpy and free in this build"
#else
#define SKIP_IF_BUG_UNSEEN(sample) (void)(sample)
#endif

TEST_P(SamplesTest, BugIsFoundWithExpectedKind) {
  const Sample& sample = GetParam();
  SKIP_IF_BUG_UNSEEN(sample);
  const weft::Report report = weft::explore(sample.buggy, buggy_options(sample));
  ASSERT_FALSE(report.ok()) << "no failure in " << report.executions << " executions";
  EXPECT_EQ(report.failure->kind, sample.expected) << report.failure->to_string();
  EXPECT_FALSE(report.failure->token.empty());
  EXPECT_FALSE(report.failure->trace.empty());
  EXPECT_EQ(report.failure->execution, report.executions);
  // Every location is the sample's own line, never one in the headers of
  // weft's dependencies (a weft thread's first frame is Boost.Context's).
  for (const weft::TraceStep& step : report.failure->trace)
    EXPECT_FALSE(step.file.ends_with(".hpp")) << report.failure->trace_text();
}

TEST_P(SamplesTest, FixedTwinPassesUnderPct) {
  const weft::Report report = weft::explore(
      GetParam().fixed, fixed_options(GetParam()).strategy(weft::Strategy::pct(3)).iterations(2000));
  EXPECT_TRUE(report.ok()) << report.failure->to_string();
  EXPECT_EQ(report.executions, 2000u);
}

TEST_P(SamplesTest, FixedTwinPassesUnderRandom) {
  const weft::Report report = weft::explore(
      GetParam().fixed, fixed_options(GetParam()).strategy(weft::Strategy::random()).iterations(2000));
  EXPECT_TRUE(report.ok()) << report.failure->to_string();
  EXPECT_EQ(report.executions, 2000u);
}

TEST_P(SamplesTest, ReplayGivesIdenticalFailure) {
  const Sample& sample = GetParam();
  SKIP_IF_BUG_UNSEEN(sample);
  const weft::Report found = weft::explore(sample.buggy, buggy_options(sample));
  ASSERT_FALSE(found.ok());
  const weft::Failure& original = *found.failure;

  const weft::Report replayed = weft::replay(original.token, sample.buggy);
  ASSERT_FALSE(replayed.ok()) << "the replay did not fail";
  const weft::Failure& again = *replayed.failure;
  EXPECT_EQ(replayed.executions, 1u);
  EXPECT_EQ(again.kind, original.kind) << again.to_string();
  EXPECT_EQ(again.message, original.message);
  EXPECT_EQ(again.token, original.token);
  EXPECT_EQ(again.step, original.step);
  EXPECT_EQ(again.threads, original.threads);
  EXPECT_TRUE(again.trace == original.trace)
      << "original:\n" << original.trace_text() << "replayed:\n" << again.trace_text();
}

// The failing execution of an exploration is recorded by running its
// schedule again; the report must be the one recording all along gives.
TEST_P(SamplesTest, RebuiltReportIsTheRecordedOne) {
  const Sample& sample = GetParam();
  SKIP_IF_BUG_UNSEEN(sample);
  const weft::Report rebuilt = weft::explore(sample.buggy, buggy_options(sample));
  const weft::Report recorded = weft::explore(sample.buggy, buggy_options(sample).record_every_execution(true));
  ASSERT_FALSE(rebuilt.ok());
  ASSERT_FALSE(recorded.ok());
  EXPECT_EQ(rebuilt.executions, recorded.executions);
  EXPECT_EQ(rebuilt.failure->to_string(), recorded.failure->to_string());
  EXPECT_EQ(rebuilt.failure->token, recorded.failure->token);
}

TEST_P(SamplesTest, SameSeedGivesSameFailure) {
  const Sample& sample = GetParam();
  SKIP_IF_BUG_UNSEEN(sample);
  const weft::Options options = buggy_options(sample).seed(42);
  const weft::Report first = weft::explore(sample.buggy, options);
  const weft::Report second = weft::explore(sample.buggy, options);
  ASSERT_FALSE(first.ok());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(first.executions, second.executions);
  EXPECT_EQ(first.failure->execution, second.failure->execution);
  EXPECT_EQ(first.failure->kind, second.failure->kind);
  EXPECT_EQ(first.failure->token, second.failure->token);
  EXPECT_TRUE(first.failure->trace == second.failure->trace)
      << "first:\n" << first.failure->trace_text() << "second:\n" << second.failure->trace_text();
}

// NameOf names each instantiation after its sample, e.g. All/SamplesTest.X/lost_update.
std::string NameOf(const ::testing::TestParamInfo<Sample>& sample) {
  return std::string(sample.param.name);
}

INSTANTIATE_TEST_SUITE_P(All, SamplesTest, ::testing::ValuesIn(weft::samples::all()), NameOf);

}  // namespace
