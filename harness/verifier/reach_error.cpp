// reach_error and __VERIFIER_error, for programs that declare them without
// defining them. A file of their own: from a static library it is linked
// only where nothing else defines them.

#include "verifier_ops.h"
#include "weft/verifier.h"

extern "C" void reach_error(void) { weft::verifier::reached_error("reach_error()", __builtin_return_address(0)); }

extern "C" void __VERIFIER_error(void) {
  weft::verifier::reached_error("__VERIFIER_error()", __builtin_return_address(0));
}
