// The GoogleTest adapter: WEFT_TEST bodies explored, gtest assertions inside
// them turned into weft failures, failures turned into gtest failures with
// a ready replay command.

#include "weft/gtest.h"

#include <gtest/gtest-spi.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "scheduler/execution.h"
#include "tested_line.h"
#include "token_file.h"

namespace weft::testing {

namespace {
// interned returns a copy of `file` that lives as long as the process:
// weft keeps locations as plain pointers, as it does for __FILE__ literals,
// but GoogleTest hands over a name it frees after the report. The set grows
// by one entry per file with a failing assertion.
const char* interned(const char* file) {
  // weft's own work: its lock is no scheduling point of the test's.
  const sched::Execution::Uncontrolled uncontrolled;
  static std::mutex guard;
  static std::set<std::string> names;
  const std::lock_guard<std::mutex> hold(guard);
  return names.insert(file ? file : "").first->c_str();
}

// GoogleTestInterceptor catches the results of gtest assertions made on this
// OS thread. Inside an execution a failed one fails the execution (kind
// AssertionFailed): a fatal ASSERT_* ends it, as it returns from the
// function it is in; an EXPECT_* lets it go on, and every later failure
// joins the report. Outside one it is kept and reported afterwards.
class GoogleTestInterceptor : public ::testing::ScopedFakeTestPartResultReporter {
 public:
  GoogleTestInterceptor()
      : ScopedFakeTestPartResultReporter(INTERCEPT_ONLY_CURRENT_THREAD, &ignored_), outer_(active_) {
    active_ = this;
  }
  GoogleTestInterceptor(const GoogleTestInterceptor&) = delete;
  GoogleTestInterceptor& operator=(const GoogleTestInterceptor&) = delete;
  ~GoogleTestInterceptor() override { active_ = outer_; }

  void ReportTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    if (deferring_) {
      deferred_.push_back(result);
      return;
    }
    if (detail::in_execution()) {
      fail_execution(result);
      return;
    }
    kept_.push_back(result);
  }

  // report_uncontrolled runs GoogleTest's failure path `report` on a weft
  // thread as weft's own work: the locks GoogleTest takes to record a
  // failure, and the more of them it takes the first time in a process,
  // are not the test's synchronization, so they are neither scheduling
  // points nor in the schedule, and a replay in a new process takes the
  // same steps. The failures it reported then fail the execution.
  template <class Report>
  void report_uncontrolled(Report report) {
    {
      const sched::Execution::Uncontrolled uncontrolled;
      deferring_ = true;
      report();
      deferring_ = false;
    }
    std::vector<::testing::TestPartResult> results;
    results.swap(deferred_);
    for (const auto& r : results) fail_execution(r);
  }

  const std::vector<::testing::TestPartResult>& kept() const noexcept { return kept_; }

  // active is the innermost interceptor of this process, or null.
  static GoogleTestInterceptor* active() noexcept { return active_; }

 private:
  static void fail_execution(const ::testing::TestPartResult& result) {
    const char* file = interned(result.file_name());
    const unsigned line = result.line_number() > 0 ? static_cast<unsigned>(result.line_number()) : 0;
    detail::gtest_assertion_failed(std::string("GoogleTest assertion failed: ") + result.summary(),
                                   source_location{file, line}, result.fatally_failed());
  }

  static inline GoogleTestInterceptor* active_ = nullptr;
  ::testing::TestPartResultArray ignored_;
  std::vector<::testing::TestPartResult> kept_;
  std::vector<::testing::TestPartResult> deferred_;
  bool deferring_ = false;
  GoogleTestInterceptor* outer_;
};

std::string executable_path() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string("./test-binary");
}
}  // namespace

