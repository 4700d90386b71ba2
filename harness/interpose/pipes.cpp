// pipe and pipe2: a pipe made inside an execution is weft's, with its read
// and write ends as descriptors (endpoint.cpp reads and writes them).

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "descriptors.h"
#include "endpoint.h"
#include "io_report.h"
#include "real_io.h"

namespace weft::interpose {

namespace {
// PipeState is the per-execution state of one pipe: its data and its ends.
struct PipeState {
  explicit PipeState(ObjectRef ref)
      : flow(false, kPipeCapacity, 0),
        read_end(OpenFile::Type::PipeRead, ref, Endpoint::Kind::Pipe, 0),
        write_end(OpenFile::Type::PipeWrite, ref, Endpoint::Kind::Pipe, 0) {
    read_end.in = &flow;
    write_end.out = &flow;
    read_end.peer = &write_end;
    write_end.peer = &read_end;
    read_end.numbers = write_end.numbers = &numbers;
  }
  Flow flow;
  Endpoint read_end;
  Endpoint write_end;
  std::uint64_t numbers = 0;
};

int make_pipe(Execution& x, int* fds, int flags, const void* caller) {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return fail_errno(EINVAL);
  if (!fds) return fail_errno(EFAULT);
  if (flags & O_DIRECT) {
    misuse_at(x, "calls pipe2 with O_DIRECT: weft does not model packet-mode pipes", caller);
    leave_if_ending(x);  // after the message's temporaries are gone
    return fail_errno(EINVAL);
  }
  const sched::tsan::Unseen unseen;
  auto* p = x.arena().make<PipeState>(x.name_object(sched::ObjectKind::FdPipe));
  const bool cloexec = (flags & O_CLOEXEC) != 0;
  p->read_end.nonblocking = p->write_end.nonblocking = (flags & O_NONBLOCK) != 0;
  const int r = open_descriptor(x, p->read_end, cloexec);
  if (r < 0) return -1;
  const int w = open_descriptor(x, p->write_end, cloexec);
  if (w < 0) {
    const int error = errno;
    fd_table(x).close(r);
    return fail_errno(error);
  }
  fds[0] = r;
  fds[1] = w;
  return 0;
}
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int pipe(int fds[2]) noexcept {
  Execution* x = controlling();
  if (!x || from_sanitizer(__builtin_return_address(0))) return real::pipe(fds);
  return make_pipe(*x, fds, 0, __builtin_return_address(0));
}

int pipe2(int fds[2], int flags) noexcept {
  Execution* x = controlling();
  if (!x || from_sanitizer(__builtin_return_address(0))) return real::pipe2(fds, flags);
  return make_pipe(*x, fds, flags, __builtin_return_address(0));
}

}  // extern "C"
