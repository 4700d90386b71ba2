#include "checkers/tsan_report.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <vector>

#include "scheduler/execution.h"
#include "scheduler/trace.h"

// TSan's report-reading interface (tsan_interface.h declares it only for
// the runtime's own tests) and the sanitizers' symbolizer, as weak
// references: weft's library also serves executables without TSan.
extern "C" {
int __tsan_get_report_data(void* report, const char** description, int* count, int* stack_count, int* mop_count,
                           int* loc_count, int* mutex_count, int* thread_count, int* unique_tid_count,
                           void** sleep_trace, unsigned long trace_size) __attribute__((weak));
int __tsan_get_report_mop(void* report, unsigned long idx, int* tid, void** addr, int* size, int* write, int* atomic,
                          void** trace, unsigned long trace_size) __attribute__((weak));
int __tsan_get_report_loc(void* report, unsigned long idx, const char** type, void** addr, unsigned long* start,
                          unsigned long* size, int* tid, int* fd, int* suppressable, void** trace,
                          unsigned long trace_size) __attribute__((weak));
int __tsan_get_report_thread(void* report, unsigned long idx, int* tid, unsigned long* os_id, int* running,
                             const char** name, int* parent_tid, void** trace, unsigned long trace_size)
    __attribute__((weak));
void __sanitizer_symbolize_pc(void* pc, const char* format, char* out, unsigned long size) __attribute__((weak));
}

