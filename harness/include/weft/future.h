#pragma once
// weft::future<T>: the result of a task a weft::pool runs, delivered to the
// submitter as a message from the worker process. get() and wait() are
// scheduling points; the set of the value happens before the get that
// returns it.

#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "weft/channel.h"
#include "weft/chrono.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// FutureRef names a future's state in the execution that made it.
struct FutureRef {
  std::uint64_t generation = 0;
  void* state = nullptr;
};

// Outcome is what a task ended with: its value, or the exception it threw.
template <class T>
struct Outcome {
  std::optional<T> value;
  std::exception_ptr error;
};
template <>
struct Outcome<void> {
  std::exception_ptr error;
};

// The engine side (harness/src/future.cpp). future_claim makes the calling
// thread's process the one that owes the value: if it dies first, the
// future is broken.
FutureRef future_create(source_location where);
void future_claim(const FutureRef& f) noexcept;
void future_set(const FutureRef& f, std::unique_ptr<MessageBox> outcome, source_location where);
// future_get waits for the value or a broken promise; with `take` it moves
// the outcome into `out` (a second take is Misuse).
channel_status future_get(const FutureRef& f, std::unique_ptr<MessageBox>& out, bool take, std::int64_t deadline,
                          source_location where);
[[noreturn]] void throw_broken_promise();
}  // namespace detail

// future<T> is the value a pool task will produce. Shaped like std::future:
// get() once, wait() any number of times. A future whose worker process died
// before delivering is broken: get() throws std::future_error with
// std::future_errc::broken_promise.
template <class T>
class future {
 public:
  future() noexcept = default;
  future(future&& other) noexcept : ref_(std::exchange(other.ref_, {})) {}
  future& operator=(future&& other) noexcept {
    ref_ = std::exchange(other.ref_, {});
    return *this;
  }

  // valid: this future has a state and get() has not taken its value.
  bool valid() const noexcept { return ref_.state != nullptr; }

  // get waits for the value and returns it, or rethrows the task's
  // exception. Calling it twice is Misuse.
  T get(source_location where = source_location::current()) {
    std::unique_ptr<detail::MessageBox> box;
    const channel_status status = detail::future_get(ref_, box, true, detail::kNoDeadline, where);
    ref_ = {};
    if (status != channel_status::ok || !box) detail::throw_broken_promise();
    auto& outcome = static_cast<detail::TypedBox<detail::Outcome<T>>&>(*box).value;
    if (outcome.error) std::rethrow_exception(outcome.error);
    if constexpr (std::is_void_v<T>)
      return;
    else
      return std::move(*outcome.value);
  }
  // wait blocks until the value is there (or the future is broken).
  void wait(source_location where = source_location::current()) const {
    std::unique_ptr<detail::MessageBox> none;
    detail::future_get(ref_, none, false, detail::kNoDeadline, where);
  }
  // wait_for waits at most `span` of virtual time: ready or timeout.
  template <class Rep, class Period>
  std::future_status wait_for(const std::chrono::duration<Rep, Period>& span,
                              source_location where = source_location::current()) const {
    std::unique_ptr<detail::MessageBox> none;
    return detail::future_get(ref_, none, false, detail::deadline_after(span), where) == channel_status::timeout
               ? std::future_status::timeout
               : std::future_status::ready;
  }

 private:
  friend class pool;
  explicit future(detail::FutureRef ref) noexcept : ref_(ref) {}
  detail::FutureRef ref_;
};

}  // namespace weft
