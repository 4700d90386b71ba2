/* Two threads increment a global without a lock: a data race whose report
   must say where, built without the build type's debug flags. */
#include <pthread.h>

static int counter;

static void* worker(void* arg) {
  (void)arg;
  counter = counter + 1; /* the racing access */
  return 0;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, 0, worker, 0);
  pthread_create(&b, 0, worker, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  return 0;
}
