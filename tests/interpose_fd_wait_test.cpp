// interpose_fd_wait_test: poll, ppoll, select, pselect and epoll over the
// descriptors an execution made wait as scheduling points (on virtual time,
// with the timeout explored), report Linux's events, and, with epoll, keep
// Linux's level- and edge-triggered behaviour and its keying of an interest
// list by open file description.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <set>
#include <thread>

#include "interpose_fd_support.h"
#include "weft/weft.h"

namespace {

using fd_test::expect_ok;
using fd_test::quick;

TEST(InterposeFdWait, PollWaitsForTheWriter) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        std::thread writer([&] { WEFT_ASSERT(::write(p[1], "x", 1) == 1); });
        pollfd fds[1] = {{p[0], POLLIN, 0}};
        WEFT_ASSERT(::poll(fds, 1, -1) == 1);
        WEFT_ASSERT(fds[0].revents == POLLIN);
        writer.join();
        ::close(p[0]);
        ::close(p[1]);
      },
      quick()));
}

TEST(InterposeFdWait, PollTimeoutIsExploredOnVirtualTime) {
  // Whether the writer comes before a 10 ms timeout is a choice: both
  // outcomes occur, and no real time passes.
  std::set<int> results;
  expect_ok(weft::explore(
      [&] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        std::thread writer([&] { WEFT_ASSERT(::write(p[1], "x", 1) == 1); });
        pollfd fds[1] = {{p[0], POLLIN, 0}};
        const int n = ::poll(fds, 1, 10);
        WEFT_ASSERT(n == 0 || (n == 1 && fds[0].revents == POLLIN));
        results.insert(n);
        writer.join();
        ::close(p[0]);
        ::close(p[1]);
      },
      quick()));
  EXPECT_EQ(results, (std::set<int>{0, 1}));
}

TEST(InterposeFdWait, PollReportsHangUpAndError) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        ::close(p[1]);
        pollfd r[1] = {{p[0], POLLIN, 0}};
        WEFT_ASSERT(::poll(r, 1, 0) == 1 && r[0].revents == POLLHUP, "a pipe with no writer hangs up");
        int q[2];
        WEFT_ASSERT(::pipe(q) == 0);
        ::close(q[0]);
        pollfd w[2] = {{q[1], POLLOUT, 0}, {-1, POLLIN, 0}};
        WEFT_ASSERT(::poll(w, 2, 0) == 1 && w[0].revents == (POLLOUT | POLLERR), "no reader: an error");
        WEFT_ASSERT(w[1].revents == 0, "a negative descriptor is skipped");
        ::close(p[0]);
        ::close(q[1]);
      },
      quick(3)));
}

TEST(InterposeFdWait, SelectSeesAReadableSocketAndAWritablePipe) {
  expect_ok(weft::explore(
      [] {
        int s[2], p[2];
        WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
        WEFT_ASSERT(::pipe(p) == 0);
        std::thread peer([&] { WEFT_ASSERT(::send(s[1], "x", 1, 0) == 1); });
        fd_set in, out;
        FD_ZERO(&in);
        FD_ZERO(&out);
        FD_SET(s[0], &in);
        const int top = std::max(s[0], p[1]) + 1;
        WEFT_ASSERT(::select(top, &in, nullptr, nullptr, nullptr) == 1 && FD_ISSET(s[0], &in));
        FD_SET(p[1], &out);
        timespec zero{0, 0};
        WEFT_ASSERT(::pselect(top, nullptr, &out, nullptr, &zero, nullptr) == 1 && FD_ISSET(p[1], &out));
        peer.join();
        for (int fd : {s[0], s[1], p[0], p[1]}) ::close(fd);
      },
      quick()));
}

TEST(InterposeFdWait, EpollLevelTriggeredReportsUntilDrained) {
  expect_ok(weft::explore(
      [] {
        const int ep = ::epoll_create1(EPOLL_CLOEXEC);
        const int e = ::eventfd(0, EFD_NONBLOCK);
        epoll_event ev{EPOLLIN, {}};
        ev.data.fd = e;
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) == 0);
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) == -1 && errno == EEXIST);
        std::thread poster([&] { WEFT_ASSERT(::eventfd_write(e, 1) == 0); });
        epoll_event got[4];
        WEFT_ASSERT(::epoll_wait(ep, got, 4, -1) == 1 && got[0].data.fd == e && got[0].events == EPOLLIN);
        WEFT_ASSERT(::epoll_wait(ep, got, 4, 0) == 1, "level-triggered: still readable, still reported");
        eventfd_t v;
        WEFT_ASSERT(::eventfd_read(e, &v) == 0);
        WEFT_ASSERT(::epoll_wait(ep, got, 4, 0) == 0, "drained");
        poster.join();
        ::close(e);
        ::close(ep);
      },
      quick()));
}

