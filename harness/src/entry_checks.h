#pragma once
// What explore and replay check before they run anything: settings that
// would make a test pass without testing, and a call from inside a body
// that weft is already running. Each is a Misuse in the Report, so that
// explore and replay never throw for a mistake in the test.

#include <optional>

#include "weft/failure.h"
#include "weft/options.h"

namespace weft::detail {

// unusable_options is the Misuse of options no execution can run with
// (iterations 0 when exploring, a stack_size over Options::kMaxStackSize),
// or nothing.
std::optional<Failure> unusable_options(const Options& options, bool exploring);

// nested_call is the Misuse of calling `function` ("weft::explore") while
// an execution runs on this OS thread, or nothing. Called from one of that
// execution's threads, it also fails that execution (and unwinds the
// caller, where it may): nested explorations would run inside one step of
// the outer one, which could neither interleave nor replay them.
std::optional<Failure> nested_call(const char* function);

}  // namespace weft::detail
