// The calls every descriptor has: read, write, readv, writev, close, dup,
// dup2, dup3, fcntl and ioctl. On weft's descriptors they are scheduling
// points (but dup, and the fcntl and ioctl queries of the caller's own
// flags); on the others they go to the kernel.

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdarg>
#include <cstdint>

#include "descriptors.h"
#include "endpoint.h"
#include "foreign_fds.h"
#include "real_io.h"

extern "C" [[noreturn]] void __chk_fail(void);

namespace weft::interpose {

namespace {
int access_mode(const OpenFile& f) noexcept {
  switch (f.type) {
    case OpenFile::Type::PipeRead: return O_RDONLY;
    case OpenFile::Type::PipeWrite: return O_WRONLY;
    default: return O_RDWR;
  }
}

// pipe_flow is the data of a pipe end, or null for other descriptions.
Flow* pipe_flow(OpenFile& f) noexcept {
  if (f.type != OpenFile::Type::PipeRead && f.type != OpenFile::Type::PipeWrite) return nullptr;
  auto& e = static_cast<Endpoint&>(f);
  return e.in ? e.in : e.out;
}

// set_pipe_size is F_SETPIPE_SZ: a power of two of pages, at least one, at
// most 1 MiB (the unprivileged limit, /proc/sys/fs/pipe-max-size), and no
// less than the pipe holds.
// A larger pipe may let a blocked writer go on: its waiters, and the epoll
// instances that watch it, look again.
int set_pipe_size(Execution& x, OpenFile& file, Flow& flow, long requested) {
  if (requested < 0) return fail_errno(EINVAL);
  if (requested > (1 << 20)) return fail_errno(EPERM);
  std::size_t size = 4096;
  while (size < static_cast<std::size_t>(requested)) size *= 2;
  if (size < flow.bytes()) return fail_errno(EBUSY);
  flow.set_capacity(size);
  x.note_change(file.ref);
  static_cast<Endpoint&>(file).peer->changed(x, 0);
  file.changed(x, 0);
  return static_cast<int>(size);
}

// set_nonblocking is F_SETFL's and FIONBIO's change: a scheduling point,
// since it changes how the other threads' calls on the description behave.
int set_nonblocking(Target t, int fd, const char* name, bool on, const void* caller) {
  Call c = call(t, fd, name, caller);
  if (await(c, sched::OpKind::Control, nullptr) == StepResult::Aborted) {
    leave(c.x);
    return fail_errno(EINTR);
  }
  c.file.nonblocking = on;
  record_io(c.x, c.file, sched::OpKind::Control, 0);
  return 0;
}

int control(Target t, int fd, int cmd, long arg, const void* caller) {
  const sched::tsan::Unseen unseen;
  FdTable& fds = *fds_of(*t.x);
  switch (cmd) {
    case F_GETFD:
      return fds.cloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
      fds.set_cloexec(fd, (arg & FD_CLOEXEC) != 0);
      return 0;
    case F_GETFL:
      return access_mode(*t.file) | (t.file->nonblocking ? O_NONBLOCK : 0);
    case F_SETFL:
      return set_nonblocking(t, fd, "fcntl", (arg & O_NONBLOCK) != 0, caller);
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
      if (arg < 0 || arg > INT32_MAX) return fail_errno(EINVAL);
      return duplicate(*t.x, fd, -1, cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0, false, static_cast<int>(arg), caller);
    case F_GETPIPE_SZ:
      if (Flow* flow = pipe_flow(*t.file)) return static_cast<int>(flow->capacity());
      return fail_errno(EBADF);
    case F_SETPIPE_SZ:
      if (Flow* flow = pipe_flow(*t.file)) return set_pipe_size(*t.x, *t.file, *flow, arg);
      return fail_errno(EBADF);
    default:
      return fail_errno(EINVAL);
  }
}

int io_control(Target t, int fd, unsigned long request, void* arg, const void* caller) {
  const sched::tsan::Unseen unseen;
  switch (request) {
    case FIONREAD: {
      if (t.file->type == OpenFile::Type::Eventfd || t.file->type == OpenFile::Type::Epoll) return fail_errno(ENOTTY);
      if (!arg) return fail_errno(EFAULT);
      Call c = call(t, fd, "ioctl", caller);
      if (await(c, sched::OpKind::Poll, nullptr) == StepResult::Aborted) {
        leave(c.x);
        return fail_errno(EINTR);
      }
      const std::size_t n = t.file->readable_bytes();
      *static_cast<int*>(arg) = static_cast<int>(n);
      sched::Event& e = record_io(c.x, c.file, sched::OpKind::Poll, 0);
      e.value = n;
      e.value_kind = sched::ValueKind::Unsigned;
      return 0;
    }
    case FIONBIO:
      if (!arg) return fail_errno(EFAULT);
      return set_nonblocking(t, fd, "ioctl", *static_cast<const int*>(arg) != 0, caller);
    case FIOCLEX:
    case FIONCLEX:
      fds_of(*t.x)->set_cloexec(fd, request == FIOCLEX);
      return 0;
    default:
      return fail_errno(ENOTTY);
  }
}

int fcntl_call(int fd, int cmd, long arg, const void* caller) {
  const Target t = target(fd);
  if (!t.file) return real::fcntl(fd, cmd, arg);
  return control(t, fd, cmd, arg, caller);
}
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

ssize_t read(int fd, void* buf, size_t n) {
  const Target t = target(fd);
  if (!t.x) return real::read(fd, buf, n);
  if (!t.file) {
    if (foreign_blocks(fd, POLLIN, false)) return refuse_blocking(*t.x, "read", fd, __builtin_return_address(0));
    return real::read(fd, buf, n);
  }
  const iovec iov{buf, n};
  return receive(t, fd, "read", &iov, 1, 0, __builtin_return_address(0));
}

// _FORTIFY_SOURCE's read, when the buffer's size is known.
ssize_t __read_chk(int fd, void* buf, size_t n, size_t size) {
  if (n > size) __chk_fail();
  return read(fd, buf, n);
}

ssize_t write(int fd, const void* buf, size_t n) {
  const Target t = target(fd);
  if (!t.x) return real::write(fd, buf, n);
  if (!t.file) {
    if (foreign_blocks(fd, POLLOUT, false)) return refuse_blocking(*t.x, "write", fd, __builtin_return_address(0));
    return real::write(fd, buf, n);
  }
  const iovec iov{const_cast<void*>(buf), n};
  return transmit(t, fd, "write", &iov, 1, 0, __builtin_return_address(0));
}

ssize_t readv(int fd, const iovec* iov, int count) {
  const Target t = target(fd);
  if (!t.x) return real::readv(fd, iov, count);
  if (!t.file) {
    if (foreign_blocks(fd, POLLIN, false)) return refuse_blocking(*t.x, "readv", fd, __builtin_return_address(0));
    return real::readv(fd, iov, count);
  }
  return receive(t, fd, "readv", iov, count, 0, __builtin_return_address(0));
}

ssize_t writev(int fd, const iovec* iov, int count) {
  const Target t = target(fd);
  if (!t.x) return real::writev(fd, iov, count);
  if (!t.file) {
    if (foreign_blocks(fd, POLLOUT, false)) return refuse_blocking(*t.x, "writev", fd, __builtin_return_address(0));
    return real::writev(fd, iov, count);
  }
  return transmit(t, fd, "writev", iov, count, 0, __builtin_return_address(0));
}

int close(int fd) {
  const Target t = target(fd);
  if (!t.file) return real::close(fd);
  return close_descriptor(t, fd, __builtin_return_address(0));
}

int dup(int fd) noexcept {
  const Target t = target(fd);
  if (!t.file) return real::dup(fd);
  return duplicate(*t.x, fd, -1, 0, false, 0, __builtin_return_address(0));
}

int dup2(int fd, int to) noexcept {
  Execution* x = controlling();
  const FdTable* fds = x ? fds_of(*x) : nullptr;
  if (!fds || (!fds->find(fd) && !fds->find(to))) return real::dup2(fd, to);
  return duplicate(*x, fd, to, 0, true, 0, __builtin_return_address(0));
}

int dup3(int fd, int to, int flags) noexcept {
  Execution* x = controlling();
  const FdTable* fds = x ? fds_of(*x) : nullptr;
  if (!fds || (!fds->find(fd) && !fds->find(to))) return real::dup3(fd, to, flags);
  if (flags & ~O_CLOEXEC) return fail_errno(EINVAL);
  return duplicate(*x, fd, to, flags, false, 0, __builtin_return_address(0));
}

// fcntl's third argument is an int, a long or a pointer, all passed in a
// register: read as a long, it is passed on unchanged.
int fcntl(int fd, int cmd, ...) {
  va_list list;
  va_start(list, cmd);
  const long arg = va_arg(list, long);
  va_end(list);
  return fcntl_call(fd, cmd, arg, __builtin_return_address(0));
}

// fcntl under _FILE_OFFSET_BITS=64.
int fcntl64(int fd, int cmd, ...) {
  va_list list;
  va_start(list, cmd);
  const long arg = va_arg(list, long);
  va_end(list);
  return fcntl_call(fd, cmd, arg, __builtin_return_address(0));
}

int ioctl(int fd, unsigned long request, ...) noexcept {
  va_list list;
  va_start(list, request);
  void* arg = va_arg(list, void*);
  va_end(list);
  const Target t = target(fd);
  if (!t.file) return real::ioctl(fd, request, arg);
  return io_control(t, fd, request, arg, __builtin_return_address(0));
}

}  // extern "C"
