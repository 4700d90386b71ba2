// Functions named __VERIFIER_atomic_* run atomically, and entering
// reach_error fails the execution, in code compiled with
// -finstrument-functions: the compiler calls these hooks on entry to and
// exit from every function, with its address, which the loaded objects'
// symbol tables name (static functions too). Outside an execution, and for
// every other function, a hook is one look-up and returns.

#include "scheduler/execution.h"
#include "symbols.h"
#include "verifier_ops.h"

using weft::sched::Execution;
using weft::verifier::Role;

extern "C" __attribute__((no_instrument_function)) void __cyg_profile_func_enter(void* function, void* call_site) {
  Execution* x = Execution::active();
  if (!x) return;
  const weft::verifier::Function* f = weft::verifier::function_at(function);
  if (!f || f->role == Role::Plain) return;
  if (f->role == Role::ReachError) weft::verifier::reached_error("reach_error()", call_site);
  weft::verifier::begin_atomic(*x, {f->name, 0});
}

extern "C" __attribute__((no_instrument_function)) void __cyg_profile_func_exit(void* function, void*) {
  Execution* x = Execution::active();
  if (!x) return;
  const weft::verifier::Function* f = weft::verifier::function_at(function);
  if (f && f->role == Role::Atomic) weft::verifier::end_atomic(*x, {f->name, 0}, /*quiet=*/true);
}
