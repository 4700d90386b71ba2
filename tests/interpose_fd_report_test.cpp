// interpose_fd_report_test: what weft reports of descriptor code. A
// deadlock names the descriptors its threads wait on; a write happens
// before the read (or the poll or epoll report) that sees it, so code
// ordered by a pipe or an eventfd has no race, and code that is not has
// one; descriptors weft does not own pass through, and a call that would
// block on one, and fork, are Misuse at the caller's line.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <thread>

#include "interpose_fd_support.h"
#include "weft/weft.h"

namespace {

using fd_test::expect_failure;
using fd_test::expect_ok;
using fd_test::quick;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- deadlocks name their descriptors ----

TEST(InterposeFdReport, DeadlockNamesThePipeAndTheSocket) {
  const weft::Failure f = expect_failure(weft::explore(
                                             [] {
                                               int p[2], s[2];
                                               WEFT_ASSERT(::pipe(p) == 0);
                                               WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
                                               std::thread other([&] {
                                                 char c;
                                                 (void)!::read(s[1], &c, 1);
                                                 (void)!::write(p[1], "x", 1);
                                               });
                                               char c;
                                               (void)!::read(p[0], &c, 1);
                                               (void)!::write(s[0], "x", 1);
                                               other.join();
                                             },
                                             quick(5)),
                                         weft::FailureKind::Deadlock);
  const std::string text = f.to_string();
  EXPECT_TRUE(contains(text, "waits in pipe.read on pipe#1 (fd ")) << text;
  EXPECT_TRUE(contains(text, ", read end)")) << text;
  EXPECT_TRUE(contains(text, "waits in socketpair.read on socketpair#1 (fd ")) << text;
}

TEST(InterposeFdReport, DeadlockInPollAndEpollNamesWhatTheyWatch) {
  const weft::Failure f = expect_failure(weft::explore(
                                             [] {
                                               int p[2];
                                               WEFT_ASSERT(::pipe(p) == 0);
                                               const int ep = ::epoll_create1(0);
                                               const int e = ::eventfd(0, 0);
                                               epoll_event ev{EPOLLIN, {}};
                                               WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) == 0);
                                               std::thread other([&] {
                                                 epoll_event got[1];
                                                 (void)::epoll_wait(ep, got, 1, -1);
                                               });
                                               pollfd fds[1] = {{p[0], POLLIN, 0}};
                                               (void)::poll(fds, 1, -1);
                                               other.join();
                                             },
                                             quick(5)),
                                         weft::FailureKind::Deadlock);
  const std::string text = f.to_string();
  EXPECT_TRUE(contains(text, "(poll for fd ")) << text;
  EXPECT_TRUE(contains(text, "(pipe#1 read end)")) << text;
  EXPECT_TRUE(contains(text, "epoll.wait on epoll#1 (fd ")) << text;
}

// ---- happens-before through descriptors ----

TEST(InterposeFdReport, PipeWriteHappensBeforeTheReadOfItsBytes) {
  // Two writers each publish a value and write a byte; the reader reads
  // both bytes (in one read or two) and uses both values: no race.
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        weft::var<int> a{0}, b{0};
        std::thread first([&] {
          a = 1;
          WEFT_ASSERT(::write(p[1], "a", 1) == 1);
        });
        std::thread second([&] {
          b = 2;
          WEFT_ASSERT(::write(p[1], "b", 1) == 1);
        });
        char buf[2];
        std::size_t got = 0;
        while (got < 2) got += static_cast<std::size_t>(::read(p[0], buf, 2 - got));
        WEFT_ASSERT(a + b == 3);
        first.join();
        second.join();
        ::close(p[0]);
        ::close(p[1]);
      },
      quick(1000)));
}

TEST(InterposeFdReport, EventfdWriteHappensBeforeTheReadThatSeesIt) {
  expect_ok(weft::explore(
      [] {
        const int e = ::eventfd(0, 0);
        weft::var<int> data{0};
        std::thread poster([&] {
          data = 42;
          WEFT_ASSERT(::eventfd_write(e, 1) == 0);
        });
        eventfd_t v;
        WEFT_ASSERT(::eventfd_read(e, &v) == 0);
        WEFT_ASSERT(data == 42);
        poster.join();
        ::close(e);
      },
      quick()));
}

