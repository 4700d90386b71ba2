// run_program: the driver of a program test.

#include "weft/program.h"

#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "crash_handler.h"
#include "program_exit.h"
#include "process_exit.h"
#include "program_image.h"
#include "report_reserve.h"
#include "scheduler/execution.h"
#include "text_fields.h"
#include "tested_line.h"
#include "token_file.h"
#include "verification.h"
#include "weft/explore.h"
#include "weft/verifier.h"

extern "C" char** environ;
// The -finstrument-functions hooks of weft::verifier (atomic_functions.cpp).
extern "C" void __cyg_profile_func_enter(void* function, void* call_site);
// The program's malloc (heap_calls.cpp).
extern "C" void* __wrap_malloc(std::size_t size);

namespace weft::program {

namespace {

// kLinked names the C entry points a program's shared object may call and
// that only the executable defines. Taking their addresses here makes the
// linker pull them out of weft's static libraries into every driver, which
// exports them (-rdynamic) to the program.
[[gnu::used]] void (*const kLinked[])() = {
    reinterpret_cast<void (*)()>(&::exit),
    reinterpret_cast<void (*)()>(&::abort),
    reinterpret_cast<void (*)()>(&::__assert_fail),
    reinterpret_cast<void (*)()>(&::__VERIFIER_assume),
    reinterpret_cast<void (*)()>(&::__VERIFIER_nondet_int),
    reinterpret_cast<void (*)()>(&::__VERIFIER_atomic_begin),
    reinterpret_cast<void (*)()>(&::__cyg_profile_func_enter),
    reinterpret_cast<void (*)()>(&::reach_error),
    reinterpret_cast<void (*)()>(&::__wrap_malloc),
    reinterpret_cast<void (*)()>(&weft::detail::crash_report_begins),
};

std::string executable_path() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string("./program-test");
}

// HiddenOutput points file descriptor 1 at /dev/null for its lifetime, so
// that thousands of executions do not print the program's output.
class HiddenOutput {
 public:
  explicit HiddenOutput(bool hide) {
    if (!hide) return;
    std::fflush(stdout);
    saved_ = ::dup(STDOUT_FILENO);
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved_ < 0 || null < 0 || ::dup2(null, STDOUT_FILENO) < 0) saved_ = -1;
    if (null >= 0) ::close(null);
  }
  HiddenOutput(const HiddenOutput&) = delete;
  HiddenOutput& operator=(const HiddenOutput&) = delete;
  ~HiddenOutput() {
    if (saved_ < 0) return;
    std::fflush(stdout);
    ::dup2(saved_, STDOUT_FILENO);
    ::close(saved_);
  }

 private:
  int saved_ = -1;
};

// Arguments is the program's argv, rebuilt before each execution (a program
// may write to its arguments) in storage that outlives the execution's
// stacks, which are dropped when the program exits.
class Arguments {
 public:
  explicit Arguments(std::vector<std::string> texts) : texts_(std::move(texts)) {}
  char** fresh() {
    copies_ = texts_;
    pointers_.clear();
    for (std::string& s : copies_) pointers_.push_back(s.data());
    pointers_.push_back(nullptr);
    return pointers_.data();
  }
  int count() const noexcept { return static_cast<int>(texts_.size()); }

 private:
  std::vector<std::string> texts_;
  std::vector<std::string> copies_;
  std::vector<char*> pointers_;
};

// run_main is one execution's thread 0: the program from a fresh state.
void run_main(ProgramImage& image, Arguments& arguments, const Verification& verification) {
  sched::Execution& x = *sched::Execution::active();
  x.abandon_unfinished();  // C frames cannot be unwound: see program_exit.cpp
  begin_execution(x, verification);
  image.reset();
  // State the C library keeps for the program, reset as a new process has it.
  errno = 0;
  std::srand(1);
  optind = 1;
  char** argv = arguments.fresh();
  const int status = image.main_function()(arguments.count(), argv, environ);
  // Returning from main is exit(status): the process ends there, with the
  // threads that still run, and what C leaves to the end of a process
  // (threads never joined, locks still held) is no failure.
  end_program(x, status, nullptr, nullptr);
}

void print_notes(const Report& report) {
  if (report.stopped > 0)
    std::cout << "note: in " << report.stopped << " of " << report.executions
              << " executions the program ended (exit, or main returning) while other threads still ran;\n"
                 "      as in a real process they ran no further, and weft checked them up to that point\n";
  if (report.discarded == 0) return;
  const std::uint64_t aborts = std::min(aborts_assumed(), report.discarded - report.endless);
  std::cout << "note: " << report.discarded << " of " << report.executions << " executions were discarded: "
            << report.discarded - report.endless - aborts << " by __VERIFIER_assume, " << aborts
            << " by abort() read as an assumption, " << report.endless
            << " reached the step budget (no verdict: a path that never ends)\n";
}

