/* A worker frees the shared node when it is done with it; main reads the
 * node after joining the worker. The join orders the two, so there is no
 * data race, but the read uses freed memory. */
#include <pthread.h>
#include <stdlib.h>

struct node {
  int value;
};

static struct node *shared;

static void *finish(void *arg) {
  free(shared);
  return arg;
}

int main(void) {
  shared = malloc(sizeof *shared);
  shared->value = 1;
  pthread_t worker;
  pthread_create(&worker, NULL, finish, NULL);
  pthread_join(worker, NULL);
  return shared->value == 1 ? 0 : 1;
}
