/* A lost update that REGRESSION_FIXED=1 fixes (a mutex around it): the
 * regression file tests of regressions_test.cpp find it, keep it, and see
 * it go stale once fixed. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

static int hits;
static int fixed;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *hit(void *arg) {
  if (fixed) pthread_mutex_lock(&lock);
  int seen = hits;
  hits = seen + 1;
  if (fixed) pthread_mutex_unlock(&lock);
  return arg;
}

int main(void) {
  const char *fix = getenv("REGRESSION_FIXED");
  fixed = fix && fix[0] == '1';
  pthread_t a, b;
  pthread_create(&a, NULL, hit, NULL);
  pthread_create(&b, NULL, hit, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  assert(hits == 2);
  return 0;
}