// print_outcome prints what the exploration or replay found and returns the
// driver's exit status.
int print_outcome(const Report& report, const std::string& who, std::optional<FailureKind> expected, bool replaying,
                  const Options& options, const Verification& verification) {
  if (report.ok()) {
    if (report.regressions) std::cout << regressions_text(*report.regressions);
    std::cout << who << "no failure in " << report.executions << " executions (seed " << options.seed()
              << ", strategy " << options.strategy().to_string() << ")\n";
    print_notes(report);
    std::cout << verdict_text(report, options, verification);
    if (!expected) return 0;
    std::cout << who << "expected " << to_string(*expected) << ", but found no failure\n";
    return 1;
  }
  const Failure& f = *report.failure;
  std::cout << f.to_string();
  if (report.shrinking) std::cout << shrinking_text(*report.shrinking);
  std::cout << timeline_text(report);
  if (report.regressions) std::cout << regressions_text(*report.regressions);
  if (!f.token.empty())
    std::cout << "to replay it:\n  " << detail::replay_variable(f.token) << ' ' << executable_path() << '\n';
  if (!replaying) {
    print_notes(report);
    std::cout << verdict_text(report, options, verification);
  }
  if (expected && f.kind == *expected) {
    std::cout << who << (replaying ? "replayed" : "found") << " the expected " << to_string(f.kind) << '\n';
    return 0;
  }
  std::cout << who << (expected ? "expected " + std::string(to_string(*expected)) : std::string("expected no failure"))
            << ", but " << (replaying ? "the replay" : "the exploration") << " found " << to_string(f.kind) << '\n';
  return 1;
}

}  // namespace

int run_program(const ProgramTest& test, int argc, char** argv) {
  const std::string who = "weft: " + test.name + ": ";
  std::optional<FailureKind> expected;
  if (!test.expect.empty() && !(expected = detail::failure_kind_named(test.expect))) {
    std::cerr << who << "EXPECT " << test.expect << " is not a weft::FailureKind name\n";
    return 2;
  }
  Options options;
  Verification verification;
  try {
    options = test.options.from_environment();
    if (options.regressions_name().empty()) options.regressions(options.regressions(), test.name);
    verification = verification_of(test);
    if (!options.trace_file().empty() && options.trace_file_key().empty())
      options.trace_file(options.trace_file(), test.name);
  } catch (const std::invalid_argument& e) {
    std::cerr << who << e.what() << '\n';
    return 2;
  }
  // stdout's buffer is the driver's own, not the C library's heap, which
  // the program may break or leave locked (see crash_report_began).
  static char stdout_buffer[BUFSIZ];
  std::setvbuf(stdout, stdout_buffer, ::isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, sizeof stdout_buffer);
  std::string error;
  const std::unique_ptr<ProgramImage> image =
      ProgramImage::load(test.library, error, verification.stub_undefined ? &verification.stubbed : nullptr);
  if (!image) {
    if (!verification.stub_undefined && error.find("undefined symbol") != std::string::npos)
      error += " (WEFT_STUB_UNDEFINED=1 makes a function nothing defines return a nondet value)";
    std::cerr << who << error << '\n';
    return 2;
  }
  if (!verification.stubbed.empty()) {
    std::cout << "note: functions the program calls and nothing defines return nondet values (WEFT_STUB_UNDEFINED):";
    for (const std::string& name : verification.stubbed) std::cout << ' ' << name;
    std::cout << '\n';
  }
  start_verification(verification);
  std::vector<std::string> texts{test.name};
  texts.insert(texts.end(), test.arguments.begin(), test.arguments.end());
  for (int i = 1; i < argc; ++i) texts.emplace_back(argv[i]);
  Arguments arguments(std::move(texts));
  const auto body = [&] { run_main(*image, arguments, verification); };
  set_success_status(test.exit_status);

  const char* token = std::getenv("WEFT_REPLAY");
  const bool replaying = token && *token;
  const char* show = std::getenv("WEFT_PROGRAM_OUTPUT");
  Report report;
  {
    const HiddenOutput hidden(!replaying && !(show && *show == '1'));
    report = replaying ? replay(token, body, options) : explore(body, options);
  }
  // The program's exit handlers and global destructors run when the driver
  // exits: on the program as its constructors left it, not as the last
  // execution did (its threads may have been dropped half-way through
  // changing the heap).
  image->reset();

  const int status = print_outcome(report, who, expected, replaying, options, verification);
  if (!detail::quiet()) std::cout << tested_line(report) << '\n';
  if (crash_report_began()) {
    // The crash may have been the C library aborting inside malloc, its
    // heap broken and its lock held for good: end as the crash would have
    // ended the process, with no exit handler (they free into that heap).
    std::cout.flush();
    std::fflush(stdout);
    ::_exit(status);
  }
  return status;
}

}  // namespace weft::program
