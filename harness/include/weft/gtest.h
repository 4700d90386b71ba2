#pragma once
// <weft/gtest.h>: weft explorations as GoogleTest tests.

#include <gtest/gtest.h>

#include <functional>

#include "weft/weft.h"

namespace weft::testing {

// run_test explores `body` with `options` overridden by the WEFT_SEED,
// WEFT_ITERATIONS, WEFT_STRATEGY, WEFT_MAX_STEPS and WEFT_TRACE_STEPS
// environment variables, or, when WEFT_REPLAY is set, replays that token.
// A failure fails the current test with the report and a command line that
// replays it. GoogleTest assertions inside the body fail the execution
// (kind AssertionFailed) instead of the test directly.
// `where` is where the failure is reported: WEFT_TEST passes its own line.
void run_test(const std::function<void()>& body, const Options& options = Options{},
              source_location where = source_location::current());

namespace sharding {
// register_explored notes that Suite.Name is a WEFT_TEST: with CI shards it
// runs on every shard and splits its exploration (docs/writing-tests.md).
bool register_explored(const char* suite, const char* name);
// is_explored says whether Suite.Name was registered so.
bool is_explored(const char* suite, const char* name);
}  // namespace sharding

}  // namespace weft::testing

// WEFT_TEST(Suite, Name) { body } defines a GoogleTest test whose body is
// explored under weft with default options.
#define WEFT_TEST(suite, name) WEFT_TEST_WITH(suite, name, ::weft::Options{})

// WEFT_TEST_WITH(Suite, Name, options) { body } does the same with options
// of your own as the base that the environment overrides.
#define WEFT_TEST_WITH(suite, name, options)                                       \
  static void WeftBody_##suite##_##name();                                         \
  [[maybe_unused]] static const bool WeftExplored_##suite##_##name =              \
      ::weft::testing::sharding::register_explored(#suite, #name);                   \
  TEST(suite, name) {                                                              \
    ::weft::testing::run_test(&WeftBody_##suite##_##name, options,                \
                              ::weft::source_location::current(__FILE__, __LINE__)); \
  }                                                                               \
  static void WeftBody_##suite##_##name()
