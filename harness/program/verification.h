#pragma once
// Verification mode of program tests: how SV-COMP-style programs are read
// (abort() as an assumption, endless paths as no verdict, stubs for
// functions nothing defines, small nondet domains) and the verdict line a
// driver prints (docs/c-programs.md, "Verification verdicts").

#include <cstdint>
#include <string>
#include <vector>

#include "scheduler/execution.h"
#include "weft/explore.h"
#include "weft/program.h"

namespace weft::program {

// Verification is a program test's verification settings, as ProgramTest
// has them, each overridden by its WEFT_* variable.
struct Verification {
  bool abort_is_assume = false;
  bool endless_no_verdict = false;
  bool stub_undefined = false;
  std::uint32_t nondet_domain = 0;
  std::vector<std::string> stubbed;  // the functions load() stubbed
};

// verification_of reads `test`'s settings and the environment; a bad
// WEFT_* value throws std::invalid_argument naming it.
Verification verification_of(const ProgramTest& test);

// start_verification puts `v` into effect for the explorations that follow
// (the reading of abort(), the nondet domain) and zeroes the counts.
void start_verification(const Verification& v);

// begin_execution applies `v` to the execution the program's main starts.
void begin_execution(sched::Execution& x, const Verification& v) noexcept;

// aborts_assumed counts the aborts read as assumptions since
// start_verification (in every execution run, shrinking's included).
std::uint64_t aborts_assumed() noexcept;

// verdict_text is the verdict line of an exploration: true within the
// bounds it names, false, or unknown and why.
std::string verdict_text(const Report& report, const Options& options, const Verification& v);

}  // namespace weft::program
