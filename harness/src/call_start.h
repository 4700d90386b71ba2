#pragma once
// call_start: one line for a call that spans lines, whichever compiler
// built it. For `weft::thread t([&] { ... });` over several lines, clang's
// default-argument location is where the call starts (`t`), g++'s the
// closing parenthesis, on the last line; a report would then differ
// between the two builds of one test. weft names the line where the call
// starts, as clang does.

#include "weft/source_location.h"

namespace weft::detail {

// call_start returns `where` with its line moved to the line of the name
// that the call's bracket follows, when `where` points at a closing
// bracket (g++'s location of a constructor call); otherwise, or when the
// source file cannot be read, `where` unchanged. Each call site's source
// is read once per process; the answer is then looked up.
source_location call_start(source_location where);

}  // namespace weft::detail
