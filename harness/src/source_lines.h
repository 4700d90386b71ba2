#pragma once
// Source lines of code addresses, from the DWARF debug information of the
// object that contains them (elfutils' libdw), for the operations that
// cannot pass their source location to weft: C code, instrumented code,
// interposed calls, and weft's own primitives reached through the standard
// library (std::lock_guard's constructor calls weft::mutex::lock, whose
// default location argument names std_mutex.h). Built without libdw, weft
// knows no line and reports such operations without a location.
//
// "The program's own code" is code whose source is neither the standard
// library's headers (libstdc++'s, libc++'s) nor weft's own sources and
// headers; code without line information (libraries built without -g)
// is not the program's either.

#include <cstdint>

#include "scheduler/types.h"

namespace weft::detail {

// source_line sets `file` (a name that lives as long as the process) and
// `line` for the instruction at `pc` and returns true, or returns false if
// the object has no line table for it (no -g, a stripped object). The first
// look-up of an address reads the tables; later ones are a map look-up.
// Thread-safe; weft's own work (it runs uncontrolled).
bool source_line(std::uintptr_t pc, const char*& file, unsigned& line);

// open_line_tables opens the line tables of every object loaded now, once
// per process. explore and replay call it before the first execution:
// libdw keeps a descriptor open per object, and one opened during an
// execution would take the lowest free number, which the program may have
// just closed (its next read of that number would read weft's file), and
// would shift the numbers the program's next descriptors get.
void open_line_tables();

// program_line is source_line for the innermost of the program's own
// locations of the instruction at `pc`: its line if that is the program's,
// else the call site of the inlined library function it belongs to (the
// innermost call site that is the program's). False when the whole frame
// is library code.
bool program_line(std::uintptr_t pc, const char*& file, unsigned& line);

// program_location is the innermost location of the program's own code on
// the calling thread's stack: the line of its frame that called into the
// library or into weft. `from`, when given, is a return address on that
// stack to start at (frames inside it are weft's). Empty when no frame is
// the program's. Costs a stack walk: for traces and reports.
sched::Location program_location(const void* from = nullptr);

// library_file says whether `path` (a source file name, as __FILE__ or
// the debug information give it) is the standard library's or weft's own.
bool library_file(const char* path) noexcept;

}  // namespace weft::detail