TEST(InterposeFdWait, EpollEdgeTriggeredReportsEachArrivalOnce) {
  expect_ok(weft::explore(
      [] {
        const int ep = ::epoll_create1(0);
        int p[2];
        WEFT_ASSERT(::pipe2(p, O_NONBLOCK) == 0);
        epoll_event ev{EPOLLIN | EPOLLET, {}};
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
        WEFT_ASSERT(::write(p[1], "a", 1) == 1);
        epoll_event got[1];
        WEFT_ASSERT(::epoll_wait(ep, got, 1, 0) == 1);
        WEFT_ASSERT(::epoll_wait(ep, got, 1, 0) == 0, "no new edge: nothing, though data is there");
        WEFT_ASSERT(::write(p[1], "b", 1) == 1);
        WEFT_ASSERT(::epoll_wait(ep, got, 1, 0) == 1, "new data is a new edge");
        ::close(p[0]);
        ::close(p[1]);
        ::close(ep);
      },
      quick(3)));
}

TEST(InterposeFdWait, EpollOneShotNeedsRearming) {
  expect_ok(weft::explore(
      [] {
        const int ep = ::epoll_create(1);
        const int e = ::eventfd(1, 0);
        epoll_event ev{EPOLLIN | EPOLLONESHOT, {}};
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) == 0);
        epoll_event got[1];
        WEFT_ASSERT(::epoll_wait(ep, got, 1, 0) == 1);
        WEFT_ASSERT(::epoll_wait(ep, got, 1, 0) == 0, "disabled after its report");
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_MOD, e, &ev) == 0);
        WEFT_ASSERT(::epoll_wait(ep, got, 1, 0) == 1, "re-armed");
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_DEL, e, nullptr) == 0);
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_DEL, e, nullptr) == -1 && errno == ENOENT);
        ::close(e);
        ::close(ep);
      },
      quick(3)));
}

TEST(InterposeFdWait, EpollWatchesTheDescriptionNotTheNumber) {
  // dup, then close of the original number: the entry stays, since the
  // description is still open, and reports with the data it was added with.
  expect_ok(weft::explore(
      [] {
        const int ep = ::epoll_create1(0);
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        epoll_event ev{EPOLLIN, {}};
        ev.data.u64 = 77;
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0);
        const int copy = ::dup(p[0]);
        ::close(p[0]);
        std::thread writer([&] { WEFT_ASSERT(::write(p[1], "x", 1) == 1); });
        epoll_event got[1];
        WEFT_ASSERT(::epoll_wait(ep, got, 1, -1) == 1 && got[0].data.u64 == 77);
        writer.join();
        ::close(copy);
        WEFT_ASSERT(::epoll_wait(ep, got, 1, 0) == 0, "the last descriptor closed: the entry is gone");
        ::close(p[1]);
        ::close(ep);
      },
      quick()));
}

TEST(InterposeFdWait, EpollWaitTimeoutIsExplored) {
  std::set<int> results;
  expect_ok(weft::explore(
      [&] {
        const int ep = ::epoll_create1(0);
        const int e = ::eventfd(0, 0);
        epoll_event ev{EPOLLIN, {}};
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) == 0);
        std::thread poster([&] { WEFT_ASSERT(::eventfd_write(e, 1) == 0); });
        epoll_event got[1];
        results.insert(::epoll_wait(ep, got, 1, 5));
        poster.join();
        ::close(e);
        ::close(ep);
      },
      quick()));
  EXPECT_EQ(results, (std::set<int>{0, 1}));
}

// Null arrays the compiler cannot see, so that it does not warn of them.
epoll_event* volatile no_events = nullptr;
pollfd* volatile no_fds = nullptr;

TEST(InterposeFdWait, EpollBadInputGetsLinuxErrors) {
  expect_ok(weft::explore(
      [] {
        WEFT_ASSERT(::epoll_create(0) == -1 && errno == EINVAL);
        WEFT_ASSERT(::epoll_create1(0x1) == -1 && errno == EINVAL);
        const int ep = ::epoll_create1(0);
        const int e = ::eventfd(0, 0);
        epoll_event ev{EPOLLIN, {}};
        epoll_event got[1];
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev) == -1 && errno == EINVAL);
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, 9999, &ev) == -1 && errno == EBADF);
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, e, nullptr) == -1 && errno == EFAULT);
        WEFT_ASSERT(::epoll_ctl(ep, 99, e, &ev) == -1 && errno == EINVAL);
        WEFT_ASSERT(::epoll_ctl(e, EPOLL_CTL_ADD, ep, &ev) == -1 && errno == EINVAL, "not an epoll instance");
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_MOD, e, &ev) == -1 && errno == ENOENT);
        WEFT_ASSERT(::epoll_wait(ep, got, 0, 0) == -1 && errno == EINVAL);
        WEFT_ASSERT(::epoll_wait(ep, no_events, 1, 0) == -1 && errno == EFAULT);
        WEFT_ASSERT(::epoll_wait(e, got, 1, 0) == -1 && errno == EINVAL);
        WEFT_ASSERT(::poll(no_fds, 1, 0) == -1 && errno == EFAULT);
        timeval bad{0, 2'000'000};
        WEFT_ASSERT(::select(1, nullptr, nullptr, nullptr, &bad) == -1 && errno == EINVAL);
        ::close(e);
        ::close(ep);
      },
      quick(3)));
}

}  // namespace
