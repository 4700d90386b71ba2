// interpose_fd_test: pipes, socketpairs and eventfds made inside an
// execution are weft's: their reads and writes are scheduling points with
// Linux's semantics (blocking, EOF, EPIPE and SIGPIPE, capacity, short and
// split writes, datagram boundaries), and bad input gets Linux's errno.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <thread>

#include "interpose_fd_support.h"
#include "weft/weft.h"

namespace {

using fd_test::expect_failure;
using fd_test::expect_ok;
using fd_test::quick;

// read_all reads until `n` bytes came or end of file.
std::string read_all(int fd, std::size_t n) {
  std::string out;
  char buf[256];
  while (out.size() < n) {
    const ssize_t r = ::read(fd, buf, std::min(sizeof buf, n - out.size()));
    if (r <= 0) break;
    out.append(buf, static_cast<std::size_t>(r));
  }
  return out;
}

// SigpipeAction sets SIGPIPE's action for a scope.
class SigpipeAction {
 public:
  explicit SigpipeAction(void (*handler)(int)) { old_ = ::signal(SIGPIPE, handler); }
  SigpipeAction(const SigpipeAction&) = delete;
  SigpipeAction& operator=(const SigpipeAction&) = delete;
  ~SigpipeAction() { ::signal(SIGPIPE, old_); }

 private:
  void (*old_)(int);
};

TEST(InterposeFd, PipeCarriesBytesBetweenThreads) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        std::thread writer([&] {
          WEFT_ASSERT(::write(p[1], "hello", 5) == 5);
          WEFT_ASSERT(::close(p[1]) == 0);
        });
        WEFT_ASSERT(read_all(p[0], 100) == "hello");
        char c;
        WEFT_ASSERT(::read(p[0], &c, 1) == 0, "end of file once the writer closed");
        writer.join();
        ::close(p[0]);
      },
      quick()));
}

TEST(InterposeFd, BlockedReaderWaitsForTheWriter) {
  // The reader runs first in some executions: it must wait (not fail with
  // EAGAIN, not hang the process), and always get the byte.
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        std::thread reader([&] {
          char c = 0;
          WEFT_ASSERT(::read(p[0], &c, 1) == 1 && c == 'x');
        });
        WEFT_ASSERT(::write(p[1], "x", 1) == 1);
        reader.join();
        ::close(p[0]);
        ::close(p[1]);
      },
      quick()));
}

TEST(InterposeFd, NonBlockingReadOfAnEmptyPipeIsEagain) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
        char c;
        WEFT_ASSERT(::read(p[0], &c, 1) == -1 && errno == EAGAIN);
        WEFT_ASSERT((::fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
        WEFT_ASSERT(::fcntl(p[0], F_GETFD) == FD_CLOEXEC);
        WEFT_ASSERT(::fcntl(p[0], F_SETFL, 0) == 0);
        WEFT_ASSERT((::fcntl(p[0], F_GETFL) & O_NONBLOCK) == 0);
        ::close(p[0]);
        ::close(p[1]);
      },
      quick(10)));
}

TEST(InterposeFd, PipeHolds64KiB) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe2(p, O_NONBLOCK) == 0);
        WEFT_ASSERT(::fcntl(p[1], F_GETPIPE_SZ) == 65536);
        static char block[4096];
        std::size_t total = 0;
        for (;;) {
          const ssize_t n = ::write(p[1], block, sizeof block);
          if (n < 0) break;
          total += static_cast<std::size_t>(n);
        }
        WEFT_ASSERT(errno == EAGAIN);
        WEFT_ASSERT(total == 65536, "the pipe took " + std::to_string(total) + " bytes");
        int queued = 0;
        WEFT_ASSERT(::ioctl(p[0], FIONREAD, &queued) == 0 && queued == 65536);
        ::close(p[0]);
        ::close(p[1]);
      },
      quick(5)));
}

TEST(InterposeFd, FullPipeBlocksItsWriterUntilRead) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        static char big[100000];
        std::thread writer([&] {
          WEFT_ASSERT(::write(p[1], big, sizeof big) == static_cast<ssize_t>(sizeof big));
          ::close(p[1]);
        });
        WEFT_ASSERT(read_all(p[0], sizeof big + 1).size() == sizeof big);
        writer.join();
        ::close(p[0]);
      },
      quick(100)));
}

TEST(InterposeFd, WriteWithNoReaderIsEpipeWhenSigpipeIsIgnored) {
  const SigpipeAction ignore(SIG_IGN);
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        ::close(p[0]);
        WEFT_ASSERT(::write(p[1], "x", 1) == -1 && errno == EPIPE);
        ::close(p[1]);
      },
      quick(5)));
}

