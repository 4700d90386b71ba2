#pragma once
// Forwarding an interposed call to the implementation it replaces, for calls
// weft does not control (outside an execution, or on a thread weft did not
// create).

#include <atomic>
#include <cstring>

namespace weft::interpose {

// find_real returns the implementation `name` forwards to: the
// ThreadSanitizer interceptor `__interceptor_<name>` where the executable
// has one (clang links TSan's runtime into the executable, and TSan must
// still see every call weft does not control), else the next definition
// after the executable's own: glibc's, or a dynamic sanitizer runtime's
// interceptor. `version` picks a glibc symbol version (pthread_cond_* has
// two, and only GLIBC_2.3.2 is the current one). It never returns null: a
// function it cannot find ends the process with a message.
void* find_real(const char* name, const char* version) noexcept;

// Real<F> is the forwarding target of one function, looked up on first
// use. It is constant-initialised (no guard variable, nothing to construct
// before main), so it can be used from any constructor, signal handler or
// sanitizer callback; the lookup is idempotent, so racing first uses agree.
template <class F>
class Real {
 public:
  constexpr explicit Real(const char* name, const char* version = nullptr) noexcept
      : name_(name), version_(version) {}

  template <class... Args>
  auto operator()(Args... args) const noexcept {
    void* p = resolve();
    F f;
    static_assert(sizeof f == sizeof p);
    std::memcpy(&f, &p, sizeof f);  // an object pointer to a function pointer, as dlsym requires
    return f(args...);
  }

  // resolve looks the target up now if it was not yet (for functions that
  // signal handlers call, looked up before main), and returns it.
  void* resolve() const noexcept {
    void* p = cached_.load(std::memory_order_acquire);
    if (!p) {
      p = find_real(name_, version_);
      cached_.store(p, std::memory_order_release);
    }
    return p;
  }

 private:
  const char* name_;
  const char* version_;
  mutable std::atomic<void*> cached_{nullptr};
};

}  // namespace weft::interpose
