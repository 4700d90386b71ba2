// pthread_create, join, detach, exit, self and the few functions
// that take a thread's handle: weft threads under weft's scheduler.

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <threads.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "forwarding.h"
#include "table.h"
#include "weft/thread.h"

namespace weft::interpose {

// ThreadExit carries pthread_exit's value out of a weft thread's frames.
// It is an Unwind, so that on thread 0 (the test body, which pthread_create
// did not start) the engine ends the thread quietly too.
struct ThreadExit : sched::Unwind {
  void* value;
};

// ThreadTwin is a thread pthread_create started during an execution.
struct ThreadTwin {
  ThreadTwin(void* (*start_routine)(void*), void* argument, bool of_std_thread) noexcept
      : start(start_routine), arg(argument), std_thread_state(of_std_thread) {}
  ThreadTwin(const ThreadTwin&) = delete;
  ThreadTwin& operator=(const ThreadTwin&) = delete;
  // At the end of the execution: a std::thread's state (its callable and
  // arguments) is freed by the start routine as it returns or unwinds; a
  // thread that was abandoned, or never ran, leaves it to us.
  ~ThreadTwin() {
    if (std_thread_state && !ended) delete static_cast<std::thread::_State*>(arg);
  }

  void run() {
    struct Ended {
      ThreadTwin& t;
      ~Ended() { t.ended = true; }
    } ended_on_return_or_unwind{*this};
    try {
      result = start(arg);
    } catch (const ThreadExit& e) {
      result = e.value;
    }
  }

  void* (*start)(void*);
  void* arg;
  bool std_thread_state;     // arg is a std::thread::_State the start routine owns
  weft::thread thread;
  void* result = nullptr;
  bool ended = false;        // run() returned or unwound (not abandoned)
  bool joined = false;
  bool detached = false;
};

namespace {

constinit Real<int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*)> real_create{"pthread_create"};
constinit Real<int (*)(pthread_t, void**)> real_join{"pthread_join"};
constinit Real<int (*)(pthread_t)> real_detach{"pthread_detach"};
constinit Real<void (*)(void*)> real_exit{"pthread_exit"};
constinit Real<int (*)(pthread_t, int)> real_kill{"pthread_kill"};
constinit Real<int (*)(pthread_t)> real_cancel{"pthread_cancel"};
constinit Real<int (*)(pthread_t, const char*)> real_setname{"pthread_setname_np"};
constinit Real<int (*)(pthread_t, char*, std::size_t)> real_getname{"pthread_getname_np"};
constinit Real<int (*)(pthread_t, pthread_attr_t*)> real_getattr{"pthread_getattr_np"};

// std::thread's constructor calls pthread_create from this function.
constexpr const char* kStartThread = "_ZNSt6thread15_M_start_threadESt10unique_ptrINS_6_StateESt14default_deleteIS1_EEPFvvE";
// Its code's address range, looked up once (begin 1 and end 1: not found).
constinit std::atomic<std::uintptr_t> start_thread_begin{0};
constinit std::atomic<std::uintptr_t> start_thread_end{0};

// called_by_std_thread says whether pthread_create was called from
// std::thread's constructor, whose argument is then a std::thread::_State.
bool called_by_std_thread(const void* return_address) {
  std::uintptr_t begin = start_thread_begin.load(std::memory_order_acquire);
  if (!begin) {
    begin = 1;
    std::uintptr_t end = 1;
    Dl_info info{};
    void* symbol = nullptr;  // dladdr1 gives a const ElfW(Sym)*
    if (void* f = ::dlsym(RTLD_DEFAULT, kStartThread); f && ::dladdr1(f, &info, &symbol, RTLD_DL_SYMENT) && symbol) {
      begin = reinterpret_cast<std::uintptr_t>(f);
      end = begin + static_cast<const ElfW(Sym)*>(symbol)->st_size;
    }
    start_thread_end.store(end, std::memory_order_relaxed);
    start_thread_begin.store(begin, std::memory_order_release);
  }
  const auto at = reinterpret_cast<std::uintptr_t>(return_address);
  return begin <= at && at < start_thread_end.load(std::memory_order_relaxed);
}

// twin_of returns the twin of the thread with handle `h`, or reports why
// there is none (naming what `verb` did) and returns null.
ThreadTwin* twin_of(Execution& x, pthread_t h, const char* verb) {
  const ThreadId t = thread_of(h);
  if (!is_weft_handle(h)) {
    misuse(x, std::string(verb) + " a thread that is not a thread of this execution "
                                  "(its pthread_t was not made by pthread_create inside it)");
    return nullptr;
  }
  Table& table = table_of(x);
  ThreadTwin* twin = t < table.threads.size() ? table.threads[t] : nullptr;
  if (!twin) {
    misuse(x, std::string(verb) + " " + detail::thread_name(t) +
                  (t == 0 ? ", the test body, which pthread_create did not start" : ", which does not exist"));
    return nullptr;
  }
  return twin;
}

}  // namespace
}  // namespace weft::interpose

using namespace weft::interpose;

