/* Both threads write `shared` without a lock, but the second is created
   just before main returns: the race shows only if it can run before the
   program ends, so only if returning from main is a scheduling point. */
#include <pthread.h>

static int shared;

static void* writer(void* arg) {
  (void)arg;
  shared = 1;
  return 0;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, 0, writer, 0);
  pthread_create(&b, 0, writer, 0);
  return 0;
}
