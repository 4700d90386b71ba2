/* A bounded buffer whose consumers re-check "is there an item?" with `if`
 * instead of `while`: a consumer woken by a signal can find the item taken
 * by the other consumer, who got the lock first, and takes from an empty
 * buffer. With FIXED, the consumers wait in a `while` loop. */
#include <assert.h>
#include <pthread.h>

#define CAPACITY 2
#define ITEMS 2

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static int buffer[CAPACITY];
static int count;

static void put(int item) {
  pthread_mutex_lock(&lock);
  while (count == CAPACITY) pthread_cond_wait(&not_full, &lock);
  buffer[count++] = item;
  pthread_cond_signal(&not_empty);
  pthread_mutex_unlock(&lock);
}

static int take(void) {
  pthread_mutex_lock(&lock);
#ifdef FIXED
  while (count == 0) pthread_cond_wait(&not_empty, &lock);
#else
  if (count == 0) pthread_cond_wait(&not_empty, &lock);
#endif
  assert(count > 0);
  const int item = buffer[--count];
  pthread_cond_signal(&not_full);
  pthread_mutex_unlock(&lock);
  return item;
}

static void* producer(void* unused) {
  (void)unused;
  for (int i = 1; i <= ITEMS; ++i) put(i);
  return NULL;
}

static void* consumer(void* unused) {
  (void)unused;
  take();
  return NULL;
}

int main(void) {
  pthread_t p, c1, c2;
  pthread_create(&c1, NULL, consumer, NULL);
  pthread_create(&c2, NULL, consumer, NULL);
  pthread_create(&p, NULL, producer, NULL);
  pthread_join(p, NULL);
  pthread_join(c1, NULL);
  pthread_join(c2, NULL);
  return 0;
}
