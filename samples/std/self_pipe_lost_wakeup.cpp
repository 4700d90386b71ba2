// Lost self-pipe wake-up: an event loop sleeps in poll() on the read end
// of a pipe, and whoever gives it work sets a flag and writes a byte to
// the pipe to wake it. The loop checks the flag, then drains the pipe,
// then polls. If the work arrives between the check and the drain, the
// drain eats its wake-up byte and the loop sleeps with the work pending,
// for ever.
//
// Fix: drain the pipe first, then check the flag: a wake-up that comes
// after the drain stays in the pipe for the next poll.

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "std_samples.h"
#include "weft/assert.h"

namespace weft::samples::std_self_pipe_lost_wakeup {

namespace {
struct Loop {
  Loop() { WEFT_ASSERT(::pipe2(wake, O_NONBLOCK | O_CLOEXEC) == 0); }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  ~Loop() {
    ::close(wake[0]);
    ::close(wake[1]);
  }

  // drain reads every wake-up byte there is.
  void drain() const {
    char buf[16];
    while (::read(wake[0], buf, sizeof buf) > 0) {
    }
  }
  void sleep() const {
    pollfd p{wake[0], POLLIN, 0};
    WEFT_ASSERT(::poll(&p, 1, -1) == 1);
  }
  void post() {
    {
      const std::lock_guard<std::mutex> hold(m);
      work = true;
    }
    WEFT_ASSERT(::write(wake[1], "!", 1) == 1);
  }
  // take_work says whether work was posted, and takes it.
  bool take_work() {
    const std::lock_guard<std::mutex> hold(m);
    const bool posted = work;
    work = false;
    return posted;
  }

  int wake[2];
  std::mutex m;
  bool work = false;
};
}  // namespace

void buggy() {
  Loop loop;
  std::thread runner([&] {
    for (;;) {
      if (loop.take_work()) return;
      loop.drain();  // may eat the wake-up of work posted since the check
      loop.sleep();
    }
  });
  loop.post();
  runner.join();
}

void fixed() {
  Loop loop;
  std::thread runner([&] {
    for (;;) {
      loop.drain();
      if (loop.take_work()) return;
      loop.sleep();
    }
  });
  loop.post();
  runner.join();
}

}  // namespace weft::samples::std_self_pipe_lost_wakeup