TEST(InterposeFdReport, PollAndEpollReadinessCarryTheWritersEdge) {
  // The reader learns of the data from poll, then epoll, and uses what the
  // writer published without reading the descriptor.
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        const int e = ::eventfd(0, 0);
        const int ep = ::epoll_create1(0);
        epoll_event ev{EPOLLIN, {}};
        WEFT_ASSERT(::epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) == 0);
        weft::var<int> first{0}, second{0};
        std::thread writer([&] {
          first = 1;
          WEFT_ASSERT(::write(p[1], "x", 1) == 1);
          second = 2;
          WEFT_ASSERT(::eventfd_write(e, 1) == 0);
        });
        pollfd fds[1] = {{p[0], POLLIN, 0}};
        WEFT_ASSERT(::poll(fds, 1, -1) == 1);
        WEFT_ASSERT(first == 1);
        epoll_event got[1];
        WEFT_ASSERT(::epoll_wait(ep, got, 1, -1) == 1);
        WEFT_ASSERT(second == 2);
        writer.join();
      },
      quick()));
}

TEST(InterposeFdReport, DataSeenWithoutTheDescriptorIsARace) {
  // A non-blocking read that finds nothing orders nothing: the value is
  // read unordered with its write.
  expect_failure(weft::explore(
                     [] {
                       int p[2];
                       WEFT_ASSERT(::pipe2(p, O_NONBLOCK) == 0);
                       weft::var<int> data{0};
                       std::thread writer([&] {
                         data = 1;
                         WEFT_ASSERT(::write(p[1], "x", 1) == 1);
                       });
                       char c;
                       (void)!::read(p[0], &c, 1);
                       (void)static_cast<int>(data);
                       writer.join();
                     },
                     quick(1000)),
                 weft::FailureKind::DataRace);
}

// ---- descriptors weft does not own ----

// OutsidePipe is a real pipe made before the execution.
struct OutsidePipe {
  OutsidePipe() { EXPECT_EQ(::pipe(fds), 0); }
  OutsidePipe(const OutsidePipe&) = delete;
  OutsidePipe& operator=(const OutsidePipe&) = delete;
  ~OutsidePipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int fds[2];
};

TEST(InterposeFdReport, ForeignDescriptorsPassThroughWhenTheyDoNotBlock) {
  OutsidePipe outside;
  expect_ok(weft::explore(
      [&] {
        WEFT_ASSERT(::write(outside.fds[1], "ab", 2) == 2);
        char buf[2];
        WEFT_ASSERT(::read(outside.fds[0], buf, 1) == 1 && buf[0] == 'a');
        WEFT_ASSERT(::read(outside.fds[0], buf, 1) == 1 && buf[0] == 'b');
        pollfd fds[1] = {{outside.fds[0], POLLIN, 0}};
        WEFT_ASSERT(::poll(fds, 1, 5) == 0, "nothing there: the timeout passes on the virtual clock");
      },
      quick(3)));
}

TEST(InterposeFdReport, BlockingOnAForeignDescriptorIsMisuse) {
  OutsidePipe outside;
  const weft::Failure f = expect_failure(weft::explore(
                                             [&] {
                                               char c;
                                               (void)!::read(outside.fds[0], &c, 1);
                                             },
                                             quick(3)),
                                         weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "calls read on fd " + std::to_string(outside.fds[0]))) << f;
  EXPECT_TRUE(contains(f.message, "which weft does not own")) << f;
}

TEST(InterposeFdReport, PollForeverOnAForeignDescriptorIsMisuse) {
  OutsidePipe outside;
  const weft::Failure f = expect_failure(weft::explore(
                                             [&] {
                                               pollfd fds[1] = {{outside.fds[0], POLLIN, 0}};
                                               (void)::poll(fds, 1, -1);
                                             },
                                             quick(3)),
                                         weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "calls poll on fd " + std::to_string(outside.fds[0]))) << f;
}

// ---- fork ----

TEST(InterposeFdReport, ForkIsMisuseAtItsLine) {
  const weft::Failure f = expect_failure(weft::explore(
                                             [] {
                                               const pid_t child = ::fork();
                                               WEFT_ASSERT(false, "not reached: " + std::to_string(child));
                                             },
                                             quick(3)),
                                         weft::FailureKind::Misuse);
  EXPECT_TRUE(contains(f.message, "calls fork")) << f;
  EXPECT_TRUE(contains(f.to_string(), "interpose_fd_report_test.cpp")) << f;
}

TEST(InterposeFdReport, ForkOutsideAnExecutionIsTheLibrarys) {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(7);
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

}  // namespace
