/* main's return value is the exit status. */
extern _Bool __VERIFIER_nondet_bool(void);

int main(int argc, char** argv) {
  (void)argv;
  return argc == 3 && __VERIFIER_nondet_bool() ? 1 : 0;
}