extern "C" {

int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) noexcept {
  Execution* x = controlling();
  if (!x) return real_create(thread, attr, start, arg);
  const bool of_std_thread = called_by_std_thread(__builtin_return_address(0));
  ThreadTwin& t = *make_twin<ThreadTwin>(*x, start, arg, of_std_thread);
  deferred(*x, [&] { t.thread = weft::thread([&t] { t.run(); }, kNowhere); });
  if (!t.thread.joinable()) {
    // The execution is ending and nothing was started: the caller is
    // abandoned (the twin then frees a std::thread's state, which the
    // abandoned constructor owned), or gets an error, and std::thread's
    // constructor frees its state itself as it throws.
    leave_if_ending(*x);
    t.std_thread_state = false;
    return EAGAIN;
  }
  const ThreadId id = t.thread.get_id().number();
  Table& table = table_of(*x);
  if (table.threads.size() <= id) table.threads.resize(id + 1, nullptr);
  table.threads[id] = &t;
  *thread = handle_of(id);
  int detach_state = PTHREAD_CREATE_JOINABLE;
  if (attr && pthread_attr_getdetachstate(attr, &detach_state) == 0 && detach_state == PTHREAD_CREATE_DETACHED) {
    deferred(*x, [&] { t.thread.detach(kNowhere); });
    t.detached = true;
  }
  return 0;
}

int pthread_join(pthread_t thread, void** value) {
  Execution* x = controlling();
  if (!x) return real_join(thread, value);
  if (is_weft_handle(thread) && thread_of(thread) == x->current()) {
    misuse(*x, "joins itself (pthread_join would return EDEADLK)");
    leave_if_ending(*x);
    return EDEADLK;
  }
  ThreadTwin* t = twin_of(*x, thread, "joins");
  if (t && (t->joined || t->detached)) {
    misuse(*x, "joins " + weft::detail::thread_name(thread_of(thread)) + ", which was " +
                   (t->joined ? "joined already" : "detached") + " (pthread_join would return EINVAL)");
    t = nullptr;
  }
  if (!t) {
    leave_if_ending(*x);
    return EINVAL;
  }
  deferred(*x, [&] { t->thread.join(kNowhere); });
  if (x->aborting()) {
    leave_if_ending(*x);
    return 0;
  }
  t->joined = true;
  if (value) *value = t->result;
  return 0;
}

int pthread_detach(pthread_t thread) noexcept {
  Execution* x = controlling();
  if (!x) return real_detach(thread);
  ThreadTwin* t = twin_of(*x, thread, "detaches");
  if (t && (t->joined || t->detached)) {
    misuse(*x, "detaches " + weft::detail::thread_name(thread_of(thread)) + ", which was " +
                   (t->joined ? "joined already" : "detached already") + " (pthread_detach would return EINVAL)");
    return EINVAL;
  }
  if (!t) return EINVAL;
  deferred(*x, [&] { t->thread.detach(kNowhere); });
  t->detached = true;
  return 0;
}

void pthread_exit(void* value) {
  if (!controlling()) real_exit(value);
  throw ThreadExit{{}, value};
}

pthread_t pthread_self() noexcept {
  // No lookup and no guard variable on this path: sanitizer runtimes call
  // pthread_self from their signal handlers. thrd_current is glibc's own
  // pthread_self under its C11 name, which weft does not interpose.
  if (Execution* x = Execution::active()) return handle_of(x->current());
  return static_cast<pthread_t>(thrd_current());
}

// pthread_equal needs no twin: glibc's compares the handles, weft's too.

int pthread_kill(pthread_t thread, int signal) noexcept {
  if (!is_weft_handle(thread)) return real_kill(thread, signal);
  Execution* x = controlling();
  if (!x) return ESRCH;
  if (signal == 0) {
    // Is the thread alive? That is all a signal 0 asks.
    Table& table = table_of(*x);
    const ThreadId t = thread_of(thread);
    const bool alive = t == 0 || (t < table.threads.size() && table.threads[t] && !table.threads[t]->ended);
    return alive ? 0 : ESRCH;
  }
  misuse(*x, "sends signal " + std::to_string(signal) + " to " + weft::detail::thread_name(thread_of(thread)) +
                 " with pthread_kill: weft threads cannot receive signals");
  return EINVAL;
}

int pthread_cancel(pthread_t thread) {
  if (!is_weft_handle(thread)) return real_cancel(thread);
  if (Execution* x = controlling())
    misuse(*x, "cancels " + weft::detail::thread_name(thread_of(thread)) + ": weft does not support pthread_cancel");
  return ESRCH;
}

int pthread_setname_np(pthread_t thread, const char* name) noexcept {
  // A weft thread has no OS thread of its own to name.
  return is_weft_handle(thread) ? 0 : real_setname(thread, name);
}

int pthread_getname_np(pthread_t thread, char* buffer, std::size_t size) noexcept {
  if (!is_weft_handle(thread)) return real_getname(thread, buffer, size);
  const int n = std::snprintf(buffer, size, "weft T%u", thread_of(thread));
  return n >= 0 && static_cast<std::size_t>(n) < size ? 0 : ERANGE;
}

int pthread_getattr_np(pthread_t thread, pthread_attr_t* attr) noexcept {
  if (!is_weft_handle(thread)) return real_getattr(thread, attr);
  if (Execution* x = controlling())
    misuse(*x, "asks for the attributes of " + weft::detail::thread_name(thread_of(thread)) +
                   " (pthread_getattr_np): a weft thread has no OS thread of its own");
  return ESRCH;
}

}  // extern "C"
