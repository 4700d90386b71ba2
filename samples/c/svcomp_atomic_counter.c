/* SV-COMP style: n nondeterministic, assumed in [1, 3]; two threads each
 * increment a shared counter n times through a __VERIFIER_atomic_
 * function, so reach_error is unreachable (verdict true). With BUGGY the
 * increment is an ordinary function, two increments can interleave, and
 * reach_error is reachable (verdict false). */
#include <pthread.h>

extern void __assert_fail(const char*, const char*, unsigned int, const char*) __attribute__((__noreturn__));
void reach_error(void) { __assert_fail("0", "svcomp_atomic_counter.c", 10, "reach_error"); }
extern int __VERIFIER_nondet_int(void);
extern void __VERIFIER_assume(int);

int counter;
int n;

#ifdef BUGGY
void increment(void) { counter = counter + 1; }
#else
void __VERIFIER_atomic_increment(void) { counter = counter + 1; }
#define increment __VERIFIER_atomic_increment
#endif

void* worker(void* unused) {
  (void)unused;
  for (int i = 0; i < n; i++) increment();
  return 0;
}

int main(void) {
  n = __VERIFIER_nondet_int();
  __VERIFIER_assume(n >= 1 && n <= 3);
  pthread_t t1, t2;
  pthread_create(&t1, 0, worker, 0);
  pthread_create(&t2, 0, worker, 0);
  pthread_join(t1, 0);
  pthread_join(t2, 0);
  if (counter != 2 * n) reach_error();
  return 0;
}
