#pragma once
// Descriptor numbers of weft's descriptions: making them, duplicating them
// (dup, dup2, dup3, fcntl F_DUPFD) and closing them.

#include "io_calls.h"

namespace weft::interpose {

// open_descriptor gives `file` a new number (the lowest free one not below
// `lowest`); -1 with errno (EMFILE) when the kernel has none.
int open_descriptor(Execution& x, OpenFile& file, bool cloexec, int lowest = 0);

// close_descriptor closes weft's `fd` (t.file): a scheduling point; the
// description is released with its last descriptor.
int close_descriptor(Target t, int fd, const void* caller);

// duplicate is dup3(`fd`, `to`, flags) and dup2 (`dup2` true: `to` == `fd`
// returns `fd`) for a controlled call where `fd` or `to` is weft's; `to`
// < 0 is dup / F_DUPFD from `lowest`.
int duplicate(Execution& x, int fd, int to, int flags, bool dup2, int lowest, const void* caller);

}  // namespace weft::interpose
