/* A failure that depends on the heap: a counter a constructor allocates,
 * incremented by two threads without a lock. Its token replays in a new
 * process only if the execution that found it started from the
 * constructor's heap, as the new process does. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

static int *hits;

__attribute__((constructor)) static void make_counter(void) {
  hits = malloc(sizeof *hits);
  *hits = 0;
}

static void *hit(void *arg) {
  int seen = *hits;
  *hits = seen + 1;
  return arg;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, NULL, hit, NULL);
  pthread_create(&b, NULL, hit, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  assert(*hits == 2);
  return 0;
}
