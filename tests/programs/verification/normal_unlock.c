/* A default mutex unlocked by a thread that does not hold it: undefined
   behaviour, which weft reports as Misuse (only error-checking mutexes
   return EPERM). */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void* stranger(void* arg) {
  (void)arg;
  pthread_mutex_unlock(&m);
  return 0;
}

int main(void) {
  pthread_mutex_lock(&m);
  pthread_t t;
  pthread_create(&t, 0, stranger, 0);
  pthread_join(t, 0);
  return 0;
}
