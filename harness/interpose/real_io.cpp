#include "real_io.h"

namespace weft::interpose::real {

constinit Real<ssize_t (*)(int, void*, size_t)> read{"read"};
constinit Real<ssize_t (*)(int, const void*, size_t)> write{"write"};
constinit Real<ssize_t (*)(int, const iovec*, int)> readv{"readv"};
constinit Real<ssize_t (*)(int, const iovec*, int)> writev{"writev"};
constinit Real<ssize_t (*)(int, void*, size_t, int)> recv{"recv"};
constinit Real<ssize_t (*)(int, const void*, size_t, int)> send{"send"};
constinit Real<ssize_t (*)(int, void*, size_t, int, sockaddr*, socklen_t*)> recvfrom{"recvfrom"};
constinit Real<ssize_t (*)(int, const void*, size_t, int, const sockaddr*, socklen_t)> sendto{"sendto"};
constinit Real<ssize_t (*)(int, msghdr*, int)> recvmsg{"recvmsg"};
constinit Real<ssize_t (*)(int, const msghdr*, int)> sendmsg{"sendmsg"};
constinit Real<int (*)(int)> close{"close"};
constinit Real<int (*)(int, int)> shutdown{"shutdown"};
constinit Real<int (*)(int)> dup{"dup"};
constinit Real<int (*)(int, int)> dup2{"dup2"};
constinit Real<int (*)(int, int, int)> dup3{"dup3"};
constinit Real<int (*)(int, int, ...)> fcntl{"fcntl"};
constinit Real<int (*)(int, unsigned long, ...)> ioctl{"ioctl"};
constinit Real<int (*)(int*)> pipe{"pipe"};
constinit Real<int (*)(int*, int)> pipe2{"pipe2"};
constinit Real<int (*)(int, int, int, int*)> socketpair{"socketpair"};
constinit Real<int (*)(unsigned, int)> eventfd{"eventfd"};
constinit Real<int (*)(pollfd*, nfds_t, int)> poll{"poll"};
constinit Real<int (*)(pollfd*, nfds_t, const timespec*, const sigset_t*)> ppoll{"ppoll"};
constinit Real<int (*)(int, fd_set*, fd_set*, fd_set*, timeval*)> select{"select"};
constinit Real<int (*)(int, fd_set*, fd_set*, fd_set*, const timespec*, const sigset_t*)> pselect{"pselect"};
constinit Real<int (*)(int)> epoll_create{"epoll_create"};
constinit Real<int (*)(int)> epoll_create1{"epoll_create1"};
constinit Real<int (*)(int, int, int, epoll_event*)> epoll_ctl{"epoll_ctl"};
constinit Real<int (*)(int, epoll_event*, int, int)> epoll_wait{"epoll_wait"};
constinit Real<int (*)(int, epoll_event*, int, int, const sigset_t*)> epoll_pwait{"epoll_pwait"};
constinit Real<pid_t (*)()> fork{"fork"};

namespace {
// Looked up before main: the crash handler writes its report with write()
// from a signal handler, and sanitizer runtimes may close descriptors from
// theirs; a first look-up there (dlsym) could wait for a lock forever.
[[gnu::constructor]] void resolve_before_main() noexcept {
  read.resolve();
  write.resolve();
  close.resolve();
  poll.resolve();
  fcntl.resolve();
}
}  // namespace

}  // namespace weft::interpose::real
