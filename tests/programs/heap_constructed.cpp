// The heap of a C++ program is fresh in every execution: an object made by
// new at file scope and a std::vector global, grown and shrunk by two
// threads, are as their constructors left them at the start of each. (With
// the heap carried over, the vector's buffer freed by one execution's
// growth is the one the next execution starts from.)
#include <pthread.h>

#include <cassert>
#include <vector>

struct Inode {
  int links = 1;
  std::vector<int> blocks = std::vector<int>(4);
};

Inode* root = new Inode();
std::vector<Inode*> table{root};
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void* link_root(void* arg) {
  pthread_mutex_lock(&lock);
  ++root->links;
  root->blocks.push_back(root->links);
  table.push_back(new Inode());
  pthread_mutex_unlock(&lock);
  return arg;
}

int main() {
  assert(root->links == 1 && root->blocks.size() == 4 && table.size() == 1 && table[0] == root);
  pthread_t a, b;
  pthread_create(&a, nullptr, link_root, nullptr);
  pthread_create(&b, nullptr, link_root, nullptr);
  pthread_join(a, nullptr);
  pthread_join(b, nullptr);
  assert(root->links == 3 && root->blocks.size() == 6 && table.size() == 3);
  delete table.back();
  table.pop_back();
  return 0;
}
