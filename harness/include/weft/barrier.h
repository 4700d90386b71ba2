#pragma once
// weft::barrier: a reusable phase barrier, like std::barrier.

#include <cstddef>
#include <cstdint>
#include <utility>

#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// BarrierBase counts arrivals per phase. The thread whose arrival completes
// a phase runs the completion function, then every waiter of that phase may
// go on.
class BarrierBase {
 public:
  // arrival_token ties a wait to the phase its arrival belonged to.
  class arrival_token {
   public:
    arrival_token(arrival_token&&) noexcept = default;
    arrival_token& operator=(arrival_token&&) noexcept = default;

   private:
    friend class BarrierBase;
    explicit arrival_token(std::uint64_t phase) noexcept : phase_(phase) {}
    std::uint64_t phase_;
  };

  BarrierBase(const BarrierBase&) = delete;
  BarrierBase& operator=(const BarrierBase&) = delete;

  [[nodiscard]] arrival_token arrive(std::ptrdiff_t update = 1,
                                     source_location where = source_location::current());
  void wait(arrival_token&& token, source_location where = source_location::current()) const;
  void arrive_and_wait(source_location where = source_location::current());
  void arrive_and_drop(source_location where = source_location::current());

  static constexpr std::ptrdiff_t max() noexcept { return PTRDIFF_MAX; }

 protected:
  using Completion = void (*)(void*);
  BarrierBase(std::ptrdiff_t expected, Completion completion, void* context) noexcept
      : expected_(expected), completion_(completion), context_(context) {}
  ~BarrierBase();

 private:
  arrival_token arrive(std::ptrdiff_t update, bool drop, source_location where);

  mutable Slot slot_;
  std::ptrdiff_t expected_;
  Completion completion_;
  void* context_;
};

struct NoCompletion {
  void operator()() noexcept {}
};
}  // namespace detail

// barrier mirrors std::barrier; CompletionFunction runs once per phase, on
// the thread whose arrival completed it.
template <class CompletionFunction = detail::NoCompletion>
class barrier : public detail::BarrierBase {
 public:
  explicit barrier(std::ptrdiff_t expected, CompletionFunction f = CompletionFunction())
      : BarrierBase(expected, &call, this), completion_(std::move(f)) {}

 private:
  static void call(void* self) { static_cast<barrier*>(self)->completion_(); }
  CompletionFunction completion_;
};

}  // namespace weft
