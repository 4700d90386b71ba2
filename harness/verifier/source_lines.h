#pragma once
// source_line: the file and line of a code address, from the DWARF line
// tables of the object that contains it (elfutils' libdw), for C code that
// cannot pass its source location to weft. Built without libdw, it knows
// none.

#include <cstdint>

namespace weft::verifier {

// source_line sets `file` (a name that lives as long as the process) and
// `line` for the instruction at `pc` and returns true, or returns false if
// the object has no line table for it (no -g, a stripped object). The first
// look-up of an address reads the tables; later ones are a map look-up.
// Thread-safe.
bool source_line(std::uintptr_t pc, const char*& file, unsigned& line);

}  // namespace weft::verifier
