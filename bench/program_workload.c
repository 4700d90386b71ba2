/* bench_program's C side: the locked-counter workload of workloads.h as
 * unmodified C (two pthreads, five rounds of lock, `v = v + 1` on a plain
 * int, unlock), and a leaf function for the cost of the
 * -finstrument-functions hooks. Built twice: with the memory-access
 * instrumentation (c_locked_counter_tracked) and without (..._untracked). */
#include <pthread.h>

#ifndef WORKLOAD
#define WORKLOAD c_locked_counter
#endif

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int v;

static void* worker(void* unused) {
  (void)unused;
  for (int i = 0; i < 5; ++i) {
    pthread_mutex_lock(&lock);
    v = v + 1;
    pthread_mutex_unlock(&lock);
  }
  return 0;
}

int WORKLOAD(void) {
  v = 0;
  pthread_t a, b;
  pthread_create(&a, 0, worker, 0);
  pthread_create(&b, 0, worker, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  return v == 10;
}

#ifdef LEAF
int LEAF(int x) { return x + 1; }
#endif
