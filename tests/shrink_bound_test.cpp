// Shrinking against bounded search, on every sample: the shrunk schedule's
// preemptions are the smallest preemption bound at which an exhaustive
// bounded search finds the same failure (bench/shrink_vs_bound.h measures
// both; bench/README.md has the table), with shrinking's default budget.

#include <gtest/gtest.h>

#include <iostream>

#include "sample.h"
#include "bench/shrink_vs_bound.h"

namespace {

using weft::samples::Sample;

class ShrinkVsBound : public ::testing::TestWithParam<Sample> {};

TEST_P(ShrinkVsBound, ShrunkPreemptionsAreTheSmallestBound) {
  const Sample& sample = GetParam();
  const weft::bench::Measure m = weft::bench::measure(sample);
  ASSERT_TRUE(m.found) << sample.name;
  std::cout << sample.name << ": preemptions " << m.original_preemptions << " -> " << m.preemptions << ", steps "
            << m.original_steps << " -> " << m.steps << "; smallest bound "
            << (m.bound ? std::to_string(*m.bound) : m.other) << "\n";
  EXPECT_FALSE(m.cut_short) << sample.name;
  if (m.bound) {
    EXPECT_EQ(m.preemptions, *m.bound) << sample.name;
  } else {
    // The search stopped at another failure at a bound no larger than the
    // shrunk schedule's preemptions (relaxed_publication: its first schedule
    // yields back to the spinning thread for ever, a Hang): the shrunk schedule is itself a
    // schedule within that bound that fails the same way, so its count is
    // the smallest only if it is 0.
    EXPECT_EQ(m.preemptions, 0u) << sample.name << ": " << m.other;
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, ShrinkVsBound, ::testing::ValuesIn(weft::samples::all()),
                         [](const ::testing::TestParamInfo<Sample>& p) { return std::string(p.param.name); });

}  // namespace
