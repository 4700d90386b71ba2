/* A work queue whose worker waits for the "work available" signal without
 * first checking for work: when the job is queued and signalled before the
 * worker waits, the signal is lost and the worker waits forever. With
 * FIXED, the worker waits only while the queue is empty. */
#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_available = PTHREAD_COND_INITIALIZER;
static int queued;
static int done;

static void* worker(void* unused) {
  (void)unused;
  pthread_mutex_lock(&lock);
#ifdef FIXED
  while (queued == 0) pthread_cond_wait(&work_available, &lock);
#else
  pthread_cond_wait(&work_available, &lock);
#endif
  --queued;
  ++done;
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(void) {
  pthread_t w;
  pthread_create(&w, NULL, worker, NULL);
  pthread_mutex_lock(&lock);
  ++queued;
  pthread_cond_signal(&work_available);
  pthread_mutex_unlock(&lock);
  pthread_join(w, NULL);
  return done == 1 ? 0 : 1;
}
