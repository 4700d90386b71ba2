#pragma once
// WEFT_ASSERT: an assertion that fails the running execution.

#include <string>

#include "weft/source_location.h"

namespace weft::detail {
// assertion_failed ends the current execution with an AssertionFailed
// failure whose message is "WEFT_ASSERT(expression) failed: message" (either
// part may be empty). Outside an execution it prints and aborts, like assert.
void assertion_failed(const char* expression, std::string message,
                                   source_location where);
// gtest_assertion_failed fails the current execution for a GoogleTest
// assertion: a fatal one (ASSERT_*) ends it as assertion_failed does, a
// non-fatal one (EXPECT_*) lets it run on (Execution::fail_soft).
void gtest_assertion_failed(std::string message, source_location where, bool fatal);
}  // namespace weft::detail

// WEFT_ASSERT(condition) or WEFT_ASSERT(condition, message): when the
// condition is false, the execution fails with kind AssertionFailed, the
// expression and message in the report, and a replay token.
#define WEFT_ASSERT(condition, ...)                                                         \
  do {                                                                                      \
    if (!static_cast<bool>(condition))                                                      \
      ::weft::detail::assertion_failed(#condition, ::std::string(__VA_ARGS__),              \
                                       ::weft::source_location::current(__FILE__, __LINE__)); \
  } while (false)
