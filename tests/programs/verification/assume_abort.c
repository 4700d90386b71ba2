/* SV-COMP's assumptions written with abort(): assume_abort_if_not, and an
   atomic function that aborts when its lock is taken (the benchmarks' lock
   idiom). Both mean "this path does not exist": read as a crash, every
   contended execution would be a false alarm. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

extern int __VERIFIER_nondet_int(void);

void assume_abort_if_not(int condition) {
  if (!condition) abort();
}

static int lock;
static int counter;
static int rounds;

void __VERIFIER_atomic_acquire(void) {
  if (lock != 0) abort();
  lock = 1;
}

void __VERIFIER_atomic_release(void) { lock = 0; }

static void* worker(void* arg) {
  (void)arg;
  for (int i = 0; i < rounds; ++i) {
    __VERIFIER_atomic_acquire();
    counter = counter + 1;
    __VERIFIER_atomic_release();
  }
  return 0;
}

int main(void) {
  rounds = __VERIFIER_nondet_int();
  assume_abort_if_not(rounds > 0 && rounds < 3);
  pthread_t a, b;
  pthread_create(&a, 0, worker, 0);
  pthread_create(&b, 0, worker, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  assert(counter == 2 * rounds);
  return 0;
}
