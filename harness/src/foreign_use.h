#pragma once
// Uncontrolled OS threads. A weft::atomic or weft::var used by an OS thread
// that is none of an execution's weft threads (a std::thread started
// without weft::interpose) is a plain value to that thread: its operations
// are not scheduling points, so weft neither interleaves nor replays them,
// and the test's outcome then depends on real timing. When the object is
// one of a running execution's, that is a Misuse of that execution.
//
// The object is known to be the execution's when its Slot is bound to the
// execution at the time of the foreign use, or when one of the execution's
// threads binds it later in the same execution (the OS thread got there
// first). An object no running execution ever uses stays a plain value
// (weft primitives outside an execution, docs/writing-tests.md).

#include <atomic>
#include <cstdint>
#include <vector>

#include "scheduler/execution.h"
#include "scheduler/observer.h"
#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft::detail {

// ForeignUseWatch lets foreign uses of an execution's objects be reported:
// explore and replay observe every execution with one. At the end of an
// execution that used none, nothing happens; one that did and would
// otherwise pass fails as Misuse, at its last step, so that the report
// does not depend on when the OS thread ran.
class ForeignUseWatch final : public sched::Observer {
 public:
  ForeignUseWatch();
  ForeignUseWatch(const ForeignUseWatch&) = delete;
  ForeignUseWatch& operator=(const ForeignUseWatch&) = delete;
  ~ForeignUseWatch() override;

  void begin(sched::Execution& execution) override;
  bool wants_events() const override { return false; }
  void on_event(sched::Execution&, const sched::Event&) override {}
  void end(sched::Execution& execution) override;

 private:
  friend struct ForeignUseRegistry;
  friend void foreign_use(const Slot& slot, const char* kind, source_location where) noexcept;
  friend void first_binding(const sched::Execution& x, const Slot& slot) noexcept;

  // A use, tagged with the generation of the execution it was seen in: a
  // foreign thread may record one just as that execution ends.
  struct Use {
    const Slot* slot;
    const char* kind;
    source_location where;
    std::uint64_t generation;
  };
  // The watched execution's generation (0 between executions), and whether
  // anything was recorded since the last look: an execution takes the
  // registry's lock at its begin and end only then.
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> noted_{false};
  // Under the registry's lock.
  std::uint64_t seen_in_ = 0;     // the generation a use of one of its objects was seen in
  Use seen_{};                    // that use (the first)
  std::vector<Use> unbound_;      // objects foreign threads used before any thread of the execution did
};

// foreign_use is called for an operation on `slot` (of a weft::atomic or
// weft::var, as `kind` says) made where no weft thread runs; it counts only
// on an OS thread no execution is bound to.
void foreign_use(const Slot& slot, const char* kind, source_location where) noexcept;

// first_binding is called when a thread of `x` is about to bind `slot` in
// this execution: it was the execution's all along.
void first_binding(const sched::Execution& x, const Slot& slot) noexcept;

}  // namespace weft::detail