int sigpipes = 0;
void count_sigpipe(int) { ++sigpipes; }

TEST(InterposeFd, WriteWithNoReaderRunsTheSigpipeHandler) {
  const SigpipeAction handle(&count_sigpipe);
  sigpipes = 0;
  expect_ok(weft::explore(
      [] {
        int s[2];
        WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
        ::close(s[1]);
        WEFT_ASSERT(::send(s[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE);
        WEFT_ASSERT(::write(s[0], "x", 1) == -1 && errno == EPIPE);
        ::close(s[0]);
      },
      quick(3)));
  EXPECT_EQ(sigpipes, 3) << "one SIGPIPE per execution, none for MSG_NOSIGNAL";
}

TEST(InterposeFd, DefaultSigpipeEndsTheExecutionAsACrash) {
  const SigpipeAction by_default(SIG_DFL);
  const weft::Failure f = expect_failure(weft::explore(
                                             [] {
                                               int p[2];
                                               WEFT_ASSERT(::pipe(p) == 0);
                                               ::close(p[0]);
                                               (void)!::write(p[1], "x", 1);
                                               WEFT_ASSERT(false, "not reached");
                                             },
                                             quick(5)),
                                         weft::FailureKind::Crash);
  EXPECT_NE(f.message.find("SIGPIPE"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("pipe#1 write end"), std::string::npos) << f.message;
}

TEST(InterposeFd, StreamWritesMaySplitInTwoPieces) {
  // A reader of a 6-byte write sees it whole in some executions and in
  // two pieces in others, never in more.
  std::set<std::size_t> first_reads;
  expect_ok(weft::explore(
      [&] {
        int s[2];
        WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
        std::thread writer([&] { WEFT_ASSERT(::write(s[0], "abcdef", 6) == 6); });
        char buf[16];
        const ssize_t n = ::read(s[1], buf, sizeof buf);
        WEFT_ASSERT(n >= 1 && n <= 6);
        first_reads.insert(static_cast<std::size_t>(n));
        std::string got(buf, static_cast<std::size_t>(n));
        if (n < 6) got += read_all(s[1], static_cast<std::size_t>(6 - n));
        WEFT_ASSERT(got == "abcdef");
        writer.join();
        ::close(s[0]);
        ::close(s[1]);
      },
      quick(500)));
  EXPECT_TRUE(first_reads.count(6));
  EXPECT_GT(first_reads.size(), 2u) << "partial reads of several lengths";
}

// reads_of_one_write counts the reads a reader needs for one 6-byte
// stream write.
int reads_of_one_write() {
  int s[2];
  WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
  std::thread writer([&] { WEFT_ASSERT(::write(s[0], "abcdef", 6) == 6); });
  int reads = 0;
  std::size_t got = 0;
  while (got < 6) {
    char buf[16];
    const ssize_t n = ::read(s[1], buf, sizeof buf);
    WEFT_ASSERT(n > 0);
    got += static_cast<std::size_t>(n);
    ++reads;
  }
  writer.join();
  ::close(s[0]);
  ::close(s[1]);
  return reads;
}

TEST(InterposeFd, StreamPiecesBoundsTheSplits) {
  for (const std::uint32_t pieces : {1u, 2u, 3u}) {
    int most = 0;
    expect_ok(weft::explore([&] { most = std::max(most, reads_of_one_write()); },
                            quick(500).stream_pieces(pieces)));
    EXPECT_EQ(most, static_cast<int>(pieces)) << "stream_pieces(" << pieces << ")";
  }
}

TEST(InterposeFd, TokenCarriesStreamPieces) {
  auto body = [] { WEFT_ASSERT(reads_of_one_write() < 3, "three pieces"); };
  const weft::Report found = weft::explore(body, quick(2000).stream_pieces(3));
  ASSERT_FALSE(found.ok());
  const weft::Report again = weft::replay(found.failure->token, body);
  ASSERT_FALSE(again.ok()) << "the replay did not split the write in three";
  EXPECT_EQ(again.failure->message, found.failure->message);
  EXPECT_TRUE(again.failure->trace == found.failure->trace);
}

TEST(InterposeFd, SmallPipeWritesAreAtomic) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        std::thread writer([&] { WEFT_ASSERT(::write(p[1], "abcdef", 6) == 6); });
        char buf[16];
        WEFT_ASSERT(::read(p[0], buf, sizeof buf) == 6, "a write of at most PIPE_BUF bytes is read whole");
        writer.join();
        ::close(p[0]);
        ::close(p[1]);
      },
      quick(300)));
}

