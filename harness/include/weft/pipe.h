#pragma once
// weft::pipe and weft::byte_pipe: duplex connections between two endpoints,
// like Python's multiprocessing.Pipe(). Every send, receive, poll and close
// is a scheduling point, so the order in which messages from several
// senders arrive is explored; a receive on an empty pipe blocks.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "weft/channel.h"
#include "weft/chrono.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// PipeRef names one end of a pipe in the execution that made it.
struct PipeRef {
  std::uint64_t generation = 0;
  void* state = nullptr;
  std::uint8_t end = 0;  // 0: end A, 1: end B
};

// The engine side (harness/src/pipe.cpp and byte_pipe.cpp).
PipeRef pipe_create(bool bytes, source_location where);
channel_status pipe_send(const PipeRef& end, std::unique_ptr<MessageBox> message, source_location where);
channel_status pipe_recv(const PipeRef& end, std::unique_ptr<MessageBox>& out, WaitMode mode, std::int64_t deadline,
                         source_location where);
bool pipe_poll(const PipeRef& end, source_location where);
void pipe_adopt(const PipeRef& end, std::uint32_t process) noexcept;
void pipe_close(const PipeRef& end, source_location where);
std::size_t stream_write(const PipeRef& end, std::string_view data, source_location where);
channel_status stream_read(const PipeRef& end, std::size_t max, std::string& out, WaitMode mode,
                           std::int64_t deadline, source_location where);
}  // namespace detail

template <class Message = std::string>
class pipe_end;
class stream_end;

// pipe makes a new pipe of `Message` values and returns its two ends, A and
// B: `auto [a, b] = weft::pipe();`. Only inside weft::explore or
// weft::replay (std::logic_error outside).
template <class Message = std::string>
std::pair<pipe_end<Message>, pipe_end<Message>> pipe(source_location where = source_location::current());

// byte_pipe makes a new byte stream and returns its two ends, A and B.
std::pair<stream_end, stream_end> byte_pipe(source_location where = source_location::current());

// pipe_end<Message> is one end of a weft::pipe. It is a handle: copies name
// the same end (give one to each process that uses it). An end belongs to
// the processes that use it; once all of them have died (returned, been
// killed or crashed), the end counts as closed for the other side. Using an
// end after closing it is Misuse, as is using it in another execution.
template <class Message>
class pipe_end {
  static_assert((detail::check_message_type<Message>(), true));

 public:
  pipe_end() = default;

  // send passes `message` to the other end: ok, or closed when the other end
  // is closed (the message is dropped, as a broken pipe drops it). It never
  // blocks: a pipe buffers any number of messages.
  channel_status send(Message message, source_location where = source_location::current()) {
    return detail::pipe_send(ref_, detail::box(std::move(message)), where);
  }
  // recv blocks until a message arrives (ok), or the other end is closed and
  // every message it sent was received (closed). Messages arrive in the
  // order they were sent.
  [[nodiscard]] recv_result<Message> recv(source_location where = source_location::current()) {
    return receive(detail::WaitMode::Block, detail::kNoDeadline, where);
  }
  // try_recv never blocks: a message, empty, or closed.
  [[nodiscard]] recv_result<Message> try_recv(source_location where = source_location::current()) {
    return receive(detail::WaitMode::Try, detail::kNoDeadline, where);
  }
  // recv_for waits at most `span` of virtual time: a message, timeout or
  // closed. Whether it times out or a message comes first is explored.
  template <class Rep, class Period>
  [[nodiscard]] recv_result<Message> recv_for(const std::chrono::duration<Rep, Period>& span,
                                              source_location where = source_location::current()) {
    return receive(detail::WaitMode::Block, detail::deadline_after(span), where);
  }
  // poll says whether recv would return at once (a message, or closed).
  bool poll(source_location where = source_location::current()) { return detail::pipe_poll(ref_, where); }
  // close ends this side: the other end receives what was sent before, then
  // closed; its sends fail with closed. Closing twice does nothing.
  void close(source_location where = source_location::current()) { detail::pipe_close(ref_, where); }

 private:
  template <class M>
  friend std::pair<pipe_end<M>, pipe_end<M>> pipe(source_location);
  explicit pipe_end(detail::PipeRef ref) noexcept : ref_(ref) {}
  // adopt_end: see weft::process's constructors with arguments.
  friend void adopt_end(const pipe_end& e, std::uint32_t process) noexcept { detail::pipe_adopt(e.ref_, process); }
  recv_result<Message> receive(detail::WaitMode mode, std::int64_t deadline, source_location where) {
    std::unique_ptr<detail::MessageBox> box;
    const channel_status status = detail::pipe_recv(ref_, box, mode, deadline, where);
    return detail::unbox<Message>(status, box);
  }
  detail::PipeRef ref_;
};

template <class Message>
std::pair<pipe_end<Message>, pipe_end<Message>> pipe(source_location where) {
  detail::PipeRef a = detail::pipe_create(false, where);
  detail::PipeRef b = a;
  b.end = 1;
  return {pipe_end<Message>(a), pipe_end<Message>(b)};
}

// stream_end is one end of a weft::byte_pipe: a duplex byte stream, like a
// socket pair. Writes and reads may be short, as an explored choice: a write
// may take only a prefix of its bytes and a read may return fewer bytes than
// are there, or bytes of several writes at once, so code that parses a
// stream meets every way its bytes can be split.
class stream_end {
 public:
  stream_end() = default;

  // write sends a prefix of `data` (at least one byte, maybe all) and returns
  // its length; 0 when the other end is closed, or `data` is empty.
  std::size_t write(std::string_view data, source_location where = source_location::current()) {
    return detail::stream_write(ref_, data, where);
  }
  // write_all writes until every byte is sent (ok) or the other end closes.
  channel_status write_all(std::string_view data, source_location where = source_location::current());
  // read blocks until at least one byte is there, then returns between one
  // and `max` bytes; closed once the other end closed and every byte was read.
  [[nodiscard]] recv_result<std::string> read(std::size_t max = SIZE_MAX,
                                              source_location where = source_location::current()) {
    return receive(max, detail::WaitMode::Block, detail::kNoDeadline, where);
  }
  // try_read never blocks: bytes, empty or closed.
  [[nodiscard]] recv_result<std::string> try_read(std::size_t max = SIZE_MAX,
                                                  source_location where = source_location::current()) {
    return receive(max, detail::WaitMode::Try, detail::kNoDeadline, where);
  }
  // read_for waits at most `span` of virtual time.
  template <class Rep, class Period>
  [[nodiscard]] recv_result<std::string> read_for(std::size_t max, const std::chrono::duration<Rep, Period>& span,
                                                  source_location where = source_location::current()) {
    return receive(max, detail::WaitMode::Block, detail::deadline_after(span), where);
  }
  // poll says whether read would return at once.
  bool poll(source_location where = source_location::current()) { return detail::pipe_poll(ref_, where); }
  // close ends this side, as pipe_end::close.
  void close(source_location where = source_location::current()) { detail::pipe_close(ref_, where); }

 private:
  friend std::pair<stream_end, stream_end> byte_pipe(source_location);
  explicit stream_end(detail::PipeRef ref) noexcept : ref_(ref) {}
  friend void adopt_end(const stream_end& e, std::uint32_t process) noexcept { detail::pipe_adopt(e.ref_, process); }
  recv_result<std::string> receive(std::size_t max, detail::WaitMode mode, std::int64_t deadline,
                                   source_location where);
  detail::PipeRef ref_;
};

}  // namespace weft
