/* One path never ends: with n == 1 main spins for good. As a verification
   run it has no verdict on that path (WEFT_ENDLESS_NO_VERDICT=1), not a
   Hang. */
extern int __VERIFIER_nondet_int(void);

static int spins;

int main(void) {
  int n = __VERIFIER_nondet_int();
  if (n == 1)
    for (;;) spins = spins + 1;
  return 0;
}
