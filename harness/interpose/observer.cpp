// The interposition's observer of every execution explore and replay run:
// it readies the process for threads weft alone knows of, and watches for
// thread_local variables that several weft threads write (they share them).

#include <dlfcn.h>
#include <link.h>
#include <sys/single_threaded.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "interposition_hook.h"
#include "scheduler/execution.h"
#include "scheduler/tsan.h"

namespace weft::interpose {

namespace {
// ThreadLocalBlock is this OS thread's copy of the executable's own
// thread-local storage (its PT_TLS segment): every thread_local variable
// defined in the test executable, and nothing of libc's or libstdc++'s.
struct ThreadLocalBlock {
  const unsigned char* data = nullptr;
  std::size_t size = 0;
};

ThreadLocalBlock executable_block() {
  ThreadLocalBlock block;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) {
        auto& b = *static_cast<ThreadLocalBlock*>(out);
        for (int i = 0; i < info->dlpi_phnum; ++i)
          if (info->dlpi_phdr[i].p_type == PT_TLS) b.size = info->dlpi_phdr[i].p_memsz;
        b.data = static_cast<const unsigned char*>(info->dlpi_tls_data);
        return 1;  // the executable comes first: stop there
      },
      &block);
  if (!block.data) block.size = 0;
  return block;
}

// kWatchedExecutions: thread_local use looks alike in every execution, so
// the first few are watched, which keeps the cost (a comparison of the
// block per event) out of long explorations.
constexpr std::uint64_t kWatchedExecutions = 3;

class InterpositionObserver final : public sched::Observer {
 public:
  InterpositionObserver()
      // ThreadSanitizer's runtime, when linked in, keeps its own state in
      // the executable's thread-local storage and writes it all the time.
      : block_(::dlsym(RTLD_DEFAULT, "__tsan_init") ? ThreadLocalBlock{} : executable_block()) {}

  void begin(sched::Execution& x) override {
    // glibc keeps this 1 until the process makes a real thread, and
    // libstdc++ then takes non-atomic paths (shared_ptr's counts): wrong
    // for threads that only weft knows of, and invisible to TSan.
    __libc_single_threaded = 0;
    watching_ = !warned_ && block_.size > 0 && x.index() < kWatchedExecutions;
    if (!watching_) return;
    seen_.assign(block_.data, block_.data + block_.size);
    writers_.clear();
  }

  bool wants_events() const override { return watching_; }

  void on_event(sched::Execution& x, const sched::Event&) override {
    if (!watching_ || unchanged()) return;
    // What changed was written since the last event, by the thread that
    // ran since: the one at its next scheduling point now.
    std::memcpy(seen_.data(), block_.data, block_.size);
    writers_.insert(x.current());
    if (writers_.size() < 2) return;
    warned_ = true;
    watching_ = false;
    std::string who;
    for (sched::ThreadId t : writers_) who += (who.empty() ? "T" : " and T") + std::to_string(t);
    std::fprintf(stderr,
                 "weft: warning: %s wrote the executable's thread_local variables in execution %llu. weft runs "
                 "every thread on one OS thread, so all of them share one copy of each thread_local variable "
                 "and see each other's values, which real threads would not (docs/interposition.md).\n",
                 who.c_str(), static_cast<unsigned long long>(x.index() + 1));
  }

 private:
  // unchanged: is the block as seen last, but for weft's own thread_local
  // count of its scopes (sched::tsan::unseen_depth), which weft changes on
  // every thread?
  bool unchanged() const noexcept {
    const auto* own = reinterpret_cast<const unsigned char*>(&sched::tsan::unseen_depth);
    if (own < block_.data || own + sizeof(int) > block_.data + block_.size)
      return std::memcmp(seen_.data(), block_.data, block_.size) == 0;
    const std::size_t at = static_cast<std::size_t>(own - block_.data);
    const std::size_t after = at + sizeof(int);
    return std::memcmp(seen_.data(), block_.data, at) == 0 &&
           std::memcmp(seen_.data() + after, block_.data + after, block_.size - after) == 0;
  }

  ThreadLocalBlock block_;
  bool watching_ = false;
  bool warned_ = false;  // once per exploration
  std::vector<unsigned char> seen_;
  std::set<sched::ThreadId> writers_;
};
}  // namespace

}  // namespace weft::interpose

namespace weft::detail {
std::unique_ptr<sched::Observer> make_interposition_observer() {
  return std::make_unique<interpose::InterpositionObserver>();
}
}  // namespace weft::detail
