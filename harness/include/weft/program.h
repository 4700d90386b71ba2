#pragma once
// <weft/program.h>: an unmodified C or C++ program, with its own main, as a
// weft test. weft_add_program_test (cmake/WeftProgram.cmake) builds the
// program as a shared object and a driver executable whose main calls
// run_program; docs/c-programs.md has the recipe and the semantics.

#include <string>
#include <vector>

#include "weft/options.h"

namespace weft::program {

// ProgramTest is what a driver runs.
struct ProgramTest {
  std::string name;                    // the test's name, argv[0] of the program
  std::string library;                 // path of the program's shared object
  std::vector<std::string> arguments;  // argv[1..] of its main; the driver's own arguments follow
  std::string expect;                  // a FailureKind name ("DataRace"): the exploration must find
                                       // a failure of that kind; empty: it must find none
  Options options;                     // the base that WEFT_SEED, WEFT_ITERATIONS, ... override
  int exit_status = 0;                 // the status the program exits with (or main returns) when it
                                       // works; any other is an AssertionFailed

  // Verification mode (docs/c-programs.md, "Verification verdicts"); each
  // also set by its WEFT_* variable.
  bool abort_is_assume = false;     // WEFT_ABORT_IS_ASSUME=1: abort() discards the execution, as
                                    // __VERIFIER_assume(0) does (always so inside an atomic section
                                    // and in assume_abort_if_not)
  bool endless_no_verdict = false;  // WEFT_ENDLESS_NO_VERDICT=1: an execution that reaches the step
                                    // budget is discarded as "no verdict" instead of failing as Hang
  bool stub_undefined = false;      // WEFT_STUB_UNDEFINED=1: a function the program calls and nothing
                                    // defines returns a nondet value instead of stopping the load
  unsigned nondet_domain = 0;       // WEFT_NONDET_DOMAIN=n: every __VERIFIER_nondet_* integer is one
                                    // of n small values (0, 1, -1, 2, ...), so dpor can try them all;
                                    // 0: biased values over the whole type
};

// run_program loads the program, explores its main (each execution from a
// fresh copy of its globals) or, when WEFT_REPLAY is set, replays that
// token, and prints the outcome: a failure with its report and the command
// that replays it. It returns the driver's exit status: 0 when the outcome
// is the expected one, 1 when it is not, 2 when the test
// cannot run (the program does not load, a bad WEFT_* value or expectation).
// Program output to stdout is hidden while exploring (WEFT_PROGRAM_OUTPUT=1
// shows it) and shown while replaying. An exploration ends with a verdict
// line: "true" (an exhaustive search covered every execution within the
// bounds it names, none failed), "false" (a failure, with its token) or
// "unknown" (and what cut the search short, or that a sampling strategy
// proves nothing).
int run_program(const ProgramTest& test, int argc, char** argv);

}  // namespace weft::program
