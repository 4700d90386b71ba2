#include "io_report.h"

#include <signal.h>

#include "message_state.h"
#include "symbols.h"

namespace weft::interpose {

sched::Location caller_where(const void* caller) {
  if (!caller) return {};
  return verifier::caller_location(caller);
}

void misuse_at(Execution& x, const std::string& what, const void* caller) noexcept {
  deferred(x, [&] {
    if (x.aborting() || detail::caller_dying(x)) return;
    x.fail(sched::Verdict::Misuse, detail::who(x) + " " + what, caller_where(caller));
  });
}

bool sigpipe(Execution& x, const std::string& what, const void* caller) noexcept {
  struct sigaction action {};
  ::sigaction(SIGPIPE, nullptr, &action);
  sigset_t blocked;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &blocked);
  if (action.sa_handler == SIG_IGN || sigismember(&blocked, SIGPIPE) == 1) return false;
  if (action.sa_handler != SIG_DFL) {
    // The kernel runs the handler before the call returns EPIPE, on the
    // thread that wrote.
    ::raise(SIGPIPE);
    return false;
  }
  const sched::tsan::Unseen unseen;
  x.fail_later(sched::Verdict::Crash,
               detail::who(x) + " " + what +
                   ": the SIGPIPE this raises ends the process (ignore SIGPIPE, or send with MSG_NOSIGNAL)",
               caller_where(caller));
  return true;
}

void end_by_signal(Execution& x) noexcept {
  if (x.abandons_unfinished()) x.halt();
  x.drop_current();
}

}  // namespace weft::interpose
