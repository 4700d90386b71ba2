#pragma once
// weft::queue<T>: a multi-producer multi-consumer queue, bounded or not,
// like Python's multiprocessing.Queue. Every put, get and close is a
// scheduling point; a get on an empty queue and a put on a full one block.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "weft/channel.h"
#include "weft/chrono.h"
#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// The engine side (harness/src/queue.cpp).
class QueueBase {
 public:
  QueueBase(const QueueBase&) = delete;
  QueueBase& operator=(const QueueBase&) = delete;

  void close(source_location where = source_location::current());
  std::size_t size(source_location where = source_location::current());

 protected:
  explicit QueueBase(std::size_t capacity) noexcept : capacity_(capacity) {}
  ~QueueBase();
  // put takes `message` only when it returns ok; otherwise it stays there.
  channel_status put(std::unique_ptr<MessageBox>& message, WaitMode mode, std::int64_t deadline,
                     source_location where);
  channel_status get(std::unique_ptr<MessageBox>& out, WaitMode mode, std::int64_t deadline, source_location where);

 private:
  friend struct QueueAccess;
  Slot slot_;
  std::size_t capacity_;
};
}  // namespace detail

// queue<T> holds values of T in FIFO order. capacity 0 (the default) is
// unbounded; otherwise put blocks while `capacity` values are waiting.
// close() ends it: puts then fail with closed, and gets return the values
// still queued, then closed, so every waiter wakes with a clear result.
// Destroying a queue that threads still wait on is Misuse.
template <class T>
class queue : private detail::QueueBase {
  static_assert((detail::check_message_type<T>(), true));

 public:
  using value_type = T;

  explicit queue(std::size_t capacity = 0) noexcept : QueueBase(capacity) {}

  // put appends `value`, waiting while the queue is full: ok or closed.
  channel_status put(T value, source_location where = source_location::current()) {
    return send(std::move(value), detail::WaitMode::Block, detail::kNoDeadline, where);
  }
  // try_put never waits: ok, full or closed.
  channel_status try_put(T value, source_location where = source_location::current()) {
    return send(std::move(value), detail::WaitMode::Try, detail::kNoDeadline, where);
  }
  // put_for waits at most `span` of virtual time for room: ok, timeout or closed.
  template <class Rep, class Period>
  channel_status put_for(T value, const std::chrono::duration<Rep, Period>& span,
                         source_location where = source_location::current()) {
    return send(std::move(value), detail::WaitMode::Block, detail::deadline_after(span), where);
  }
  template <class Clock, class Duration>
  channel_status put_until(T value, const std::chrono::time_point<Clock, Duration>& when,
                           source_location where = source_location::current()) {
    return send(std::move(value), detail::WaitMode::Block, detail::deadline_of(when), where);
  }

  // get removes the oldest value, waiting while the queue is empty: a value,
  // or closed once the queue is closed and drained.
  [[nodiscard]] recv_result<T> get(source_location where = source_location::current()) {
    return receive(detail::WaitMode::Block, detail::kNoDeadline, where);
  }
  // try_get never waits: a value, empty or closed.
  [[nodiscard]] recv_result<T> try_get(source_location where = source_location::current()) {
    return receive(detail::WaitMode::Try, detail::kNoDeadline, where);
  }
  // get_for waits at most `span` of virtual time: a value, timeout or closed.
  template <class Rep, class Period>
  [[nodiscard]] recv_result<T> get_for(const std::chrono::duration<Rep, Period>& span,
                                       source_location where = source_location::current()) {
    return receive(detail::WaitMode::Block, detail::deadline_after(span), where);
  }
  template <class Clock, class Duration>
  [[nodiscard]] recv_result<T> get_until(const std::chrono::time_point<Clock, Duration>& when,
                                         source_location where = source_location::current()) {
    return receive(detail::WaitMode::Block, detail::deadline_of(when), where);
  }

  // close ends the queue (see above); closing twice does nothing.
  using QueueBase::close;
  // size is how many values wait in the queue now (a scheduling point).
  using QueueBase::size;

 private:
  channel_status send(T value, detail::WaitMode mode, std::int64_t deadline, source_location where) {
    std::unique_ptr<detail::MessageBox> box = detail::box(std::move(value));
    return QueueBase::put(box, mode, deadline, where);
  }
  recv_result<T> receive(detail::WaitMode mode, std::int64_t deadline, source_location where) {
    std::unique_ptr<detail::MessageBox> box;
    const channel_status status = QueueBase::get(box, mode, deadline, where);
    return detail::unbox<T>(status, box);
  }
};

}  // namespace weft
