// The interposition's observer of every execution explore and replay run.

#include <sys/single_threaded.h>

#include "interposition_hook.h"
#include "scheduler/execution.h"

namespace weft::interpose {

namespace {
class InterpositionObserver final : public sched::Observer {
 public:
  void begin(sched::Execution&) override {
    // glibc keeps this 1 until the process makes a real thread, and
    // libstdc++ then takes non-atomic paths (shared_ptr's counts): wrong
    // for threads that only weft knows of, and invisible to TSan.
    __libc_single_threaded = 0;
  }
  void on_event(sched::Execution&, const sched::Event&) override {}
};
}  // namespace

}  // namespace weft::interpose

namespace weft::detail {
std::unique_ptr<sched::Observer> make_interposition_observer() {
  return std::make_unique<interpose::InterpositionObserver>();
}
}  // namespace weft::detail
