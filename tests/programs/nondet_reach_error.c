/* SV-COMP style: reach_error is reachable for one value the assumption
 * allows. */
extern void __assert_fail(const char*, const char*, unsigned int, const char*) __attribute__((__noreturn__));
void reach_error(void) { __assert_fail("0", "nondet_reach_error.c", 5, "reach_error"); }
extern int __VERIFIER_nondet_int(void);
extern void __VERIFIER_assume(int);

int main(void) {
  int x = __VERIFIER_nondet_int();
  __VERIFIER_assume(x > 0 && x < 5);
  if (x == 3) reach_error();
  return 0;
}
