// Reading and writing a pipe end or a socket of a socketpair.
//
// A read returns what is there, up to what was asked: bytes of several
// writes joined (a stream), or one message. A write that may be split (a
// stream write of 2 bytes or more; to a pipe, only beyond PIPE_BUF, where
// Linux gives no atomicity either) is split into at most
// Options::stream_pieces pieces (2 by default), at explored points: a
// blocking write then delivers its pieces with a scheduling point between
// them, so a reader can see the first alone; a non-blocking one returns
// after the first (a short write). Each piece is
// a message number: its write happens before every read that returns any
// of its bytes.

#include "endpoint.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <limits>

#include "epoll.h"
#include "io_report.h"

namespace weft::interpose {

namespace {
constexpr std::uint32_t kReadable = POLLIN | POLLRDNORM;
constexpr std::uint32_t kWritable = POLLOUT | POLLWRNORM;

bool readable_now(const Wait& w) { return static_cast<const Endpoint*>(w.file)->readable(*w.x); }

bool writable_now(const Wait& w) {
  const auto& e = *static_cast<const Endpoint*>(w.file);
  return e.broken(*w.x) || e.out->has_room(w.need);
}

// split_point chooses where a write of `n` bytes (n >= 2) splits: n (not
// at all) one time in two, else a point in [1, n).
std::size_t split_point(Execution& x, std::size_t n) {
  if (x.choose(2) == 0) return n;
  const auto below = static_cast<std::uint32_t>(std::min<std::size_t>(n - 1, std::numeric_limits<std::uint32_t>::max()));
  return 1 + x.choose(below);
}
}  // namespace

bool Endpoint::end_of_file(const Execution& x) const noexcept {
  if (!in || !in->empty()) return false;
  if (in->read_shut) return true;  // its own shutdown(SHUT_RD), any kind
  // A datagram socket has no end of file: its peer's close leaves it waiting.
  return kind != Kind::Datagram && (in->write_shut || peer->gone(x));
}

std::uint64_t Endpoint::end_of_file_number() const noexcept {
  if (in->write_shut) return in->write_shut_number;
  return in->read_shut ? in->read_shut_number : 0;  // 0: the writer died, which orders nothing
}

bool Endpoint::readable(const Execution& x) const noexcept { return in && (!in->empty() || end_of_file(x)); }

bool Endpoint::broken(const Execution& x) const noexcept {
  return out && (out->write_shut || out->read_shut || peer->gone(x));
}

std::uint32_t Endpoint::events(const Execution& x) const {
  if (kind == Kind::Pipe) {
    if (in) return (in->empty() ? 0 : kReadable) | (in->write_shut || peer->gone(x) ? POLLHUP : 0);
    return (out->writable(kPipeAtomic) ? kWritable : 0) | (out->read_shut || peer->gone(x) ? POLLERR : 0);
  }
  // Sockets, as unix_poll and unix_dgram_poll: a datagram socket's
  // shutdown states are its own only; a connected socket's include its
  // peer's shutdown and close.
  bool receive_shut = in->read_shut;
  bool send_shut = out->write_shut;
  if (kind != Kind::Datagram) {
    const bool peer_gone = peer->gone(x);
    receive_shut = receive_shut || in->write_shut || peer_gone;
    send_shut = send_shut || out->read_shut || peer_gone;
  }
  std::uint32_t m = 0;
  if (receive_shut && send_shut) m |= POLLHUP;
  if (receive_shut) m |= POLLRDHUP | kReadable;
  if (!in->empty()) m |= kReadable;
  if (out->writable(0)) m |= kWritable | POLLWRBAND;
  return m;
}

void Endpoint::moved(Execution& x, std::uint32_t peer_key) {
  peer->changed(x, peer_key);
  changed(x, 0);
}

ssize_t Endpoint::read(Call& c, std::string& out_bytes, std::size_t max, int flags, bool& truncated) {
  if (!in) return fail_errno(EBADF);
  Execution& x = c.x;
  const bool peek = (flags & MSG_PEEK) != 0;
  const bool wait_all = (flags & MSG_WAITALL) != 0 && !in->messages() && !peek;
  const Wait w{&x, this, c.fd, &readable_now};
  // A pipe read of nothing returns 0 at once, as pipe_read does; a socket's waits for data.
  const bool waits = kind != Kind::Pipe || max > 0;
  std::size_t got = 0;
  for (;;) {
    if (await(c, sched::OpKind::Recv, waits ? &w : nullptr) == StepResult::Aborted) {
      leave(x);
      return got ? static_cast<ssize_t>(got) : fail_errno(EINTR);
    }
    if (!waits) return 0;
    if (!in->empty()) {
      const std::size_t before = out_bytes.size();
      const std::size_t length = in->take(max - got, peek, out_bytes, [&](std::uint64_t number) {
        record_io(x, *this, sched::OpKind::Recv, number, end_flag());
      });
      got += out_bytes.size() - before;
      if (!peek) moved(x, kWritable);
      if (in->messages()) {
        truncated = length > max;
        return static_cast<ssize_t>((flags & MSG_TRUNC) ? length : got);
      }
      if (!wait_all || got == max) return static_cast<ssize_t>(got);
      continue;  // MSG_WAITALL: wait for the rest
    }
    if (end_of_file(x)) {
      record_io(x, *this, sched::OpKind::Recv, end_of_file_number(), sched::kClosed | end_flag());
      return static_cast<ssize_t>(got);
    }
    if (got) return static_cast<ssize_t>(got);
    record_io(x, *this, sched::OpKind::Recv, 0, sched::kFailed | end_flag());
    return fail_errno(EAGAIN);
  }
}

ssize_t Endpoint::write(Call& c, std::string_view data, int flags) {
  if (!out) return fail_errno(EBADF);
  Execution& x = c.x;
  const std::size_t n = data.size();
  const bool whole = out->messages() || (kind == Kind::Pipe && n <= kPipeAtomic);
  const Wait w{&x, this, c.fd, &writable_now, whole ? n : 1};
  const std::size_t largest = kind == Kind::Stream ? kLargestStreamPiece : SIZE_MAX;
  std::size_t written = 0;
  // Splits still allowed (Options::stream_pieces); the kernel may cut more
  // pieces where room or its largest piece runs out.
  std::uint32_t splits = whole ? 0 : x.config().stream_pieces - 1;
  for (;;) {
    if (await(c, sched::OpKind::Send, &w) == StepResult::Aborted) {
      leave(x);
      return written ? static_cast<ssize_t>(written) : fail_errno(EINTR);
    }
    if (n == 0 && !out->messages()) return 0;
    if (out->messages() && n > kLargestMessage) return fail_errno(EMSGSIZE);
    if (broken(x)) return written ? static_cast<ssize_t>(written) : broken_write(c, flags);
    if (!out->has_room(whole ? n : 1)) {
      if (!c.nonblocking) continue;  // only after a piece: wait for room
      if (written) return static_cast<ssize_t>(written);
      record_io(x, *this, sched::OpKind::Send, 0, sched::kFailed | end_flag());
      return fail_errno(EAGAIN);
    }
    std::size_t k = whole ? n : std::min({n - written, out->room(), largest});
    if (splits > 0 && k >= 2) {
      const std::size_t cut = split_point(x, k);
      if (cut < k) {
        k = cut;
        --splits;
      }
    }
    const std::uint64_t number = ++*numbers;
    out->push(number, data.substr(written, k));
    record_io(x, *this, sched::OpKind::Send, number, end_flag());
    moved(x, kReadable);
    written += k;
    if (written == n || c.nonblocking) return static_cast<ssize_t>(written);
  }
}

ssize_t Endpoint::broken_write(Call& c, int flags) {
  Execution& x = c.x;
  if (kind == Kind::Datagram && !out->write_shut && !out->read_shut) {
    // The peer closed: a connected datagram socket is refused once, then
    // no longer connected.
    record_io(x, *this, sched::OpKind::Send, 0, sched::kFailed | sched::kClosed | end_flag());
    const int error = refused ? ENOTCONN : ECONNREFUSED;
    refused = true;
    return fail_errno(error);
  }
  const std::uint64_t number = out->read_shut ? out->read_shut_number : out->write_shut ? out->write_shut_number : 0;
  record_io(x, *this, sched::OpKind::Send, number, sched::kFailed | sched::kClosed | end_flag());
  // Pipes and stream sockets raise SIGPIPE; datagram and seqpacket
  // sockets only fail.
  if ((kind == Kind::Pipe || kind == Kind::Stream) && !(flags & MSG_NOSIGNAL))
    if (sigpipe(x, std::string("calls ") + c.name + " on " + name_of(c.fd, *this) + ", whose reader is gone", c.caller))
      end_by_signal(x);
  return fail_errno(EPIPE);
}

std::size_t Endpoint::readable_bytes() const {
  if (!in) return 0;
  if (kind == Kind::Datagram) return in->empty() ? 0 : in->pieces().front().bytes.size();
  return in->bytes();
}

void Endpoint::released(Call& c) {
  Execution& x = c.x;
  closed = true;
  const std::uint64_t number = ++*numbers;
  if (in) {
    in->read_shut = true;
    in->read_shut_number = number;
    in->clear();  // nobody will read it
  }
  if (out) {
    out->write_shut = true;
    out->write_shut_number = number;
  }
  record_io(x, *this, sched::OpKind::Close, number, end_flag());
  peer->changed(x, kWakeAll);
}

int Endpoint::shutdown(Call& c, int how) {
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return fail_errno(EINVAL);
  Execution& x = c.x;
  if (await(c, sched::OpKind::Close, nullptr) == StepResult::Aborted) {
    leave(x);
    return fail_errno(EINTR);
  }
  const std::uint64_t number = ++*numbers;
  if (how != SHUT_WR) {
    in->read_shut = true;
    in->read_shut_number = number;
  }
  if (how != SHUT_RD) {
    out->write_shut = true;
    out->write_shut_number = number;
  }
  record_io(x, *this, sched::OpKind::Close, number, end_flag());
  changed(x, kWakeAll);
  peer->changed(x, kWakeAll);
  return 0;
}

void Endpoint::acquire_readiness(Execution& x) const {
  checkers::Checks* checks = detail::checks(x);
  if (!checks) return;
  const ThreadId me = x.current();
  if (in) {
    for (const Piece& p : in->pieces()) checks->message_acquire(me, ref, p.number);
    if (end_of_file(x)) checks->message_acquire(me, ref, end_of_file_number());
  }
  if (out && out->read_shut) checks->message_acquire(me, ref, out->read_shut_number);
}

const char* Endpoint::role() const noexcept {
  if (kind != Kind::Pipe) return nullptr;
  return in ? "read end" : "write end";
}

}  // namespace weft::interpose
