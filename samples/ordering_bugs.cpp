// The bodies of ordering_bugs.h.

#include "ordering_bugs.h"

#include <memory>
#include <optional>
#include <vector>

#include "weft/weft.h"

namespace weft::samples::ordering {

void late_write(int n) {
  weft::atomic<int> phase{1};
  weft::atomic<int> work{0};
  weft::latch workers_done(n - 2);
  std::vector<weft::thread> threads;
  threads.emplace_back([&] { WEFT_ASSERT(phase.load() == 1, "the reporter started after the run had ended"); });
  for (int i = 0; i < n - 2; ++i)
    threads.emplace_back([&] {
      work.fetch_add(1);
      work.fetch_add(1);
      workers_done.count_down();
    });
  threads.emplace_back([&] {
    workers_done.wait();
    phase.store(2);
  });
  for (weft::thread& t : threads) t.join();
}

void reorder(int n) {
  weft::atomic<int> a{0};
  weft::atomic<int> b{0};
  std::vector<weft::thread> threads;
  for (int i = 0; i < n - 1; ++i)
    threads.emplace_back([&] {
      a.store(1);
      b.store(-1);
    });
  threads.emplace_back([&] {
    const int seen_a = a.load();
    const int seen_b = b.load();
    WEFT_ASSERT((seen_a == 0 && seen_b == 0) || (seen_a == 1 && seen_b == -1), "saw half of a setter's stores");
  });
  for (weft::thread& t : threads) t.join();
}

namespace {

// Buffer: a power-of-two ring of slots; `freed` stands for the memory
// having been given back (a thief that reads it after that read freed
// memory).
struct Buffer {
  explicit Buffer(int size) : mask(size - 1), slots(static_cast<std::size_t>(size)) {}
  int mask;
  std::vector<weft::atomic<int>> slots;
  weft::atomic<bool> freed{false};
};

class Deque {
 public:
  Deque(int capacity, bool defer_free) : defer_free_(defer_free) {
    buffers_.push_back(std::make_unique<Buffer>(capacity));
    buffer_.store(buffers_.back().get());
  }

  // push: the owner's end.
  void push(int value) {
    const int b = bottom_.load();
    const int t = top_.load();
    Buffer* buf = buffer_.load();
    if (b - t > buf->mask) buf = grow(buf, t, b);
    buf->slots[static_cast<std::size_t>(b & buf->mask)].store(value);
    bottom_.store(b + 1);
  }

  // steal: any other thread's end; nullopt when empty or lost to another.
  std::optional<int> steal() {
    Buffer* buf = buffer_.load();
    int t = top_.load();
    const int b = bottom_.load();
    if (t >= b) return std::nullopt;
    const int value = buf->slots[static_cast<std::size_t>(t & buf->mask)].load();
    WEFT_ASSERT(!buf->freed.load(), "a thief read a buffer the owner had freed");
    if (!top_.compare_exchange_strong(t, t + 1)) return std::nullopt;
    return value;
  }

 private:
  Buffer* grow(Buffer* old, int t, int b) {
    buffers_.push_back(std::make_unique<Buffer>(2 * (old->mask + 1)));
    Buffer* bigger = buffers_.back().get();
    for (int i = t; i < b; ++i)
      bigger->slots[static_cast<std::size_t>(i & bigger->mask)].store(
          old->slots[static_cast<std::size_t>(i & old->mask)].load());
    buffer_.store(bigger);
    // The bug: a thief may still be reading the old buffer.
    if (!defer_free_) old->freed.store(true);
    return bigger;
  }

  bool defer_free_;
  std::vector<std::unique_ptr<Buffer>> buffers_;  // kept alive: `freed` only marks them
  weft::atomic<Buffer*> buffer_{nullptr};
  weft::atomic<int> top_{0};
  weft::atomic<int> bottom_{0};
};

}  // namespace

void work_stealing_queue(int capacity, bool defer_free) {
  Deque deque(capacity, defer_free);
  for (int i = 0; i < capacity; ++i) deque.push(i);
  weft::thread thief([&] { (void)deque.steal(); });
  deque.push(capacity);  // grows
  thief.join();
}

}  // namespace weft::samples::ordering
