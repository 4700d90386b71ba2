#pragma once
// The vocabulary that weft's message passing (pipe.h, queue.h, future.h)
// shares: the outcome of an operation, a received value or why there is
// none, and how messages travel as values through the engine.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace weft {

// channel_status is the outcome of a send, receive or put: `ok`, or why it
// did not happen. `empty` and `full` come only from the try_ forms (and from
// an injected queue-put failure, Options::queue_put_failures), `timeout` only
// from the timed forms, `closed` when the other side is gone.
enum class channel_status : std::uint8_t { ok, empty, full, closed, timeout };

// to_string(channel_status) is the status's name, e.g. "closed".
std::string_view to_string(channel_status status) noexcept;
std::ostream& operator<<(std::ostream& out, channel_status status);

// recv_result<T> is a received message, or the status that says why none
// came. It converts to true when it holds a message.
template <class T>
class recv_result {
 public:
  recv_result(channel_status status) noexcept : status_(status) {}
  recv_result(T value) : value_(std::move(value)), status_(channel_status::ok) {}

  // status is ok exactly when a message was received.
  channel_status status() const noexcept { return status_; }
  bool ok() const noexcept { return status_ == channel_status::ok; }
  explicit operator bool() const noexcept { return ok(); }

  // value is the message; it throws std::logic_error naming the status when
  // there is none.
  T& value() & { return checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return checked(); }
  T&& operator*() && { return std::move(checked()); }
  T* operator->() { return &checked(); }

 private:
  T& checked() {
    if (!value_) throw std::logic_error("weft::recv_result has no message: the receive ended " +
                                        std::string(to_string(status_)));
    return *value_;
  }
  std::optional<T> value_;
  channel_status status_;
};

namespace detail {

// MessageBox carries one message through the engine, type-erased: the
// templates box a value on send and unbox it on receive, so the engine side
// lives in harness/src and knows no message type.
struct MessageBox {
  virtual ~MessageBox() = default;
};

template <class T>
struct TypedBox final : MessageBox {
  explicit TypedBox(T&& v) : value(std::move(v)) {}
  explicit TypedBox(const T& v) : value(v) {}
  T value;
};

// check_message_type fails the build for a message type that cannot travel
// as a value: a message is copied or moved into the channel, as a real pipe
// copies bytes, never shared by reference.
template <class T>
constexpr void check_message_type() {
  static_assert(std::is_move_constructible_v<T> || std::is_copy_constructible_v<T>,
                "weft message passing: the message type must be copyable or movable; messages are values "
                "passed between processes, so send a copy (or a std::unique_ptr) instead");
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T>,
                "weft message passing: the message type must be a plain value type, not a reference or const");
}

template <class T>
std::unique_ptr<MessageBox> box(T&& value) {
  using V = std::remove_cvref_t<T>;
  check_message_type<V>();
  if constexpr (std::is_move_constructible_v<V>)
    return std::make_unique<TypedBox<V>>(std::move(value));
  else
    return std::make_unique<TypedBox<V>>(static_cast<const V&>(value));
}

template <class T>
recv_result<T> unbox(channel_status status, std::unique_ptr<MessageBox>& b) {
  if (status != channel_status::ok || !b) return status;
  return recv_result<T>(std::move(static_cast<TypedBox<T>&>(*b).value));
}

// kNoDeadline marks an operation that waits without a deadline.
inline constexpr std::int64_t kNoDeadline = INT64_MAX;

// WaitMode says how a receive or put that cannot happen at once behaves.
enum class WaitMode : std::uint8_t { Block, Try };

}  // namespace detail
}  // namespace weft
