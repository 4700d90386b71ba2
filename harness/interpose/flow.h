#pragma once
// Flow: one direction of a pipe or a socketpair, as data: the bytes or
// messages written and not yet read, each piece with the number its write
// event carries, what the direction may hold, and whether its writer or
// reader side is shut. No engine calls: endpoint.cpp does the waiting and
// recording.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace weft::interpose {

// Piece is what one write put into a flow (all of it, or one piece of a
// split write): the number its write event carries, and its bytes.
struct Piece {
  std::uint64_t number = 0;
  std::string bytes;
};

class Flow {
 public:
  // A pipe counts its capacity in bytes. A socket counts each piece as its
  // length plus `overhead`, roughly as Linux charges a socket buffer for
  // each packet it queues (212992 bytes by default), and takes one more
  // piece while it is below its capacity.
  Flow(bool messages, std::size_t capacity, std::size_t overhead) noexcept
      : messages_(messages), capacity_(capacity), overhead_(overhead) {}

  bool messages() const noexcept { return messages_; }
  bool empty() const noexcept { return pieces_.empty(); }
  std::size_t bytes() const noexcept { return bytes_; }
  const std::deque<Piece>& pieces() const noexcept { return pieces_; }
  std::size_t capacity() const noexcept { return capacity_; }
  void set_capacity(std::size_t bytes) noexcept { capacity_ = bytes; }

  // has_room says whether a piece of `n` bytes can go in now: a pipe
  // takes it while it fits, a socket while it is below its capacity.
  bool has_room(std::size_t n) const noexcept {
    return overhead_ == 0 ? cost_ + n <= capacity_ : cost_ < capacity_;
  }
  // room is how many bytes one piece may carry now (a socket: any number).
  std::size_t room() const noexcept {
    if (overhead_ != 0) return SIZE_MAX;
    return capacity_ > cost_ ? capacity_ - cost_ : 0;
  }
  // writable is poll's POLLOUT: a pipe with room for an atomic write
  // (`atomic` bytes), a socket filled to a quarter at most.
  bool writable(std::size_t atomic) const noexcept {
    return overhead_ == 0 ? cost_ + atomic <= capacity_ : cost_ * 4 <= capacity_;
  }

  void push(std::uint64_t number, std::string_view bytes) {
    pieces_.push_back(Piece{number, std::string(bytes)});
    bytes_ += bytes.size();
    cost_ += bytes.size() + overhead_;
  }

  // take moves up to `max` bytes to `out`: from consecutive pieces of a
  // byte stream, or from the first message only (the rest of a longer
  // message is discarded unless `peek`). `each` is called with the number
  // of every piece it read from. It returns the size of what it read from:
  // the bytes taken, or the whole message's length.
  template <class Each>
  std::size_t take(std::size_t max, bool peek, std::string& out, Each&& each) {
    if (messages_) {
      if (pieces_.empty()) return 0;
      const Piece& m = pieces_.front();
      const std::size_t length = m.bytes.size();
      out.append(m.bytes, 0, std::min(max, length));
      each(m.number);
      if (!peek) pop_front();
      return length;
    }
    std::size_t taken = 0;
    for (std::size_t i = 0; i < pieces_.size() && taken < max;) {
      Piece& p = pieces_[i];
      const std::size_t n = std::min(max - taken, p.bytes.size());
      out.append(p.bytes, 0, n);
      taken += n;
      each(p.number);
      if (peek) {
        ++i;
      } else if (n == p.bytes.size()) {
        pop_front();
      } else {
        p.bytes.erase(0, n);
        bytes_ -= n;
        cost_ -= n;
      }
    }
    return taken;
  }

  // clear drops what is queued (its reader closed).
  void clear() noexcept {
    pieces_.clear();
    bytes_ = cost_ = 0;
  }

  // The writer side shut (closed, or shutdown(SHUT_WR)), and the reader
  // side (closed, or shutdown(SHUT_RD)); the numbers are those of the
  // events that shut them, which who observes the shut acquires.
  bool write_shut = false;
  bool read_shut = false;
  std::uint64_t write_shut_number = 0;
  std::uint64_t read_shut_number = 0;

 private:
  void pop_front() noexcept {
    bytes_ -= pieces_.front().bytes.size();
    cost_ -= pieces_.front().bytes.size() + overhead_;
    pieces_.pop_front();
  }

  bool messages_;
  std::size_t capacity_;
  std::size_t overhead_;
  std::deque<Piece> pieces_;
  std::size_t bytes_ = 0;
  std::size_t cost_ = 0;
};

}  // namespace weft::interpose
