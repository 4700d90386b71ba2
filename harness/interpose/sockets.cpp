// socketpair(AF_UNIX, SOCK_STREAM | SOCK_DGRAM | SOCK_SEQPACKET) and the
// socket calls on its sockets: send, recv, sendto, recvfrom, sendmsg,
// recvmsg and shutdown. Other domains, and the sockets weft does not own,
// go to the kernel.

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "descriptors.h"
#include "endpoint.h"
#include "foreign_fds.h"
#include "io_report.h"
#include "real_io.h"

extern "C" [[noreturn]] void __chk_fail(void);

namespace weft::interpose {

namespace {
// SocketPair is the per-execution state of one socketpair: a flow each
// way and the two sockets; flows[i] is what socket i reads.
struct SocketPair {
  SocketPair(ObjectRef ref, Endpoint::Kind kind)
      : flows{Flow(kind != Endpoint::Kind::Stream, kSocketBuffer, kSocketOverhead),
              Flow(kind != Endpoint::Kind::Stream, kSocketBuffer, kSocketOverhead)},
        ends{Endpoint(OpenFile::Type::Socket, ref, kind, 0), Endpoint(OpenFile::Type::Socket, ref, kind, 1)} {
    for (int i = 0; i < 2; ++i) {
      ends[i].in = &flows[i];
      ends[i].out = &flows[1 - i];
      ends[i].peer = &ends[1 - i];
      ends[i].numbers = &numbers;
    }
  }
  Flow flows[2];
  Endpoint ends[2];
  std::uint64_t numbers = 0;
};

int make_pair(Execution& x, int type, int* sv) {
  Endpoint::Kind kind;
  switch (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) {
    case SOCK_STREAM: kind = Endpoint::Kind::Stream; break;
    case SOCK_DGRAM: kind = Endpoint::Kind::Datagram; break;
    case SOCK_SEQPACKET: kind = Endpoint::Kind::Seqpacket; break;
    default: return fail_errno(EINVAL);
  }
  if (!sv) return fail_errno(EFAULT);
  const sched::tsan::Unseen unseen;
  auto* pair = x.arena().make<SocketPair>(x.name_object(sched::ObjectKind::Socketpair), kind);
  const bool cloexec = (type & SOCK_CLOEXEC) != 0;
  int fds[2];
  for (int i = 0; i < 2; ++i) {
    pair->ends[i].nonblocking = (type & SOCK_NONBLOCK) != 0;
    fds[i] = open_descriptor(x, pair->ends[i], cloexec);
    if (fds[i] < 0) {
      const int error = errno;
      if (i == 1) fd_table(x).close(fds[0]);
      return fail_errno(error);
    }
  }
  sv[0] = fds[0];
  sv[1] = fds[1];
  return 0;
}

// is_socket: weft's `fd` is a socket (its other descriptions are ENOTSOCK).
bool is_socket(const Target& t) noexcept { return t.file->type == OpenFile::Type::Socket; }

ssize_t send_to(int fd, const iovec* iov, int count, int flags, bool addressed, const char* name,
                const void* caller) {
  const Target t = target(fd);
  if (!is_socket(t)) return fail_errno(ENOTSOCK);
  if (flags & MSG_OOB) return fail_errno(EOPNOTSUPP);
  if (addressed) return fail_errno(EISCONN);  // a socketpair's sockets are connected
  return transmit(t, fd, name, iov, count, flags, caller);
}

ssize_t receive_from(int fd, const iovec* iov, int count, int flags, const char* name, const void* caller,
                     bool* truncated) {
  const Target t = target(fd);
  if (!is_socket(t)) return fail_errno(ENOTSOCK);
  if (flags & MSG_OOB) return fail_errno(EINVAL);
  return receive(t, fd, name, iov, count, flags, caller, truncated);
}

// refused_receive and refused_send refuse a call on a socket weft does
// not own that would block (with its result), else say to forward it.
bool refused_receive(Execution& x, int fd, int flags, const char* name, const void* caller, ssize_t& result) {
  if (!foreign_blocks(fd, POLLIN, (flags & MSG_DONTWAIT) != 0)) return false;
  result = refuse_blocking(x, name, fd, caller);
  return true;
}
bool refused_send(Execution& x, int fd, int flags, const char* name, const void* caller, ssize_t& result) {
  if (!foreign_blocks(fd, POLLOUT, (flags & MSG_DONTWAIT) != 0)) return false;
  result = refuse_blocking(x, name, fd, caller);
  return true;
}
}  // namespace

}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int socketpair(int domain, int type, int protocol, int* sv) noexcept {
  Execution* x = controlling();
  if (!x || domain != AF_UNIX) return real::socketpair(domain, type, protocol, sv);
  if (protocol != 0 && protocol != PF_UNIX) return fail_errno(EPROTONOSUPPORT);
  return make_pair(*x, type, sv);
}

