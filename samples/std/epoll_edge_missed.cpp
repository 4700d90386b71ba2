// Missed edge: an event loop hands jobs to a worker thread, and the worker
// reports each one done by writing a byte to a pipe the loop watches with
// edge-triggered epoll. The loop reads one byte per wake-up. When both
// jobs finish before the loop waits, their two bytes make one edge: the
// loop reads one, waits again, and nothing ever wakes it for the second.
//
// Fix: after an edge-triggered wake-up, read until EAGAIN.

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "std_samples.h"
#include "weft/assert.h"

namespace weft::samples::std_epoll_edge_missed {

namespace {
constexpr int kJobs = 2;

struct EventLoop {
  EventLoop() {
    WEFT_ASSERT(::pipe2(done, O_NONBLOCK | O_CLOEXEC) == 0);
    epoll = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event watch{EPOLLIN | EPOLLET, {}};
    WEFT_ASSERT(::epoll_ctl(epoll, EPOLL_CTL_ADD, done[0], &watch) == 0);
  }
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop() {
    ::close(epoll);
    ::close(done[0]);
    ::close(done[1]);
  }

  void wait() const {
    epoll_event got[1];
    WEFT_ASSERT(::epoll_wait(epoll, got, 1, -1) == 1);
  }
  // worker runs the jobs and reports each one done.
  void worker() {
    for (int i = 0; i < kJobs; ++i) {
      {
        const std::lock_guard<std::mutex> hold(m);
        ++results;
      }
      WEFT_ASSERT(::write(done[1], "d", 1) == 1);
    }
  }

  int done[2];
  int epoll;
  std::mutex m;
  int results = 0;
};
}  // namespace

void buggy() {
  EventLoop loop;
  std::thread worker([&] { loop.worker(); });
  int finished = 0;
  while (finished < kJobs) {
    loop.wait();
    char c;
    if (::read(loop.done[0], &c, 1) == 1) ++finished;  // one byte per edge
  }
  worker.join();
}

void fixed() {
  EventLoop loop;
  std::thread worker([&] { loop.worker(); });
  int finished = 0;
  while (finished < kJobs) {
    loop.wait();
    char buf[kJobs];
    ssize_t n;
    while ((n = ::read(loop.done[0], buf, sizeof buf)) > 0) finished += static_cast<int>(n);
  }
  worker.join();
}

}  // namespace weft::samples::std_epoll_edge_missed
