// __VERIFIER_assume and the atomic sections.

#include "verifier_ops.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "checkers/checks.h"
#include "symbols.h"
#include "weft/verifier.h"

namespace weft::verifier {

using sched::Execution;

void begin_atomic(Execution& x, sched::Location where) {
  if (x.step(sched::OpKind::AtomicBegin, {}, where) == sched::StepResult::Aborted) return;
  x.begin_atomic();
  if (checkers::Checks* c = checkers::of(x)) c->section_begin(x.current());
  x.record(sched::OpKind::AtomicBegin, {}, where);
}

void end_atomic(Execution& x, sched::Location where, bool quiet) {
  if (x.aborting()) return;
  if (!x.end_atomic()) {
    if (!quiet)
      x.fail(sched::Verdict::Misuse,
             "T" + std::to_string(x.current()) + " calls __VERIFIER_atomic_end outside an atomic section", where);
    return;
  }
  if (checkers::Checks* c = checkers::of(x)) c->section_end(x.current());
  x.record(sched::OpKind::AtomicEnd, {}, where);
}

void reached_error(const char* what, const void* caller) {
  sched::Execution* x = sched::Execution::active();
  {
    std::string message = std::string(what) + " was called";
    if (const char* from = caller_name(caller); *from) message += std::string(" from ") + from;
    if (!x) outside_execution(message.c_str());
    x->fail_later(sched::Verdict::AssertionFailed, std::move(message), caller_location(caller));
  }
  x->halt();
}

void outside_execution(const char* what) {
  std::fprintf(stderr, "weft: %s outside a weft execution\n", what);
  std::abort();
}

}  // namespace weft::verifier

using weft::sched::Execution;

extern "C" void __VERIFIER_assume(int condition) {
  if (condition) return;
  Execution* x = Execution::active();
  if (!x) weft::verifier::outside_execution("__VERIFIER_assume failed");
  x->discard();
  x->halt();
}

extern "C" void __VERIFIER_atomic_begin(void) {
  if (Execution* x = Execution::active())
    weft::verifier::begin_atomic(*x, weft::verifier::caller_location(__builtin_return_address(0)));
}

extern "C" void __VERIFIER_atomic_end(void) {
  if (Execution* x = Execution::active())
    weft::verifier::end_atomic(*x, weft::verifier::caller_location(__builtin_return_address(0)), false);
}
