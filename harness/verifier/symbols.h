#pragma once
// The functions of the ELF objects loaded in this process, read from their
// symbol tables, for two things C code cannot tell weft itself: which
// function a call came from (C calls carry no source location), and which
// functions the SV-COMP conventions give a meaning by name
// (__VERIFIER_atomic_*, reach_error), static ones included.

#include <cstdint>

#include "scheduler/types.h"

namespace weft::verifier {

// Role is what the SV-COMP conventions make of a function by its name.
enum class Role : std::uint8_t {
  Plain,
  Atomic,      // its name starts with __VERIFIER_atomic_: it runs atomically
  ReachError,  // reach_error: calling it fails the execution
};

// Function is one function of a loaded object: [start, end) and its name
// (demangled), which lives as long as the process.
struct Function {
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
  const char* name = "";
  Role role = Role::Plain;
};

// function_at returns the function whose code contains `pc`, or null if no
// symbol table names it (a stripped object, code made at run time). The
// first look-up in an object reads that object's symbol table from its
// file; later ones search it in memory. Thread-safe.
const Function* function_at(const void* pc);

// caller_location is where the C caller that `return_address` returns to
// is: its file and line where the object has line tables (source_lines.h),
// else its function's name as the file and line 0 (the trace then shows
// "deposit"); empty if unknown.
sched::Location caller_location(const void* return_address);
// caller_name is the name of that caller's function, or "".
const char* caller_name(const void* return_address);

}  // namespace weft::verifier
