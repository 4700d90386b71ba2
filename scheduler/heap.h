#pragma once
// Heap: the heap of the code under test (not weft's own: that is the C
// library's, and primitives' state is in the Arena), in one region of
// address space weft reserves, so that
//  - it can be put back as it was at a snapshot (a C program's heap after
//    its constructors ran, with its globals) before every execution, at the
//    same addresses, memory staying flat however much an execution
//    allocates;
//  - every block is known by address, live or freed, with the thread, step
//    and call that allocated and freed it: a double free is told apart from
//    a free of what no allocation returned, and memory-access hooks can tell
//    a use after free (find());
//  - freed blocks wait in a quarantine before their memory is reused, so a
//    stale pointer keeps pointing at a freed block, not at a new one.
//
// Blocks live in slots carved from the region's bottom upwards. A slot
// holds blocks of one size class (16-byte steps up to 1 KiB, then four per
// power of two) for ever: slots never split or merge. Their records are
// kept aside (an overflow cannot corrupt them), and a table beside the
// region gives the slot of every 16 bytes, so a look-up is one load (the
// table costs a quarter of the memory slots cover). Memory carved since the snapshot
// is zero again after restore(), as the fresh pages of a new process are,
// so what an execution reads from memory it did not write is the same in
// every process. Not thread-safe: callers serialise.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "scheduler/types.h"

namespace weft::sched {

// HeapSite is who allocated or freed a block: the weft thread (kNoThread
// outside an execution, e.g. a C constructor), the execution's step count
// then, and the return address of the call in the code under test (located
// as file:line only when a report needs it).
struct HeapSite {
  ThreadId thread = kNoThread;
  std::uint64_t step = 0;
  const void* caller = nullptr;
};

// HeapBlock is one block: `size` bytes asked for at `start`, in a slot of
// `capacity` bytes. `freed` is meaningful once `live` is false; the record
// stays until the slot is reused.
struct HeapBlock {
  char* start = nullptr;
  std::size_t size = 0;
  std::size_t capacity = 0;
  bool live = false;
  bool quarantined = false;
  std::uint16_t size_class = 0;
  std::uint32_t link = 0;  // the heap's own: next in its free list or quarantine
  HeapSite allocated;
  HeapSite freed;
};

// Heap is one such heap (see the top of this file); a program test's is
// harness/program/program_heap.h's.
class Heap {
 public:
  // Limits: `reserve` bytes of address space are asked for (less is taken
  // if the system refuses, down to 256 MiB); freed slots wait in quarantine
  // until more than `quarantine` bytes do.
  struct Limits {
    std::size_t reserve = std::size_t{64} << 30;
    std::size_t quarantine = std::size_t{4} << 20;
  };

  // Heap reserves the region; it throws std::bad_alloc if none can be had.
  explicit Heap(Limits limits);
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;
  ~Heap();

  // allocate returns a block of `size` bytes aligned to `alignment` (a
  // power of two; 16 at least is given), all zero if `zero`, or null when
  // the region is full.
  void* allocate(std::size_t size, std::size_t alignment, const HeapSite& by, bool zero = false);

  // Release is what release() made of a pointer of the region.
  enum class Release : std::uint8_t {
    Freed,       // a live block, now freed
    DoubleFree,  // a block freed already (and not reused since)
    NotABlock,   // no allocation returned this pointer
  };
  // release frees the block that starts at `p`, which owns(p).
  Release release(void* p, const HeapSite& by);
  // resize is realloc for the live block at `p` (block_at(p) is live):
  // in place while its slot holds `size` bytes, else a new block with the
  // old one's bytes, the old one freed. Null (the old block kept) when the
  // region is full.
  void* resize(void* p, std::size_t size, const HeapSite& by);

  // owns: is `p` in the region? Pointers outside it are someone else's.
  bool owns(const void* p) const noexcept {
    return static_cast<const char*>(p) >= base_ && static_cast<const char*>(p) < end_;
  }
  // find is the block whose slot holds `p`, live or freed, or null (no
  // slot holds p). For memory-access hooks: is this access in a freed block?
  const HeapBlock* find(const void* p) const noexcept;  // a few instructions
  // block_at is the block that starts exactly at `p`, or null.
  const HeapBlock* block_at(const void* p) const noexcept;

  // snapshot records the heap as it is; restore puts it back: the blocks
  // and their bytes, the free slots and the quarantine; what was carved
  // since is zero again and reused. Before any snapshot, restore empties
  // the heap.
  void snapshot();
  void restore() noexcept;

  // carved_bytes is how much of the region slots cover (the high-water
  // mark of an execution, at most); snapshot_bytes is how many bytes
  // restore() copies back.
  std::size_t carved_bytes() const noexcept { return static_cast<std::size_t>(top_ - base_); }
  std::size_t snapshot_bytes() const noexcept { return snapshot_.bytes.size(); }
  std::size_t quarantined_bytes() const noexcept { return quarantined_; }

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  static constexpr std::size_t kClasses = 64 + 4 * 54;

  static std::size_t class_of(std::size_t size) noexcept;
  static std::size_t capacity_of(std::size_t size_class) noexcept;
  std::uint32_t index_of(const HeapBlock* b) const noexcept { return static_cast<std::uint32_t>(b - blocks_.data()); }
  std::size_t granule(const char* p) const noexcept { return static_cast<std::size_t>(p - base_) / 16; }
  HeapBlock* take_free(std::size_t size_class, std::size_t alignment) noexcept;
  HeapBlock* carve(std::size_t size_class, std::size_t alignment);
  void quarantine(std::uint32_t index) noexcept;
  void zero_fresh(char* from, char* to) noexcept;

  char* base_ = nullptr;
  char* end_ = nullptr;
  char* top_ = nullptr;         // slots cover [base_, top_)
  char* committed_ = nullptr;   // [base_, committed_) is accessible; top_ <= committed_
  std::uint32_t* slot_of_ = nullptr;  // per granule below top_: its slot's index in blocks_, or kNone
  char* high_water_ = nullptr;  // the highest top_ since the last restore
  std::size_t quarantine_limit_;
  std::vector<HeapBlock> blocks_;  // by address
  std::array<std::uint32_t, kClasses> free_{};  // per class: the first reusable slot, or kNone
  std::uint32_t quarantine_head_ = kNone;       // oldest freed slot first
  std::uint32_t quarantine_tail_ = kNone;
  std::size_t quarantined_ = 0;

  struct Snapshot {
    std::vector<char> bytes;  // [base_, top) as it was
    std::vector<HeapBlock> blocks;
    std::array<std::uint32_t, kClasses> free{};
    std::uint32_t quarantine_head = kNone;
    std::uint32_t quarantine_tail = kNone;
    std::size_t quarantined = 0;
  } snapshot_;
};

}  // namespace weft::sched
