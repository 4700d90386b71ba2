#pragma once
// The real descriptor functions, for calls weft does not control (outside
// an execution, or on descriptors weft does not own) and for weft's own
// reservations of descriptor numbers. They are all looked up before main
// (real_io.cpp): `write` and `close` are called from signal handlers (the
// crash handler's report), where a first look-up could take a lock.

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "forwarding.h"

namespace weft::interpose::real {

extern constinit Real<ssize_t (*)(int, void*, size_t)> read;
extern constinit Real<ssize_t (*)(int, const void*, size_t)> write;
extern constinit Real<ssize_t (*)(int, const iovec*, int)> readv;
extern constinit Real<ssize_t (*)(int, const iovec*, int)> writev;
extern constinit Real<ssize_t (*)(int, void*, size_t, int)> recv;
extern constinit Real<ssize_t (*)(int, const void*, size_t, int)> send;
extern constinit Real<ssize_t (*)(int, void*, size_t, int, sockaddr*, socklen_t*)> recvfrom;
extern constinit Real<ssize_t (*)(int, const void*, size_t, int, const sockaddr*, socklen_t)> sendto;
extern constinit Real<ssize_t (*)(int, msghdr*, int)> recvmsg;
extern constinit Real<ssize_t (*)(int, const msghdr*, int)> sendmsg;
extern constinit Real<int (*)(int)> close;
extern constinit Real<int (*)(int, int)> shutdown;
extern constinit Real<int (*)(int)> dup;
extern constinit Real<int (*)(int, int)> dup2;
extern constinit Real<int (*)(int, int, int)> dup3;
extern constinit Real<int (*)(int, int, ...)> fcntl;
extern constinit Real<int (*)(int, unsigned long, ...)> ioctl;
extern constinit Real<int (*)(int*)> pipe;
extern constinit Real<int (*)(int*, int)> pipe2;
extern constinit Real<int (*)(int, int, int, int*)> socketpair;
extern constinit Real<int (*)(unsigned, int)> eventfd;
extern constinit Real<int (*)(pollfd*, nfds_t, int)> poll;
extern constinit Real<int (*)(pollfd*, nfds_t, const timespec*, const sigset_t*)> ppoll;
extern constinit Real<int (*)(int, fd_set*, fd_set*, fd_set*, timeval*)> select;
extern constinit Real<int (*)(int, fd_set*, fd_set*, fd_set*, const timespec*, const sigset_t*)> pselect;
extern constinit Real<int (*)(int)> epoll_create;
extern constinit Real<int (*)(int)> epoll_create1;
extern constinit Real<int (*)(int, int, int, epoll_event*)> epoll_ctl;
extern constinit Real<int (*)(int, epoll_event*, int, int)> epoll_wait;
extern constinit Real<int (*)(int, epoll_event*, int, int, const sigset_t*)> epoll_pwait;
extern constinit Real<pid_t (*)()> fork;

}  // namespace weft::interpose::real
