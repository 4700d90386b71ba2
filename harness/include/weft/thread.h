#pragma once
// weft::thread and weft::this_thread: threads that run as fibers under the
// controlled scheduler, shaped like std::thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

#include "weft/chrono.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// Task is a move-only callable with its arguments bound, as std::thread
// stores them (decayed copies). Tasks are made and freed inside an
// execution, and a test starts the same threads in every execution: their
// memory is kept by the execution for the next ones instead of going back
// to the heap.
struct Task {
  virtual ~Task() = default;
  virtual void run() = 0;
  static void* operator new(std::size_t size);
  static void operator delete(void* p, std::size_t size) noexcept;
};

template <class F, class... Args>
struct BoundTask final : Task {
  template <class G, class... A>
  explicit BoundTask(G&& g, A&&... a) : fn(std::forward<G>(g)), args(std::forward<A>(a)...) {}
  void run() override { std::apply(std::move(fn), std::move(args)); }
  F fn;
  std::tuple<Args...> args;
};
}  // namespace detail

// thread runs a callable as a new weft thread. Creating, joining and
// detaching are scheduling points. Destroying or assigning over a joinable
// thread is reported as Misuse (std::thread would call std::terminate).
class thread {
 public:
  // id identifies a weft thread within its execution: thread 0 is the test
  // body, the others are numbered in creation order, so ids are the same in
  // every run of the same schedule. A default id names no thread.
  class id {
   public:
    id() noexcept = default;
    // number is the thread's number, or UINT32_MAX for no thread.
    std::uint32_t number() const noexcept { return n_; }
    friend bool operator==(id, id) noexcept = default;
    friend auto operator<=>(id, id) noexcept = default;
    // from_number names thread `n` of the running execution.
    static id from_number(std::uint32_t n) noexcept { return id(n); }
    friend std::ostream& operator<<(std::ostream& out, id i);

   private:
    explicit id(std::uint32_t n) noexcept : n_(n) {}
    std::uint32_t n_ = UINT32_MAX;
  };

  thread() noexcept = default;

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, thread> &&
                                              std::is_invocable_v<std::decay_t<F>>>>
  explicit thread(F&& f, source_location where = source_location::current())
      : thread(Start{}, std::make_unique<detail::BoundTask<std::decay_t<F>>>(std::forward<F>(f)), where) {}

  // With arguments C++ leaves no room for a defaulted location: the spawn
  // is traced without one.
  template <class F, class A, class... Args,
            class = std::enable_if_t<std::is_invocable_v<std::decay_t<F>, std::decay_t<A>, std::decay_t<Args>...>>>
  thread(F&& f, A&& a, Args&&... args)
      : thread(Start{},
               std::make_unique<detail::BoundTask<std::decay_t<F>, std::decay_t<A>, std::decay_t<Args>...>>(
                   std::forward<F>(f), std::forward<A>(a), std::forward<Args>(args)...),
               source_location{}) {}

  thread(thread&& other) noexcept;
  thread& operator=(thread&& other);
  thread(const thread&) = delete;
  thread& operator=(const thread&) = delete;
  ~thread();

  bool joinable() const noexcept;
  id get_id() const noexcept;
  // join blocks until the thread finishes; joining a thread that is not
  // joinable, or joining oneself, is Misuse.
  void join(source_location where = source_location::current());
  // detach lets the thread run on; the execution still waits for it to end.
  void detach(source_location where = source_location::current());
  void swap(thread& other) noexcept;

  static unsigned hardware_concurrency() noexcept { return 2; }

 private:
  struct Start {};
  thread(Start, std::unique_ptr<detail::Task> task, source_location where);
  void release_unjoined(const char* what) noexcept;

  std::uint32_t number_ = UINT32_MAX;  // UINT32_MAX: not joinable
  std::uint64_t generation_ = 0;       // the execution the thread belongs to
};

namespace this_thread {

// get_id returns the calling weft thread's id (a default id outside weft).
thread::id get_id() noexcept;

// yield is a scheduling point that prefers another thread: spin loops that
// yield never starve the thread they wait for, under any strategy.
void yield(source_location where = source_location::current());

// sleep_for and sleep_until wait on the virtual clock (see chrono.h).
void sleep_until_ns(std::int64_t deadline, source_location where);

template <class Rep, class Period>
void sleep_for(const std::chrono::duration<Rep, Period>& span,
               source_location where = source_location::current()) {
  sleep_until_ns(detail::deadline_after(span), where);
}

template <class Clock, class Duration>
void sleep_until(const std::chrono::time_point<Clock, Duration>& when,
                 source_location where = source_location::current()) {
  sleep_until_ns(detail::deadline_of(when), where);
}

}  // namespace this_thread
}  // namespace weft

template <>
struct std::hash<weft::thread::id> {
  std::size_t operator()(weft::thread::id i) const noexcept { return i.number(); }
};
