// The GoogleTest adapter: WEFT_TEST bodies explored, gtest assertions inside
// them turned into weft failures, failures turned into gtest failures with
// a ready replay command.

#include "weft/gtest.h"

#include <gtest/gtest-spi.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "token_file.h"

namespace weft::testing {

namespace {
// interned returns a copy of `file` that lives as long as the process:
// weft keeps locations as plain pointers, as it does for __FILE__ literals,
// but GoogleTest hands over a name it frees after the report. The set grows
// by one entry per file with a failing assertion.
const char* interned(const char* file) {
  static std::mutex guard;
  static std::set<std::string> names;
  const std::lock_guard<std::mutex> hold(guard);
  return names.insert(file ? file : "").first->c_str();
}

// GoogleTestInterceptor catches the results of gtest assertions made on this
// OS thread. Inside an execution a failed one fails the execution (kind
// AssertionFailed; a fatal ASSERT_* also returns from the function, as it
// would outside weft). Outside one it is kept and reported afterwards.
class GoogleTestInterceptor : public ::testing::ScopedFakeTestPartResultReporter {
 public:
  GoogleTestInterceptor()
      : ScopedFakeTestPartResultReporter(INTERCEPT_ONLY_CURRENT_THREAD, &ignored_) {}

  void ReportTestPartResult(const ::testing::TestPartResult& result) override {
    if (!result.failed()) return;
    if (detail::in_execution()) {
      const char* file = interned(result.file_name());
      const unsigned line = result.line_number() > 0 ? static_cast<unsigned>(result.line_number()) : 0;
      detail::assertion_failed("", std::string("GoogleTest assertion failed: ") + result.summary(),
                               source_location{file, line});
      return;
    }
    kept_.push_back(result);
  }

  const std::vector<::testing::TestPartResult>& kept() const noexcept { return kept_; }

 private:
  ::testing::TestPartResultArray ignored_;
  std::vector<::testing::TestPartResult> kept_;
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
  if (report.ok()) return;

  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string filter = info ? std::string(info->test_suite_name()) + "." + info->name() : "*";
  std::string message = report.failure->to_string();
  if (!report.failure->token.empty())
    message += "to replay it:\n  " + detail::replay_variable(report.failure->token) + " " + executable_path() +
               " --gtest_filter=" + filter + "\n";
  if (!replaying) message += "(" + std::to_string(report.executions) + " executions, seed " +
                             std::to_string(effective.seed()) + ", strategy " + effective.strategy().to_string() + ")\n";
  ADD_FAILURE_AT(where.file, static_cast<int>(where.line)) << message;
}

}  // namespace weft::testing
