#pragma once
// What the interposed descriptor functions share: finding out whether a
// call is controlled and on whose descriptor, and moving bytes between the
// caller's buffers and weft's.

#include <sys/uio.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "fd_table.h"
#include "open_file.h"

namespace weft::interpose {

// Target is what a call on one descriptor number finds.
struct Target {
  Execution* x = nullptr;    // null: the call is not controlled (forward it)
  OpenFile* file = nullptr;  // null while x is set: a descriptor weft does not own
};

// target finds the execution that controls a call made now on `fd`, and
// the description weft made for `fd` in it.
inline Target target(int fd) noexcept {
  Execution* x = controlling();
  if (!x) return {};
  FdTable* fds = fds_of(*x);
  return {x, fds ? fds->find(fd) : nullptr};
}

// call makes the Call of a controlled call on one of weft's descriptors;
// `dontwait` adds MSG_DONTWAIT to the description's O_NONBLOCK.
inline Call call(Target t, int fd, const char* name, const void* caller, bool dontwait = false) noexcept {
  return Call{*t.x, fd, *t.file, name, caller, dontwait || t.file->nonblocking};
}

// valid_iov says whether an iovec array can be read: a null base only with
// a zero length (else EFAULT), a count in [0, IOV_MAX] (else EINVAL). It
// sets errno and returns false otherwise.
bool valid_iov(const iovec* iov, int count) noexcept;
// gather copies the bytes of `count` buffers into one string.
std::string gather(const iovec* iov, int count);
// capacity_of adds up the lengths of `count` buffers.
std::size_t capacity_of(const iovec* iov, int count) noexcept;
// scatter copies `bytes` into the buffers in order, as far as they reach.
void scatter(std::string_view bytes, const iovec* iov, int count) noexcept;

// receive is a controlled read(2)/readv/recv/recvmsg on weft's `fd`
// (t.file) into `count` buffers; `truncated` (may be null) is set when a
// message did not fit.
ssize_t receive(Target t, int fd, const char* name, const iovec* iov, int count, int flags, const void* caller,
                bool* truncated = nullptr);
// transmit is a controlled write(2)/writev/send/sendmsg on weft's `fd`.
ssize_t transmit(Target t, int fd, const char* name, const iovec* iov, int count, int flags, const void* caller);

}  // namespace weft::interpose
