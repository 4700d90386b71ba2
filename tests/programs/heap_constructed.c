/* Every execution starts from the program's heap as its constructors left
 * it, as from its globals: a constructor allocates an inode, its blocks and
 * its name; every execution links it from two threads, frees and replaces
 * its blocks and name, and must find it as the constructor left it. (With
 * the heap carried over, execution 2 finds 3 links and another name.) The
 * exit handler runs once, when the driver exits, and finds it so too. */
#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct inode {
  int links;
  int *blocks;
  char *name;
};

static struct inode *root;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void check_root(void) {
  if (root->links != 1) _exit(3);
}

__attribute__((constructor)) static void make_root(void) {
  atexit(check_root);
  root = malloc(sizeof *root);
  root->links = 1;
  root->blocks = calloc(4, sizeof *root->blocks);
  root->name = strdup("root");
}

static void *link_root(void *arg) {
  pthread_mutex_lock(&lock);
  root->blocks[root->links++] = 1;
  pthread_mutex_unlock(&lock);
  return arg;
}

int main(void) {
  assert(root->links == 1 && root->blocks[1] == 0 && root->blocks[2] == 0);
  assert(strcmp(root->name, "root") == 0);
  pthread_t a, b;
  pthread_create(&a, NULL, link_root, NULL);
  pthread_create(&b, NULL, link_root, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  assert(root->links == 3 && root->blocks[1] == 1 && root->blocks[2] == 1);
  free(root->blocks);
  root->blocks = calloc(8, sizeof *root->blocks);
  free(root->name);
  root->name = strdup("renamed");
  return 0;
}
