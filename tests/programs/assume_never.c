/* An assumption no execution satisfies: nothing is checked. */
extern void __VERIFIER_assume(int);

int main(void) {
  __VERIFIER_assume(0);
  return 0;
}