void run_test(const std::function<void()>& body, const Options& options, source_location where) {
  Options effective;
  try {
    effective = options.from_environment();
    // A test that calls run_test itself, not through WEFT_TEST, was given
    // to one shard as a whole (gtest_shards.cpp): it explores all of it.
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    if (test && !sharding::is_explored(test->test_suite_name(), test->name())) effective.shard(0, 1);
    // One checkpoint file holds the explorations of every test it runs.
    if (test && !effective.checkpoint().empty() && effective.checkpoint_key().empty())
      effective.checkpoint(effective.checkpoint(), std::string(test->test_suite_name()) + "." + test->name());
    // Each test's timeline is told apart by its name (Options::trace_file).
    if (test && !effective.trace_file().empty() && effective.trace_file_key().empty())
      effective.trace_file(effective.trace_file(), std::string(test->test_suite_name()) + "." + test->name());
    // The test's regression file is named after it.
    if (test && !effective.regressions().empty() && effective.regressions_name().empty())
      effective.regressions(effective.regressions(), std::string(test->test_suite_name()) + "." + test->name());
  } catch (const std::invalid_argument& e) {
    ADD_FAILURE_AT(where.file, static_cast<int>(where.line)) << "weft: " << e.what();
    return;
  }
  const char* token = std::getenv("WEFT_REPLAY");
  const bool replaying = token && *token;
  Report report;
  std::vector<::testing::TestPartResult> outside;
  {
    GoogleTestInterceptor interceptor;
    report = replaying ? replay(token, body, effective) : explore(body, effective);
    outside = interceptor.kept();
  }
  for (const auto& r : outside)
    ADD_FAILURE_AT(r.file_name() ? r.file_name() : "", r.line_number()) << r.message();
  // What an exhaustive search covered (a bounded proof, or why not), and
  // each CI shard's part, whose counts add up, go in the test's output.
  const bool summarized =
      report.ok() && !replaying && (effective.strategy().exhaustive() || effective.shard_count() > 1);
  if (summarized) {
    std::ostringstream summary;
    summary << report;
    std::fputs(summary.str().c_str(), stdout);
    if (effective.shard_count() > 1 && !effective.strategy().exhaustive())
      std::printf("weft: shard %u of %u\n", effective.shard_index(), effective.shard_count());
    std::fflush(stdout);
  }
  // The line that says what was tested ends the test's output, after its
  // failure, if any: the failure report stays the same in a replay.
  struct TestedLine {
    const Report& report;
    ~TestedLine() {
      if (!detail::quiet()) std::cout << tested_line(report) << std::endl;
    }
  } last{report};
  if (report.ok()) {
    // The summary above has these lines already.
    if (report.regressions && !summarized) std::fputs(regressions_text(*report.regressions).c_str(), stdout);
    std::fflush(stdout);
    return;
  }

  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = info ? std::string(info->test_suite_name()) + "." + info->name() : "*";
  std::string message = report.failure->to_string();
  if (report.shrinking) message += shrinking_text(*report.shrinking);
  message += timeline_text(report);
  if (report.regressions) message += regressions_text(*report.regressions);
  if (!report.failure->token.empty())
    message += "to replay it:\n  " + detail::replay_variable(report.failure->token) + " " + executable_path() +
               " --gtest_filter=" + filter + "\n";
  if (!replaying) message += "(" + std::to_string(report.executions) + " executions, seed " +
                             std::to_string(effective.seed()) + ", strategy " + effective.strategy().to_string() + ")\n";
  ADD_FAILURE_AT(where.file, static_cast<int>(where.line)) << message;
}

}  // namespace weft::testing

// Every GoogleTest assertion that fails in the user's code reaches
// AssertHelper::operator=. weft::gtest links test executables with
// --wrap for it (cmake: its INTERFACE link options), so those calls come
// here first; the real one is __real_..., weak so that an executable linked
// without the option still links (nothing then calls this wrapper).
extern "C" void _ZNK7testing8internal12AssertHelperaSERKNS_7MessageE_real(
    const ::testing::internal::AssertHelper*, const ::testing::Message&) __asm__(
    "__real__ZNK7testing8internal12AssertHelperaSERKNS_7MessageE") __attribute__((weak));

extern "C" void __wrap__ZNK7testing8internal12AssertHelperaSERKNS_7MessageE(
    const ::testing::internal::AssertHelper* helper, const ::testing::Message& message) {
  auto* const real = &_ZNK7testing8internal12AssertHelperaSERKNS_7MessageE_real;
  auto* const interceptor = weft::testing::GoogleTestInterceptor::active();
  if (!interceptor || !weft::detail::in_execution()) return real(helper, message);
  interceptor->report_uncontrolled([&] { real(helper, message); });
}
