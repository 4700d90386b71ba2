// instrument_samples_extra_test: what samples_test.cpp does not check of
// the instrumented-mode samples: the fence-atomic and atomic-fence forms of
// message passing (samples/instrument/fence_litmus.cpp) are clean (the
// fence-fence form and its twin without the release fence are a sample of
// their own), and every fixed twin is clean over 10,000 executions.

#include <gtest/gtest.h>

#include "sample.h"
#include "weft/weft.h"

namespace {

TEST(FenceForms, FenceAtomicOrdersThePayload) {
  const weft::Report r = weft::explore(weft::samples::fence_litmus::fence_atomic, weft::Options{}.iterations(2000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(FenceForms, AtomicFenceOrdersThePayload) {
  const weft::Report r = weft::explore(weft::samples::fence_litmus::atomic_fence, weft::Options{}.iterations(2000));
  EXPECT_TRUE(r.ok()) << r;
}

TEST(InstrumentSamples, EveryFixedTwinIsCleanOver10000Executions) {
  for (const weft::samples::Sample& sample : weft::samples::all()) {
    const weft::Report r = weft::explore(sample.fixed, weft::Options{}.iterations(10000));
    EXPECT_TRUE(r.ok()) << sample.name << ": " << r;
    EXPECT_EQ(r.executions, 10000u) << sample.name;
  }
}

}  // namespace
