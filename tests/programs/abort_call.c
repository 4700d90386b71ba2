/* abort() is a Crash that ends the execution, not the process. */
#include <stdlib.h>

extern _Bool __VERIFIER_nondet_bool(void);

int main(void) {
  if (__VERIFIER_nondet_bool()) abort();
  return 0;
}
