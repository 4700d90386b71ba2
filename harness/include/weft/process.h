#pragma once
// weft::process: a function run as a separate simulated process, made of
// one or more weft threads (the threads it starts belong to it). Processes
// share no memory: they talk through weft::pipe and weft::queue, and a
// weft::var touched by two processes is Misuse. Starting, joining, killing
// and asking for the status are scheduling points.

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "weft/source_location.h"

namespace weft {

// exit_kind says how a process ended.
enum class exit_kind : std::uint8_t {
  running,  // it has not ended yet
  exited,   // its function returned (exit_status::code is what it returned, or 0)
  killed,   // another process (or itself) called kill()
  crashed,  // an injected crash (Options::process_crashes)
  threw,    // its function let an exception escape (exit_status::message says which)
};

// exit_status is a process's exit status.
struct exit_status {
  exit_kind kind = exit_kind::running;
  int code = 0;
  std::string message;  // for `threw`: the exception's type and what()

  // ok: the process returned 0.
  bool ok() const noexcept { return kind == exit_kind::exited && code == 0; }
  friend bool operator==(const exit_status&, const exit_status&) = default;
};

std::ostream& operator<<(std::ostream& out, const exit_status& status);

namespace detail {
// adopt_end makes a pipe end passed as a process argument belong to the new
// process from its start (pipe.h overloads it for the ends); any other
// argument is left alone.
template <class T>
void adopt_end(const T&, std::uint32_t) noexcept {}

// ProcessTask is a process's function with its arguments bound, as
// std::thread binds them (decayed copies).
struct ProcessTask {
  virtual ~ProcessTask() = default;
  virtual int run() = 0;
  virtual void adopt(std::uint32_t process) = 0;
};

template <class F, class... Args>
struct BoundProcessTask final : ProcessTask {
  template <class G, class... A>
  explicit BoundProcessTask(G&& g, A&&... a) : fn(std::forward<G>(g)), args(std::forward<A>(a)...) {}
  int run() override {
    if constexpr (std::is_void_v<std::invoke_result_t<F, Args...>>) {
      std::apply(std::move(fn), std::move(args));
      return 0;
    } else {
      return static_cast<int>(std::apply(std::move(fn), std::move(args)));
    }
  }
  void adopt(std::uint32_t process) override {
    std::apply([&](const auto&... a) { (adopt_end(a, process), ...); }, args);
  }
  F fn;
  std::tuple<Args...> args;
};
}  // namespace detail

// process runs a callable (returning void, or an exit code) as a new
// process. When the function returns, the process exits: its other threads
// end at their next scheduling point, as exit() ends them. An exception that
// escapes the function is the process's own failure, its status `threw`,
// not the test's: a supervisor must be able to observe it. It is reported as
// UncaughtException only if its status is never read (wait() or status())
// before the process object is destroyed. Destroying a process object while
// the process runs, unless detached, is Misuse (join, wait or detach first).
class process {
 public:
  process() noexcept = default;

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, process> &&
                                              std::is_invocable_v<std::decay_t<F>&>>>
  explicit process(F&& f, source_location where = source_location::current())
      : process(std::string(), std::forward<F>(f), where) {}

  // With a name, reports say "process worker" instead of "process#2".
  template <class F, class = std::enable_if_t<std::is_invocable_v<std::decay_t<F>&>>>
  process(std::string name, F&& f, source_location where = source_location::current()) {
    start(std::move(name), std::make_unique<detail::BoundProcessTask<std::decay_t<F>>>(std::forward<F>(f)), where);
  }

  // With arguments, bound as std::thread binds them: a pipe end passed so
  // belongs to the new process from its start, so that its death closes the
  // end even if it never used it. C++ leaves no room for a defaulted
  // location here: the start is traced without one.
  template <class F, class A, class... Args,
            class = std::enable_if_t<std::is_invocable_v<std::decay_t<F>, std::decay_t<A>, std::decay_t<Args>...>>>
  process(F&& f, A&& a, Args&&... args)
      : process(std::string(), std::forward<F>(f), std::forward<A>(a), std::forward<Args>(args)...) {}
  template <class F, class A, class... Args,
            class = std::enable_if_t<std::is_invocable_v<std::decay_t<F>, std::decay_t<A>, std::decay_t<Args>...>>>
  process(std::string name, F&& f, A&& a, Args&&... args) {
    start(std::move(name),
          std::make_unique<detail::BoundProcessTask<std::decay_t<F>, std::decay_t<A>, std::decay_t<Args>...>>(
              std::forward<F>(f), std::forward<A>(a), std::forward<Args>(args)...),
          source_location{});
  }

  process(process&& other) noexcept;
  process& operator=(process&& other);
  process(const process&) = delete;
  process& operator=(const process&) = delete;
  ~process();

  // joinable: this object has a process not yet joined, waited or detached.
  bool joinable() const noexcept { return state_ != nullptr && !settled_; }
  // get_id is the process's number: 0 is the test body's, others count up
  // from 1 in creation order within an execution.
  std::uint32_t get_id() const noexcept { return id_; }

  // join waits until every thread of the process has ended. Joining an
  // object without a process, or from the process itself, is Misuse.
  void join(source_location where = source_location::current());
  // wait joins (if not joined yet) and returns the exit status.
  exit_status wait(source_location where = source_location::current());
  // status is the exit status now: `running` until every thread has ended.
  exit_status status(source_location where = source_location::current());
  // kill ends the process: its threads unwind (their destructors run) at
  // their current or next scheduling point, its pipe ends close, and whoever
  // waits on them wakes. Killing an ended process does nothing.
  void kill(source_location where = source_location::current());
  // detach lets the process run on unobserved; the execution still waits
  // for it to end.
  void detach(source_location where = source_location::current());

 private:
  void start(std::string name, std::unique_ptr<detail::ProcessTask> task, source_location where);
  void release(const char* what) noexcept;

  void* state_ = nullptr;           // the process's state in its execution; null: none
  std::uint64_t generation_ = 0;    // that execution
  std::uint32_t id_ = 0;
  bool settled_ = false;            // joined, waited or detached
};

namespace this_process {
// get_id is the calling thread's process number (0 outside weft and in the
// test body's own process).
std::uint32_t get_id() noexcept;
// set_name names the calling thread's process in reports for the rest of the
// execution (the test body's process is "main" until it does).
void set_name(std::string name);
}  // namespace this_process

}  // namespace weft
