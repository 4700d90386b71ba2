#include "foreign_fds.h"

#include <fcntl.h>

#include <cerrno>
#include <string>

#include "io_report.h"
#include "real_io.h"
#include "time_calls.h"

namespace weft::interpose {

bool foreign_blocks(int fd, short events, bool dontwait) noexcept {
  if (dontwait) return false;
  const int flags = real::fcntl(fd, F_GETFL);
  if (flags == -1 || (flags & O_NONBLOCK)) return false;
  pollfd p{fd, events, 0};
  return real::poll(&p, 1, 0) == 0;
}

int refuse_blocking(Execution& x, const char* name, int fd, const void* caller) noexcept {
  misuse_at(x,
            std::string("calls ") + name + " on fd " + std::to_string(fd) +
                ", which weft does not own (it was not made inside this execution), and nothing is ready on it: "
                "the call would block every weft thread, and weft cannot wait for what happens outside the test. "
                "Make the descriptor inside the execution, or make it non-blocking",
            caller);
  leave_if_ending(x);  // after the message's temporaries are gone
  errno = EAGAIN;
  return -1;
}

bool foreign_wait(Execution& x, bool ready, std::int64_t deadline, const char* name, int fd,
                  const void* caller) noexcept {
  if (ready || deadline <= x.now()) return true;
  if (deadline == sched::kNever) {
    refuse_blocking(x, name, fd, caller);
    return false;
  }
  sleep_until(x, deadline);
  return true;
}

int sample(pollfd* fds, nfds_t n) noexcept { return n ? real::poll(fds, n, 0) : 0; }

}  // namespace weft::interpose