TEST(InterposeFd, DatagramsKeepTheirBoundaries) {
  expect_ok(weft::explore(
      [] {
        int s[2];
        WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_DGRAM, 0, s) == 0);
        std::thread writer([&] {
          WEFT_ASSERT(::send(s[0], "one", 3, 0) == 3);
          WEFT_ASSERT(::send(s[0], "three", 5, 0) == 5);
          WEFT_ASSERT(::send(s[0], "", 0, 0) == 0);
        });
        char buf[16];
        WEFT_ASSERT(::recv(s[1], buf, sizeof buf, 0) == 3);
        WEFT_ASSERT(::recv(s[1], buf, 2, MSG_TRUNC) == 5, "MSG_TRUNC gives the whole length");
        WEFT_ASSERT(std::memcmp(buf, "th", 2) == 0);
        WEFT_ASSERT(::recv(s[1], buf, sizeof buf, 0) == 0, "an empty datagram");
        writer.join();
        ::close(s[0]);
        ::close(s[1]);
      },
      quick()));
}

TEST(InterposeFd, RecvmsgReportsTruncation) {
  expect_ok(weft::explore(
      [] {
        int s[2];
        WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_SEQPACKET, 0, s) == 0);
        WEFT_ASSERT(::send(s[0], "hello", 5, 0) == 5);
        char a[2], b[1];
        iovec iov[2] = {{a, sizeof a}, {b, sizeof b}};
        msghdr m{};
        m.msg_iov = iov;
        m.msg_iovlen = 2;
        WEFT_ASSERT(::recvmsg(s[1], &m, 0) == 3);
        WEFT_ASSERT((m.msg_flags & MSG_TRUNC) != 0);
        WEFT_ASSERT(std::memcmp(a, "he", 2) == 0 && b[0] == 'l');
        ::close(s[1]);
        WEFT_ASSERT(::send(s[0], "x", 1, 0) == -1 && errno == EPIPE, "seqpacket: EPIPE, and no SIGPIPE");
        ::close(s[0]);
      },
      quick(5)));
}

TEST(InterposeFd, ShutdownEndsOneDirection) {
  expect_ok(weft::explore(
      [] {
        int s[2];
        WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
        std::thread peer([&] {
          WEFT_ASSERT(read_all(s[1], 100) == "request");
          WEFT_ASSERT(::write(s[1], "reply", 5) == 5);
          ::close(s[1]);
        });
        WEFT_ASSERT(::write(s[0], "request", 7) == 7);
        WEFT_ASSERT(::shutdown(s[0], SHUT_WR) == 0);
        WEFT_ASSERT(read_all(s[0], 100) == "reply");
        peer.join();
        ::close(s[0]);
      },
      quick()));
}

TEST(InterposeFd, EventfdCountsAndWakes) {
  expect_ok(weft::explore(
      [] {
        const int e = ::eventfd(0, 0);
        WEFT_ASSERT(e >= 0);
        std::thread poster([&] {
          eventfd_t one = 1;
          WEFT_ASSERT(::write(e, &one, sizeof one) == 8);
          WEFT_ASSERT(::eventfd_write(e, 2) == 0);
        });
        std::uint64_t total = 0;
        while (total < 3) {
          eventfd_t v = 0;
          WEFT_ASSERT(::eventfd_read(e, &v) == 0 && v >= 1);
          total += v;
        }
        WEFT_ASSERT(total == 3);
        poster.join();
        ::close(e);
      },
      quick()));
}

TEST(InterposeFd, EventfdSemaphoreModeTakesOne) {
  expect_ok(weft::explore(
      [] {
        const int e = ::eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
        eventfd_t v = 0;
        WEFT_ASSERT(::eventfd_read(e, &v) == 0 && v == 1);
        WEFT_ASSERT(::eventfd_read(e, &v) == 0 && v == 1);
        WEFT_ASSERT(::eventfd_read(e, &v) == -1 && errno == EAGAIN);
        std::uint32_t small = 1;
        WEFT_ASSERT(::write(e, &small, sizeof small) == -1 && errno == EINVAL);
        eventfd_t too_much = ~eventfd_t{0};
        WEFT_ASSERT(::write(e, &too_much, sizeof too_much) == -1 && errno == EINVAL);
        ::close(e);
      },
      quick(5)));
}

