/* An abort() in main that a verification task means as an assumption
   (WEFT_ABORT_IS_ASSUME=1); otherwise a Crash. */
#include <assert.h>
#include <stdlib.h>

extern int __VERIFIER_nondet_int(void);

int main(void) {
  int n = __VERIFIER_nondet_int();
  if (n < 0) abort();
  assert(n >= 0);
  return 0;
}
