#pragma once
// Stubs for the functions a program calls and nothing defines
// (ProgramTest::stub_undefined): each returns a nondet value.

#include <string>
#include <vector>

namespace weft::program {

// stub_undefined_functions points every call of `handle`'s program (loaded
// with RTLD_LAZY) to a function that nothing defines at a stub that returns
// a __VERIFIER_nondet_long value (a value choice, recorded in the token; 0
// outside an execution), and returns their names. A function is undefined
// when neither the process's global scope nor the program's own
// dependencies define it; weak references are left alone (they read as
// null). Only calls through the PLT can be stubbed: `error` names a
// function too many to stub, or says the platform has no stubs, and then
// the result is empty.
std::vector<std::string> stub_undefined_functions(void* handle, std::string& error);

}  // namespace weft::program
