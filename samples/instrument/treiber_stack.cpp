// Treiber stack with a use after pop (instrumented mode): pop reads the
// top node's `next` and swings the top with compare_exchange_weak, then
// deletes the node. Another thread that loaded the same top still reads
// its `next` after the node was deleted: a use after free. weft marks a
// block that instrumented code frees as freed for its race detector and
// keeps it out of reuse until the execution ends, so the late read is a
// UseAfterFree (as is a read not ordered before the free), reported with
// the lines of the free and the use, and replayable.
//
// Fix: never delete a node another thread may still read: here the nodes
// are retired to a list that is deleted once every thread is done (a
// stand-in for hazard pointers or epochs).

#include <atomic>
#include <utility>
#include <vector>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::treiber_stack {

namespace {

struct Node {
  int value;
  Node* next;
};

class Stack {
 public:
  explicit Stack(bool reclaim_at_once) : reclaim_at_once_(reclaim_at_once) {}
  ~Stack() {
    for (Node* n = top_.load(); n;) delete std::exchange(n, n->next);
    for (Node* n : retired_) delete n;
  }

  void push(int value) {
    Node* n = new Node{value, top_.load(std::memory_order_relaxed)};
    while (!top_.compare_exchange_weak(n->next, n, std::memory_order_release, std::memory_order_relaxed)) {
    }
  }

  bool pop(int& out) {
    Node* n = top_.load(std::memory_order_acquire);
    while (n && !top_.compare_exchange_weak(n, n->next, std::memory_order_acquire, std::memory_order_acquire)) {
    }
    if (!n) return false;
    out = n->value;
    if (reclaim_at_once_) {
      delete n;  // BUG: another pop may still read n->next
    } else {
      retire(n);
    }
    return true;
  }

 private:
  void retire(Node* n) {
    // One retirement list per stack, guarded by a spin on an atomic flag.
    while (retiring_.test_and_set(std::memory_order_acquire)) {
    }
    retired_.push_back(n);
    retiring_.clear(std::memory_order_release);
  }

  std::atomic<Node*> top_{nullptr};
  const bool reclaim_at_once_;
  std::atomic_flag retiring_ = ATOMIC_FLAG_INIT;
  std::vector<Node*> retired_;
};

void pop_twice(bool reclaim_at_once) {
  Stack stack(reclaim_at_once);
  stack.push(1);
  stack.push(2);
  int theirs = 0;
  weft::thread other([&] { stack.pop(theirs); });
  int mine = 0;
  stack.pop(mine);
  other.join();
  int rest = 0;
  stack.pop(rest);
  WEFT_ASSERT(mine + theirs + rest == 3, "a pushed value was lost");
}

}  // namespace

void buggy() { pop_twice(true); }
void fixed() { pop_twice(false); }

}  // namespace weft::samples::treiber_stack
