/* argv[1] threads (10,000 by default), each created, adding to a counter
   under a mutex ten times and joined: over twenty steps each, so the whole
   execution takes far more than the default max_steps of 100,000. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void* add(void* arg) {
  (void)arg;
  for (int i = 0; i < 10; ++i) {
    pthread_mutex_lock(&m);
    counter = counter + 1;
    pthread_mutex_unlock(&m);
  }
  return 0;
}

int main(int argc, char** argv) {
  const int n = argc > 1 ? atoi(argv[1]) : 10000;
  for (int i = 0; i < n; ++i) {
    pthread_t t;
    pthread_create(&t, 0, add, 0);
    pthread_join(t, 0);
  }
  assert(counter == 10 * n);
  return 0;
}
