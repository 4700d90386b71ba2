#include "forwarding.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>

#include "scheduler/execution.h"
#include "scheduler/tsan.h"

namespace weft::interpose {

namespace {
void die(const char* name) noexcept {
  // No allocation and no stdio: this may run before main or inside a
  // sanitizer's callback.
  const char head[] = "weft::interpose: cannot find the real ";
  (void)!::write(STDERR_FILENO, head, sizeof head - 1);
  (void)!::write(STDERR_FILENO, name, std::strlen(name));
  (void)!::write(STDERR_FILENO, "\n", 1);
  std::abort();
}
}  // namespace

void* find_real(const char* name, const char* version) noexcept {
  // weft's own work: dlsym runs under the loader's lock and may free an
  // error string, which instrumented code's hooks must not take for the
  // program's (they would look up source lines, which takes that lock).
  const sched::Execution::Uncontrolled weft_itself;
  const sched::tsan::Unseen unseen;
  char interceptor[128] = "__interceptor_";
  const std::size_t prefix = std::strlen(interceptor);
  const std::size_t length = std::strlen(name);
  if (prefix + length < sizeof interceptor) {
    std::memcpy(interceptor + prefix, name, length + 1);
    if (void* p = ::dlsym(RTLD_DEFAULT, interceptor)) return p;
  }
  void* p = version ? ::dlvsym(RTLD_NEXT, name, version) : nullptr;
  if (!p) p = ::dlsym(RTLD_NEXT, name);
  if (!p) die(name);
  return p;
}

}  // namespace weft::interpose
