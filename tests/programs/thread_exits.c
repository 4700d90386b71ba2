/* Threads that end the program or themselves: a worker calls exit() while
 * main waits to join it (the program ends there, cleanly or with the
 * status); another worker leaves through pthread_exit. */
#include <pthread.h>
#include <stdlib.h>

extern _Bool __VERIFIER_nondet_bool(void);

static int status;

static void* leaver(void* unused) {
  (void)unused;
  pthread_exit((void*)7);
  return 0;
}

static void* exiter(void* unused) {
  (void)unused;
  exit(status);
}

int main(void) {
  pthread_t a, b;
  void* left = 0;
  pthread_create(&a, 0, leaver, 0);
  pthread_join(a, &left);
  if (left != (void*)7) return 2;
  status = __VERIFIER_nondet_bool() ? 4 : 0;
  pthread_create(&b, 0, exiter, 0);
  pthread_join(b, 0);
  return 3; /* not reached: exiter ends the program first */
}