TEST(InterposeFd, DupSharesTheDescription) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        const int copy = ::dup(p[1]);
        WEFT_ASSERT(copy > p[1]);
        WEFT_ASSERT(::fcntl(copy, F_SETFL, O_NONBLOCK) == 0);
        WEFT_ASSERT((::fcntl(p[1], F_GETFL) & O_NONBLOCK) != 0, "status flags belong to the description");
        ::close(p[1]);
        WEFT_ASSERT(::write(copy, "x", 1) == 1, "the dup keeps the write end open");
        ::close(copy);
        char buf[2];
        WEFT_ASSERT(::read(p[0], buf, 2) == 1);
        WEFT_ASSERT(::read(p[0], buf, 2) == 0, "end of file after the last write descriptor closed");
        const int moved = ::dup2(p[0], 100);
        WEFT_ASSERT(moved == 100);
        WEFT_ASSERT(::dup3(100, 100, 0) == -1 && errno == EINVAL);
        WEFT_ASSERT(::dup2(100, 100) == 100);
        ::close(p[0]);
        ::close(100);
      },
      quick(5)));
}

// Bad arguments the compiler cannot see, so that it does not warn of them.
void* volatile no_buffer = nullptr;
volatile int minus_one = -1;

TEST(InterposeFd, BadInputGetsLinuxErrors) {
  expect_ok(weft::explore(
      [] {
        char c;
        WEFT_ASSERT(::read(-1, &c, 1) == -1 && errno == EBADF);
        int p[2];
        WEFT_ASSERT(::pipe2(p, 0x1) == -1 && errno == EINVAL);
        WEFT_ASSERT(::pipe(nullptr) == -1 && errno == EFAULT);
        WEFT_ASSERT(::pipe(p) == 0);
        WEFT_ASSERT(::write(p[1], no_buffer, 4) == -1 && errno == EFAULT);
        WEFT_ASSERT(::read(p[0], nullptr, 0) == 0);
        WEFT_ASSERT(::read(p[1], &c, 1) == -1 && errno == EBADF, "the write end cannot be read");
        WEFT_ASSERT(::write(p[0], "x", 1) == -1 && errno == EBADF, "the read end cannot be written");
        WEFT_ASSERT(::send(p[1], "x", 1, 0) == -1 && errno == ENOTSOCK);
        WEFT_ASSERT(::fcntl(p[0], 9999) == -1 && errno == EINVAL);
        WEFT_ASSERT(::ioctl(p[0], 0x5401 /* TCGETS */, nullptr) == -1 && errno == ENOTTY);
        iovec bad{nullptr, 3};
        WEFT_ASSERT(::writev(p[1], &bad, 1) == -1 && errno == EFAULT);
        WEFT_ASSERT(::writev(p[1], &bad, minus_one) == -1 && errno == EINVAL);
        ::close(p[0]);
        WEFT_ASSERT(::read(p[0], &c, 1) == -1 && errno == EBADF, "a closed descriptor");
        WEFT_ASSERT(::close(p[0]) == -1 && errno == EBADF);
        ::close(p[1]);
        int s[2];
        WEFT_ASSERT(::socketpair(AF_UNIX, 77, 0, s) == -1 && errno == EINVAL);
        WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, nullptr) == -1 && errno == EFAULT);
        WEFT_ASSERT(::eventfd(0, 0x4) == -1 && errno == EINVAL);
        WEFT_ASSERT(::dup(12345) == -1 && errno == EBADF);
      },
      quick(3)));
}

TEST(InterposeFd, RealDescriptorNumbersNeverCollide) {
  expect_ok(weft::explore(
      [] {
        int p[2];
        WEFT_ASSERT(::pipe(p) == 0);
        const int file = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        WEFT_ASSERT(file >= 0 && file != p[0] && file != p[1]);
        char c;
        WEFT_ASSERT(::read(file, &c, 1) == 0, "the file is the kernel's");
        ::close(file);
        ::close(p[0]);
        ::close(p[1]);
      },
      quick(5)));
}

TEST(InterposeFd, ManyExecutionsThatNeverCloseLeakNoDescriptors) {
  expect_ok(weft::explore(
      [] {
        int p[2], s[2];
        WEFT_ASSERT(::pipe(p) == 0, std::string("pipe: ") + std::strerror(errno));
        WEFT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
        WEFT_ASSERT(::eventfd(0, 0) >= 0);
        WEFT_ASSERT(::write(p[1], "x", 1) == 1);
      },
      weft::Options{}.iterations(100000)));
}

}  // namespace
