// fence_forms_test: the fence-atomic and atomic-fence forms of message
// passing (samples/instrument/fence_litmus.cpp) are clean; the fence-fence
// form and its twin without the release fence are a sample of their own.

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

}  // namespace
