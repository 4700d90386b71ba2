// The hooks ThreadSanitizer's runtime looks for in the executable, for
// weft's TSan mode (the weft::tsan target links this file into the user's
// test executable). Built without -fsanitize=thread, as TSan requires of
// code that runs inside its reporting.

#include "checkers/tsan_report.h"

// __tsan_default_options: TSan's defaults under weft. weft runs the same
// code many times, and replays a failing schedule in the same process: a
// race must be reported each time it happens, not only the first time that
// pair of stacks or that address raced. TSAN_OPTIONS still overrides these.
extern "C" const char* __tsan_default_options() {
  return "suppress_equal_stacks=0:suppress_equal_addresses=0"
#ifdef WEFT_LLVM_SYMBOLIZER
         ":external_symbolizer_path=" WEFT_LLVM_SYMBOLIZER
#endif
      ;
}

// __tsan_on_report: called for each report TSan prints. A report made while
// a weft execution runs becomes that execution's failure.
extern "C" void __tsan_on_report(void* report) { weft::checkers::tsan_report::capture(report); }

namespace __tsan {
struct ReportDesc;
bool OnReport(const ReportDesc* report, bool suppressed);
bool OnFinalize(bool failed);

// OnReport decides whether TSan prints and counts a report: once an
// execution has one, weft fails it with that one, and what TSan finds while
// the execution runs on to its next scheduling point, or unwinds, is noise.
bool OnReport(const ReportDesc*, bool suppressed) {
  return suppressed || weft::checkers::tsan_report::repeats_in_execution();
}

// OnFinalize decides the process's exit status at exit (TSan's
// `exitcode`, 66, when anything was reported). Reports made inside weft
// executions are weft failures, which the test asserts on or fails with
// itself (a test that expects a race passes when weft reports it), so only
// reports made outside any execution still fail the process.
bool OnFinalize(bool failed) {
  using weft::checkers::tsan_report::claimed;
  using weft::checkers::tsan_report::unclaimed;
  if (!failed || claimed() == 0) return failed;
  return unclaimed() > 0;
}
}  // namespace __tsan
