/* Two threads release a shared buffer with check-then-act: when both see
 * it before either clears it, both free it. */
#include <pthread.h>
#include <stdlib.h>

static char *buffer;

static void *release(void *arg) {
  char *mine = buffer;
  if (mine) {
    buffer = NULL;
    free(mine);
  }
  return arg;
}

int main(void) {
  buffer = malloc(16);
  pthread_t a, b;
  pthread_create(&a, NULL, release, NULL);
  pthread_create(&b, NULL, release, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return 0;
}
