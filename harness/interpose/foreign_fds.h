#pragma once
// Descriptors weft does not own (files, real sockets, stdin, anything made
// outside the execution): their calls go to the kernel, as they would
// without weft, except a call that would block. weft cannot wait for
// what happens outside the test, and a blocked call would stop every weft
// thread (they share one OS thread): it is reported as Misuse instead.

#include <poll.h>

#include "table.h"

namespace weft::interpose {

// foreign_blocks says whether a call on `fd` that waits for `events` would
// block now: `fd` is in blocking mode (and the call does not pass
// MSG_DONTWAIT) and a zero-timeout poll sees nothing on it (an invalid
// descriptor does not block: the kernel's call fails).
bool foreign_blocks(int fd, short events, bool dontwait) noexcept;

// refuse_blocking reports the Misuse of a call `name` that would block on
// `fd`, at the caller's line, and leaves the call; it returns -1 (EAGAIN)
// where the thread goes on (it is unwinding).
int refuse_blocking(Execution& x, const char* name, int fd, const void* caller) noexcept;

// foreign_wait is the wait of a poll, select or epoll_wait over
// descriptors weft does not own only, found not ready (`ready` false):
// until `deadline` on the virtual clock (a scheduling point), after which
// the caller polls them once more with a zero timeout; or, without a
// deadline, a Misuse (false: the call fails with EAGAIN).
bool foreign_wait(Execution& x, bool ready, std::int64_t deadline, const char* name, int fd,
                  const void* caller) noexcept;

// sample reports what a zero-timeout poll(2) sees on descriptors weft does
// not own: weft samples them when a poll, select or epoll_wait starts and
// when it returns; it does not watch them while the call waits.
int sample(pollfd* fds, nfds_t n) noexcept;

}  // namespace weft::interpose