namespace weft::checkers::tsan_report {

namespace {
constexpr int kFrames = 32;  // TSan repeats a return address for each frame inlined there
constexpr int kThreads = 4;

struct Access {
  int tid = -1;
  void* address = nullptr;
  int size = 0;
  bool write = false;
  bool atomic = false;
  void* frames[kFrames] = {};
};

struct Thread {
  int tid = -1;
  char name[32] = {};
};

// Captured is plain data: the hook fills it without allocating.
struct Captured {
  std::uint64_t generation = 0;  // of the execution it arrived in
  char description[48] = {};
  int accesses = 0;
  Access access[2];
  int threads = 0;
  Thread thread[kThreads];
  bool located = false;
  char location[16] = {};
  unsigned long block_start = 0;
  unsigned long block_size = 0;
  int block_tid = -1;
};

enum : int { kEmpty, kFilling, kFull };
std::atomic<int> state{kEmpty};
Captured pending;
std::atomic<std::uint64_t> claimed_count{0};
std::atomic<std::uint64_t> unclaimed_count{0};
std::atomic<std::uint64_t> last_claimed_generation{0};

void copy(char* to, std::size_t size, const char* from) noexcept {
  if (!from) from = "";
  std::strncpy(to, from, size - 1);
  to[size - 1] = '\0';
}

// thread_label is "T2" for weft's fibers (named "weft T2"), else TSan's own
// name for the thread.
std::string thread_label(const Captured& c, int tid) {
  for (int i = 0; i < c.threads; ++i) {
    if (c.thread[i].tid != tid) continue;
    const char* name = c.thread[i].name;
    if (std::strncmp(name, "weft ", 5) == 0) return name + 5;
    if (*name) return std::string("thread '") + name + "'";
    return tid == 0 ? "the main thread (outside weft's threads)" : "TSan thread " + std::to_string(tid);
  }
  return "TSan thread " + std::to_string(tid);
}

// frames_of symbolizes one return address into its frames, innermost
// first: several when the compiler inlined calls there. Each is
// "function (file:line)".
std::vector<std::string> frames_of(void* pc) {
  std::vector<std::string> out;
  if (!__sanitizer_symbolize_pc) return out;
  char buffer[2048] = {};
  // Inlined frames come as consecutive NUL-terminated strings.
  __sanitizer_symbolize_pc(pc, "%f\x1f%s\x1f%l", buffer, sizeof buffer);
  for (const char* p = buffer; *p && p < buffer + sizeof buffer; p += std::strlen(p) + 1) {
    std::string text(p);
    const std::size_t a = text.find('\x1f');
    const std::size_t b = a == std::string::npos ? a : text.find('\x1f', a + 1);
    if (b == std::string::npos) {
      out.push_back(text);
      continue;
    }
    const std::string file = text.substr(a + 1, b - a - 1);
    const std::string line = text.substr(b + 1);
    std::string frame = text.substr(0, a);
    if (!file.empty()) frame += " (" + std::string(sched::base_name(file.c_str())) + (line.empty() || line == "0" ? "" : ":" + line) + ")";
    out.push_back(std::move(frame));
  }
  return out;
}

// weft_frame: the frames from here on are weft's thread entry, not the
// program's; the std::invoke machinery just above them is weft's too.
bool weft_frame(const std::string& frame) { return frame.rfind("weft::sched::", 0) == 0 || frame.find("weft::detail::BoundTask<") != std::string::npos; }
bool invoke_frame(const std::string& frame) {
  return frame.find("std::__invoke") != std::string::npos || frame.find("std::__apply_impl") != std::string::npos ||
         frame.find("std::apply<") != std::string::npos;
}

void append_stack(std::string& out, void* const* pcs) {
  std::vector<std::string> frames;
  for (int i = 0; i < kFrames && pcs[i]; ++i) {
    if (i > 0 && pcs[i] == pcs[i - 1]) continue;  // TSan repeats a pc once per inlined frame
    for (std::string& f : frames_of(pcs[i])) frames.push_back(std::move(f));
  }
  std::size_t end = 0;
  while (end < frames.size() && !weft_frame(frames[end])) ++end;
  while (end > 1 && invoke_frame(frames[end - 1])) --end;
  for (std::size_t i = 0; i < end; ++i) out += "      #" + std::to_string(i) + " " + frames[i] + "\n";
}


std::string render(const Captured& c) {
  std::string out = std::string("ThreadSanitizer: ") + c.description;
  if (c.located) {
    out += std::string(" (") + c.location;
    if (std::strcmp(c.location, "heap") == 0)
      out += " block of " + std::to_string(c.block_size) + " bytes, allocated by " + thread_label(c, c.block_tid);
    out += ")";
  }
  out += ":\n";
  for (int i = 0; i < c.accesses; ++i) {
    const Access& a = c.access[i];
    out += "  " + thread_label(c, a.tid) + (i == 0 ? " " : " previously ") + (a.write ? "wrote " : "read ") +
           std::to_string(a.size) + (a.atomic ? " bytes atomically" : " bytes") + ":\n";
    append_stack(out, a.frames);
  }
  return out;
}

sched::Verdict kind_of(const char* description) {
  if (std::strncmp(description, "heap-use-after-free", 19) == 0) return sched::Verdict::UseAfterFree;
  if (std::strncmp(description, "data-race", 9) == 0) return sched::Verdict::DataRace;
  return sched::Verdict::Misuse;
}
}  // namespace

void capture(void* report) noexcept {
  const sched::Execution* x = sched::Execution::bound();
  if (!x || !__tsan_get_report_data) {
    unclaimed_count.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  claimed_count.fetch_add(1, std::memory_order_relaxed);
  last_claimed_generation.store(x->generation(), std::memory_order_relaxed);
  int expected = kEmpty;
  if (!state.compare_exchange_strong(expected, kFilling, std::memory_order_acquire)) return;  // the first stands
  Captured& c = pending;
  c = Captured{};
  c.generation = x->generation();
  const char* description = nullptr;
  int count = 0, stacks = 0, mops = 0, locations = 0, mutexes = 0, threads = 0, unique_tids = 0;
  void* sleep[1] = {};
  __tsan_get_report_data(report, &description, &count, &stacks, &mops, &locations, &mutexes, &threads, &unique_tids,
                         sleep, 1);
  copy(c.description, sizeof c.description, description);
  c.accesses = mops < 2 ? mops : 2;
  for (int i = 0; i < c.accesses; ++i) {
    Access& a = c.access[i];
    int write = 0, atomic = 0;
    __tsan_get_report_mop(report, static_cast<unsigned long>(i), &a.tid, &a.address, &a.size, &write, &atomic,
                          a.frames, kFrames);
    a.write = write != 0;
    a.atomic = atomic != 0;
  }
  c.threads = threads < kThreads ? threads : kThreads;
  for (int i = 0; i < c.threads; ++i) {
    unsigned long os_id = 0;
    int running = 0, parent = 0;
    const char* name = nullptr;
    void* frames[1] = {};
    __tsan_get_report_thread(report, static_cast<unsigned long>(i), &c.thread[i].tid, &os_id, &running, &name,
                             &parent, frames, 1);
    copy(c.thread[i].name, sizeof c.thread[i].name, name);
  }
  if (locations > 0) {
    const char* type = nullptr;
    void* address = nullptr;
    int fd = 0, suppressable = 0;
    void* frames[1] = {};
    __tsan_get_report_loc(report, 0, &type, &address, &c.block_start, &c.block_size, &c.block_tid, &fd,
                          &suppressable, frames, 1);
    copy(c.location, sizeof c.location, type);
    c.located = true;
  }
  state.store(kFull, std::memory_order_release);
}

bool take(const sched::Execution& x, std::string& text, sched::Verdict& kind) {
  if (state.load(std::memory_order_acquire) != kFull) return false;
  if (pending.generation != x.generation()) {
    // Left over from an execution that ended before it could take it.
    if (pending.generation < x.generation()) state.store(kEmpty, std::memory_order_release);
    return false;
  }
  text = render(pending);
  kind = kind_of(pending.description);
  state.store(kEmpty, std::memory_order_release);
  return true;
}

bool repeats_in_execution() noexcept {
  const sched::Execution* x = sched::Execution::bound();
  return x && last_claimed_generation.load(std::memory_order_relaxed) == x->generation();
}

std::uint64_t unclaimed() noexcept { return unclaimed_count.load(std::memory_order_relaxed); }
std::uint64_t claimed() noexcept { return claimed_count.load(std::memory_order_relaxed); }

void start_symbolizer() noexcept {
  static std::atomic<bool> started{false};
  if (!__sanitizer_symbolize_pc || started.exchange(true)) return;
  char buffer[256] = {};
  __sanitizer_symbolize_pc(reinterpret_cast<void*>(&start_symbolizer), "%f", buffer, sizeof buffer);
}

}  // namespace weft::checkers::tsan_report
