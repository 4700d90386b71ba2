/* A program whose success exit status is 6, not 0 (EXIT_STATUS 6). With
   WRONG_STATUS defined it sometimes returns 0 instead. */
#include <pthread.h>

extern _Bool __VERIFIER_nondet_bool(void);

static int done;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void* worker(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  done = 1;
  pthread_mutex_unlock(&lock);
  return 0;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, 0, worker, 0);
  pthread_join(t, 0);
#ifdef WRONG_STATUS
  if (__VERIFIER_nondet_bool()) return 0;
#endif
  return done ? 6 : 1;
}
