#pragma once
// The descriptor numbers of one execution: which numbers are weft's, the
// open file description each refers to, and the real numbers reserved from
// the kernel for them.

#include <cstdint>
#include <vector>

#include "table.h"

namespace weft::interpose {

struct OpenFile;

// FdTable maps the descriptor numbers weft made in one execution to their
// open file descriptions. Each number is also held in the kernel (an O_PATH
// descriptor of /dev/null): a later open() or socket() never gets a number
// weft uses, and a call weft does not intercept (fstat, stdio through
// fdopen) fails with EBADF instead of reaching another file. The
// reservations are closed with the table, when the execution ends, so an
// execution that never closes its pipes leaks nothing into the next.
class FdTable {
 public:
  FdTable() = default;
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;
  ~FdTable();

  // find returns the description `fd` refers to, or null when `fd` is not
  // one of weft's.
  OpenFile* find(int fd) const noexcept {
    return fd >= 0 && static_cast<std::size_t>(fd) < entries_.size() ? entries_[fd].file : nullptr;
  }
  // cloexec is the descriptor's FD_CLOEXEC flag (a per-number flag, unlike
  // the description's status flags).
  bool cloexec(int fd) const noexcept { return find(fd) && entries_[fd].cloexec; }
  void set_cloexec(int fd, bool on) noexcept {
    if (find(fd)) entries_[fd].cloexec = on;
  }

  // open installs `file` at the lowest number not below `lowest` that is
  // free in the kernel, and returns it; -1 with errno set (EMFILE, EINVAL)
  // when the kernel has none.
  int open(OpenFile& file, bool cloexec, int lowest = 0);
  // open_at installs `file` at `fd`, which must be free in the kernel and
  // not weft's (dup2 onto a free number); -1 with errno (EBADF past the
  // descriptor limit).
  int open_at(int fd, OpenFile& file, bool cloexec);
  // replace makes weft's `fd` refer to `file` instead (dup2 onto one of
  // weft's numbers); the reservation stays. It returns the description
  // `fd` referred to.
  OpenFile* replace(int fd, OpenFile& file, bool cloexec) noexcept;
  // close forgets weft's `fd` and closes its reservation; it returns the
  // description it referred to.
  OpenFile* close(int fd) noexcept;
  // forget forgets weft's `fd` without closing its number in the kernel
  // (a real dup2 has just replaced the reservation).
  OpenFile* forget(int fd) noexcept;

 private:
  struct Entry {
    OpenFile* file = nullptr;
    bool cloexec = false;
  };
  void install(int fd, OpenFile& file, bool cloexec);
  std::vector<Entry> entries_;  // by number
};

// fd_table returns execution x's descriptor table, made on first use;
// fds_of returns it only if it exists.
FdTable& fd_table(Execution& x);
inline FdTable* fds_of(Execution& x) { return table_of(x).fds; }

// open_in_kernel says whether `fd` is an open descriptor of the process.
bool open_in_kernel(int fd) noexcept;

}  // namespace weft::interpose
