#pragma once
// Endpoint: an end of a pipe or a socket of a socketpair, which reads one
// Flow and writes another, with Linux's semantics for each kind: end of
// file, EPIPE and SIGPIPE, short and split writes, poll events.

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

#include "flow.h"
#include "open_file.h"

namespace weft::interpose {

// kPipeCapacity is what a pipe holds (Linux's default, 16 pages), counted
// in bytes; kPipeAtomic is PIPE_BUF: a pipe write of at most this many
// bytes goes in whole or waits.
inline constexpr std::size_t kPipeCapacity = 65536;
inline constexpr std::size_t kPipeAtomic = 4096;
// A socketpair direction holds kSocketBuffer (Linux's default socket send
// buffer), counting each queued piece as its length plus kSocketOverhead;
// one stream piece carries at most kLargestStreamPiece bytes, and a
// datagram or record of more than kLargestMessage bytes is EMSGSIZE.
inline constexpr std::size_t kSocketBuffer = 212992;
inline constexpr std::size_t kSocketOverhead = 768;
inline constexpr std::size_t kLargestStreamPiece = kSocketBuffer / 2 - 64;
inline constexpr std::size_t kLargestMessage = kSocketBuffer - 32;

struct Endpoint final : OpenFile {
  // Kind is what the endpoint belongs to: a pipe, or a socketpair of
  // SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET sockets.
  enum class Kind : std::uint8_t { Pipe, Stream, Datagram, Seqpacket };

  Endpoint(Type t, ObjectRef r, Kind k, std::uint8_t which) noexcept : OpenFile(t, r), kind(k), end(which) {}

  std::uint32_t events(const Execution& x) const override;
  ssize_t read(Call& c, std::string& out, std::size_t max, int flags, bool& truncated) override;
  ssize_t write(Call& c, std::string_view data, int flags) override;
  std::size_t readable_bytes() const override;
  void released(Call& c) override;
  void acquire_readiness(Execution& x) const override;
  const char* role() const noexcept override;

  // shutdown is shutdown(2) of a socket: `how` is SHUT_RD, SHUT_WR or
  // SHUT_RDWR (else EINVAL).
  int shutdown(Call& c, int how);
  // gone: closed by its last descriptor, or by the death of every process
  // that used it.
  bool gone(const Execution& x) const noexcept { return closed || dead(x); }
  // readable: a read would not wait (data, or end of file).
  bool readable(const Execution& x) const noexcept;
  // broken: a write cannot deliver (its reader or its own writing side is
  // gone).
  bool broken(const Execution& x) const noexcept;

  Kind kind;
  std::uint8_t end;                  // socketpair: 0 is end A, 1 end B
  Flow* in = nullptr;                // what it reads; null for a pipe's write end
  Flow* out = nullptr;               // what it writes; null for a pipe's read end
  Endpoint* peer = nullptr;          // the other end
  std::uint64_t* numbers = nullptr;  // the object's message and close numbers
  bool closed = false;
  bool refused = false;              // a datagram send found the peer closed (ECONNREFUSED, then ENOTCONN)

 private:
  bool end_of_file(const Execution& x) const noexcept;
  std::uint64_t end_of_file_number() const noexcept;
  std::uint8_t end_flag() const noexcept { return kind != Kind::Pipe && end == 1 ? sched::kEndB : 0; }
  ssize_t broken_write(Call& c, int flags);
  void moved(Execution& x, std::uint32_t peer_key);
};

}  // namespace weft::interpose
