/* exit() with a nonzero status, from a function main calls. */
#include <stdlib.h>

extern _Bool __VERIFIER_nondet_bool(void);

static void finish(int status) { exit(status); }

int main(void) {
  finish(__VERIFIER_nondet_bool() ? 0 : 3);
  return 0;
}
