// Every allocation function a program calls behaves as the C library's,
// served from the program's heap: malloc_usable_size gives exactly the
// size asked for (glibc would round it up), which shows where a block came
// from. Blocks the C library allocated for the program (realpath's) are
// freed by the C library. Two threads, so that the test has scheduling
// points.
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cassert>
#include <cstdint>
#include <new>

namespace {

bool aligned(const void* p, std::size_t to) { return reinterpret_cast<std::uintptr_t>(p) % to == 0; }

void c_functions() {
  char* p = static_cast<char*>(malloc(5));
  assert(p && malloc_usable_size(p) == 5);
  memcpy(p, "weft", 5);
  p = static_cast<char*>(realloc(p, 4000));
  assert(p && strcmp(p, "weft") == 0 && malloc_usable_size(p) == 4000);
  assert(realloc(p, 0) == nullptr);  // frees it, as glibc does

  int* zeros = static_cast<int*>(calloc(100, sizeof(int)));
  for (int i = 0; i < 100; ++i) assert(zeros[i] == 0);
  zeros = static_cast<int*>(reallocarray(zeros, 200, sizeof(int)));
  assert(zeros && malloc_usable_size(zeros) == 200 * sizeof(int));
  free(zeros);
  volatile std::size_t huge = SIZE_MAX / 2;
  assert(calloc(huge, 4) == nullptr);

  void* q = nullptr;
  assert(posix_memalign(&q, 64, 10) == 0 && aligned(q, 64) && malloc_usable_size(q) == 10);
  free(q);
  assert(posix_memalign(&q, 3, 10) != 0);
  void* r = aligned_alloc(128, 256);
  void* s = memalign(256, 10);
  void* t = valloc(10);
  void* u = pvalloc(10);
  assert(aligned(r, 128) && aligned(s, 256) && aligned(t, 4096) && aligned(u, 4096) && malloc_usable_size(u) == 4096);
  free(r), free(s), free(t), free(u);

  char* copy = strdup("interleaving");
  char* prefix = strndup("interleaving", 5);
  assert(strcmp(copy, "interleaving") == 0 && strcmp(prefix, "inter") == 0 && malloc_usable_size(prefix) == 6);
  free(copy), free(prefix);
  char* text = nullptr;
  assert(asprintf(&text, "%d-%s", 42, "x") == 4 && strcmp(text, "42-x") == 0 && malloc_usable_size(text) == 5);
  free(text);

  char lines[] = "first line\nsecond\n";
  FILE* in = fmemopen(lines, sizeof lines - 1, "r");
  char* line = nullptr;
  size_t capacity = 0;
  assert(getline(&line, &capacity, in) == 11 && strcmp(line, "first line\n") == 0);
  assert(malloc_usable_size(line) == capacity);
  line = static_cast<char*>(realloc(line, 2));  // the caller's small buffer grows in the heap
  capacity = 2;
  assert(getdelim(&line, &capacity, 'd', in) == 6 && strcmp(line, "second") == 0 && capacity >= 7);
  assert(getline(&line, &capacity, in) == 1 && getline(&line, &capacity, in) == -1);
  free(line);
  fclose(in);

  char* where = realpath("/", nullptr);  // the C library's block
  assert(where && strcmp(where, "/") == 0);
  free(where);
}

struct alignas(64) Wide {
  char bytes[64];
};

void cpp_functions() {
  int* one = new int(7);
  int* many = new int[10]();
  assert(*one == 7 && many[9] == 0 && malloc_usable_size(one) == sizeof(int));
  delete one;
  delete[] many;
  Wide* wide = new Wide;
  Wide* wides = new Wide[3];
  assert(aligned(wide, 64) && aligned(wides, 64));
  delete wide;
  delete[] wides;
  int* maybe = new (std::nothrow) int[4];
  Wide* maybe_wide = new (std::nothrow) Wide;
  assert(maybe && aligned(maybe_wide, 64));
  ::operator delete[](maybe, std::nothrow);
  ::operator delete(maybe_wide, std::align_val_t{64}, std::nothrow);
}

void* worker(void* arg) {
  c_functions();
  return arg;
}

}  // namespace

int main() {
  pthread_t t;
  pthread_create(&t, nullptr, worker, nullptr);
  cpp_functions();
  pthread_join(t, nullptr);
  return 0;
}
