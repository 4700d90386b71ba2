/* Two threads add a nondet amount (assumed 1 or 2) to a counter under a
   mutex; main checks the sum. Correct for every schedule and value, which
   dpor with a small nondet domain proves within its bounds; with BUG the
   second thread adds without the lock, and a lost update fails it. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

extern int __VERIFIER_nondet_int(void);

void assume_abort_if_not(int condition) {
  if (!condition) abort();
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int counter;
static int amount;

static void* locked_add(void* arg) {
  (void)arg;
  pthread_mutex_lock(&m);
  counter = counter + amount;
  pthread_mutex_unlock(&m);
  return 0;
}

static void* second_add(void* arg) {
#ifdef BUG
  (void)arg;
  counter = counter + amount;
  return 0;
#else
  return locked_add(arg);
#endif
}

int main(void) {
  amount = __VERIFIER_nondet_int();
  assume_abort_if_not(amount == 1 || amount == 2);
  pthread_t a, b;
  pthread_create(&a, 0, locked_add, 0);
  pthread_create(&b, 0, second_add, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  assert(counter == 2 * amount);
  return 0;
}
