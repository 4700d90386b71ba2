#pragma once
// What the descriptor tests (interpose_fd_*_test.cpp) share: short
// explorations, and checks of their reports.

#include <gtest/gtest.h>

#include <cstdint>

#include "weft/weft.h"

namespace fd_test {

// quick is a short exploration: descriptor bodies have few scheduling points.
inline weft::Options quick(std::uint64_t iterations = 300) { return weft::Options{}.iterations(iterations); }

inline void expect_ok(const weft::Report& r) { EXPECT_TRUE(r.ok()) << r; }

// expect_failure checks that `r` failed with `kind`, and returns its failure.
inline weft::Failure expect_failure(const weft::Report& r, weft::FailureKind kind) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  EXPECT_EQ(r.failure->kind, kind) << *r.failure;
  return *r.failure;
}

}  // namespace fd_test