ssize_t send(int fd, const void* buf, size_t n, int flags) {
  const Target t = target(fd);
  ssize_t r;
  if (!t.x) return real::send(fd, buf, n, flags);
  if (!t.file) return refused_send(*t.x, fd, flags, "send", __builtin_return_address(0), r) ? r : real::send(fd, buf, n, flags);
  const iovec iov{const_cast<void*>(buf), n};
  return send_to(fd, &iov, 1, flags, false, "send", __builtin_return_address(0));
}

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const sockaddr* to, socklen_t length) {
  const Target t = target(fd);
  ssize_t r;
  if (!t.x) return real::sendto(fd, buf, n, flags, to, length);
  if (!t.file)
    return refused_send(*t.x, fd, flags, "sendto", __builtin_return_address(0), r) ? r
                                                                                   : real::sendto(fd, buf, n, flags, to, length);
  const iovec iov{const_cast<void*>(buf), n};
  return send_to(fd, &iov, 1, flags, to && length, "sendto", __builtin_return_address(0));
}

ssize_t sendmsg(int fd, const msghdr* message, int flags) {
  const Target t = target(fd);
  ssize_t r;
  if (!t.x) return real::sendmsg(fd, message, flags);
  if (!t.file)
    return refused_send(*t.x, fd, flags, "sendmsg", __builtin_return_address(0), r) ? r : real::sendmsg(fd, message, flags);
  if (!message) return fail_errno(EFAULT);
  if (message->msg_controllen > 0) {
    misuse_at(*t.x, "calls sendmsg on " + name_of(fd, *t.file) +
                        " with ancillary data: weft's socketpairs carry bytes only (no SCM_RIGHTS or SCM_CREDENTIALS)",
              __builtin_return_address(0));
    leave_if_ending(*t.x);  // after the message's temporaries are gone
    return fail_errno(EINVAL);
  }
  return send_to(fd, message->msg_iov, static_cast<int>(message->msg_iovlen), flags,
                 message->msg_name && message->msg_namelen, "sendmsg", __builtin_return_address(0));
}

ssize_t recv(int fd, void* buf, size_t n, int flags) {
  const Target t = target(fd);
  ssize_t r;
  if (!t.x) return real::recv(fd, buf, n, flags);
  if (!t.file) return refused_receive(*t.x, fd, flags, "recv", __builtin_return_address(0), r) ? r : real::recv(fd, buf, n, flags);
  const iovec iov{buf, n};
  return receive_from(fd, &iov, 1, flags, "recv", __builtin_return_address(0), nullptr);
}

ssize_t recvfrom(int fd, void* buf, size_t n, int flags, sockaddr* from, socklen_t* length) {
  const Target t = target(fd);
  ssize_t r;
  if (!t.x) return real::recvfrom(fd, buf, n, flags, from, length);
  if (!t.file)
    return refused_receive(*t.x, fd, flags, "recvfrom", __builtin_return_address(0), r)
               ? r
               : real::recvfrom(fd, buf, n, flags, from, length);
  const iovec iov{buf, n};
  r = receive_from(fd, &iov, 1, flags, "recvfrom", __builtin_return_address(0), nullptr);
  if (r >= 0 && from && length) *length = 0;  // the peer of a socketpair has no address
  return r;
}

ssize_t recvmsg(int fd, msghdr* message, int flags) {
  const Target t = target(fd);
  ssize_t r;
  if (!t.x) return real::recvmsg(fd, message, flags);
  if (!t.file)
    return refused_receive(*t.x, fd, flags, "recvmsg", __builtin_return_address(0), r) ? r
                                                                                      : real::recvmsg(fd, message, flags);
  if (!message) return fail_errno(EFAULT);
  bool truncated = false;
  r = receive_from(fd, message->msg_iov, static_cast<int>(message->msg_iovlen), flags, "recvmsg",
                   __builtin_return_address(0), &truncated);
  if (r >= 0) {
    message->msg_namelen = 0;
    message->msg_controllen = 0;
    message->msg_flags = truncated ? MSG_TRUNC : 0;
  }
  return r;
}

// _FORTIFY_SOURCE's recv and recvfrom, when the buffer's size is known.
ssize_t __recv_chk(int fd, void* buf, size_t n, size_t size, int flags) {
  if (n > size) __chk_fail();
  return recv(fd, buf, n, flags);
}
ssize_t __recvfrom_chk(int fd, void* buf, size_t n, size_t size, int flags, sockaddr* from, socklen_t* length) {
  if (n > size) __chk_fail();
  return recvfrom(fd, buf, n, flags, from, length);
}

int shutdown(int fd, int how) noexcept {
  const Target t = target(fd);
  if (!t.file) return real::shutdown(fd, how);
  if (!is_socket(t)) return fail_errno(ENOTSOCK);
  const weft::sched::tsan::Unseen unseen;
  Call c = call(t, fd, "shutdown", __builtin_return_address(0));
  const Pin pin(c);
  return static_cast<Endpoint&>(*t.file).shutdown(c, how);
}

}  // extern "C"
