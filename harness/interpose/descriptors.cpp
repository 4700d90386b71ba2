#include "descriptors.h"

#include <fcntl.h>

#include <cerrno>
#include <string>

#include "io_report.h"
#include "real_io.h"

namespace weft::interpose {

int open_descriptor(Execution& x, OpenFile& file, bool cloexec, int lowest) {
  const int fd = fd_table(x).open(file, cloexec, lowest);
  if (fd >= 0) ++file.descriptors;
  return fd;
}

int close_descriptor(Target t, int fd, const void* caller) {
  Execution& x = *t.x;
  Call c = call(t, fd, "close", caller);
  const StepResult r = await(c, sched::OpKind::Close, nullptr);
  // The number goes whatever happens: a close that reports an error still
  // frees it, and an ending execution must not leave it to the next.
  fd_table(x).close(fd);
  if (r == StepResult::Aborted) {
    --c.file.descriptors;
    leave(x);
    return 0;
  }
  drop_descriptor(c);
  return 0;
}

namespace {
// close_for_replacement closes weft's `to` (a scheduling point), whose
// number the caller then gives to another description; false when the
// execution is ending.
bool close_for_replacement(Execution& x, int to, const void* caller) {
  OpenFile* old = fds_of(x)->find(to);
  Call c = call(Target{&x, old}, to, "dup2", caller);
  if (await(c, sched::OpKind::Close, nullptr) == StepResult::Aborted) {
    leave(x);
    return false;
  }
  drop_descriptor(c);
  return true;
}
}  // namespace

int duplicate(Execution& x, int fd, int to, int flags, bool dup2, int lowest, const void* caller) {
  const bool cloexec = (flags & O_CLOEXEC) != 0;
  FdTable& fds = fd_table(x);
  OpenFile* file = fds.find(fd);
  OpenFile* target = to >= 0 ? fds.find(to) : nullptr;
  if (to < 0) return open_descriptor(x, *file, cloexec, lowest);  // dup, F_DUPFD: `fd` is weft's
  if (to == fd) {
    if (!dup2) return fail_errno(EINVAL);
    return file || open_in_kernel(fd) ? fd : fail_errno(EBADF);
  }
  if (!file) {
    // A descriptor weft does not own onto one of weft's: the kernel's dup3
    // replaces weft's reservation of the number.
    if (!open_in_kernel(fd)) return fail_errno(EBADF);
    if (!close_for_replacement(x, to, caller)) return fail_errno(EINTR);
    const int placed = real::dup3(fd, to, flags);
    fds.forget(to);
    return placed;
  }
  if (target) {
    if (!close_for_replacement(x, to, caller)) return fail_errno(EINTR);
    fds.replace(to, *file, cloexec);
    ++file->descriptors;
    return to;
  }
  if (open_in_kernel(to)) {
    misuse_at(x,
              "calls dup2 to put " + name_of(fd, *file) + " at fd " + std::to_string(to) +
                  ", which weft does not own: weft would have to close a descriptor of the test process",
              caller);
    leave_if_ending(x);  // after the message's temporaries are gone
    return fail_errno(EBUSY);
  }
  if (fds.open_at(to, *file, cloexec) < 0) return -1;
  ++file->descriptors;
  return to;
}

}  // namespace weft::interpose
