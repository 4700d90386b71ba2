#include "weft/assert.h"

#include <cstdio>
#include <cstdlib>

#include "engine_access.h"

namespace weft::detail {

void assertion_failed(const char* expression, std::string message, source_location where) {
  const sched::tsan::Unseen unseen;
  std::string text = *expression ? std::string("WEFT_ASSERT(") + expression + ") failed" : std::string();
  if (!message.empty()) text += (text.empty() ? "" : ": ") + message;
  if (Execution* x = Execution::active()) {
    x->fail(sched::Verdict::AssertionFailed, std::move(text), at(where));
    // Still here: the failing thread is already unwinding (an assertion in a
    // destructor); the execution ends at the next scheduling point.
    return;
  }
  std::fprintf(stderr, "%s:%u: %s\n", where.file, where.line, text.c_str());
  std::abort();
}

void gtest_assertion_failed(std::string message, source_location where, bool fatal) {
  const sched::tsan::Unseen unseen;
  Execution* x = Execution::active();
  if (!x) return;
  if (fatal) {
    x->fail(sched::Verdict::AssertionFailed, std::move(message), at(where));
  } else {
    x->fail_soft(sched::Verdict::AssertionFailed, std::move(message), at(where));
  }
}

}  // namespace weft::detail
