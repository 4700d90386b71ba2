/* reach_error declared, not defined: weft's definition fails the execution. */
extern void reach_error(void);
extern _Bool __VERIFIER_nondet_bool(void);

int main(void) {
  if (__VERIFIER_nondet_bool()) reach_error();
  return 0;
}
