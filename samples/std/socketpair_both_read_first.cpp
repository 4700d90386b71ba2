// Both sides read first: a supervisor and its worker talk over a
// socketpair, and each waits for the other's greeting before sending its
// own. Neither sends: both block in read() for ever.
//
// Fix: one side (the supervisor) speaks first; the other answers.

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "std_samples.h"
#include "weft/assert.h"

namespace weft::samples::std_socketpair_both_read_first {

namespace {
struct Channel {
  Channel() { WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) == 0); }
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;
  ~Channel() {
    ::close(ends[0]);
    ::close(ends[1]);
  }
  int ends[2];
};

void expect_hello(int fd) {
  char buf[8];
  WEFT_ASSERT(::read(fd, buf, sizeof buf) == 5);
}
void hello(int fd) { WEFT_ASSERT(::write(fd, "hello", 5) == 5); }
}  // namespace

void buggy() {
  Channel c;
  std::thread worker([&] {
    expect_hello(c.ends[1]);
    hello(c.ends[1]);
  });
  expect_hello(c.ends[0]);  // the worker waits for this side too
  hello(c.ends[0]);
  worker.join();
}

void fixed() {
  Channel c;
  std::thread worker([&] {
    expect_hello(c.ends[1]);
    hello(c.ends[1]);
  });
  hello(c.ends[0]);
  expect_hello(c.ends[0]);
  worker.join();
}

}  // namespace weft::samples::std_socketpair_both_read_first
