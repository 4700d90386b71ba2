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
};

// run_program loads the program, explores its main (each execution from a
// fresh copy of its globals) or, when WEFT_REPLAY is set, replays that
// token, and prints the outcome: a failure with its report and the command
// that replays it. It returns the driver's exit status: 0 when the outcome
// is the expected one, 1 when it is not, 2 when the test
// cannot run (the program does not load, a bad WEFT_* value or expectation).
// Program output to stdout is hidden while exploring (WEFT_PROGRAM_OUTPUT=1
// shows it) and shown while replaying.
int run_program(const ProgramTest& test, int argc, char** argv);

}  // namespace weft::program
