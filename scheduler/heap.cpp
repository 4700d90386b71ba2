#include "scheduler/heap.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <new>

namespace weft::sched {

namespace {

constexpr std::size_t kGranule = 16;
constexpr std::size_t kSmallest = std::size_t{256} << 20;  // the least region worth having
// Below this, memory carved by an execution is zeroed by writing it; above,
// its pages are given back (they come back zero), which also keeps the
// process's resident memory flat after an execution that allocated much.
constexpr std::size_t kWriteZerosBelow = std::size_t{256} << 10;
// The region is made accessible this much at a time, as slots reach it.
constexpr std::size_t kCommitStep = std::size_t{1} << 20;

std::size_t page_size() noexcept { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

char* align_up(char* p, std::size_t to) noexcept {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  return p + ((to - at % to) % to);
}

bool aligned(const char* p, std::size_t to) noexcept { return reinterpret_cast<std::uintptr_t>(p) % to == 0; }

// table_bytes is the size of the table of slots for a region of `bytes`:
// a slot number per granule.
std::size_t table_bytes(std::size_t bytes) noexcept { return bytes / kGranule * sizeof(std::uint32_t); }

}  // namespace

std::size_t Heap::class_of(std::size_t size) noexcept {
  if (size <= 1024) return size == 0 ? 0 : (size + kGranule - 1) / kGranule - 1;
  // Four classes per power of two: (4 + sub + 1) << (e - 2), sub in 0..3.
  const std::size_t e = static_cast<std::size_t>(std::bit_width(size - 1)) - 1;
  const std::size_t sub = ((size - 1) >> (e - 2)) & 3;
  return 64 + (e - 10) * 4 + sub;
}

std::size_t Heap::capacity_of(std::size_t size_class) noexcept {
  if (size_class < 64) return (size_class + 1) * kGranule;
  const std::size_t e = 10 + (size_class - 64) / 4;
  const std::size_t sub = (size_class - 64) % 4;
  return (4 + sub + 1) << (e - 2);
}

Heap::Heap(Limits limits) : quarantine_limit_(limits.quarantine) {
  // Address space only, inaccessible until slots reach it: a stray pointer
  // into the rest faults, and tools that scan what is readable (valgrind's
  // leak check) do not scan 64 GiB. A system that refuses (ulimit -v)
  // gets asked for less.
  for (std::size_t bytes = limits.reserve;; bytes /= 2) {
    void* p = ::mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    void* table = p == MAP_FAILED ? MAP_FAILED
                                  : ::mmap(nullptr, table_bytes(bytes), PROT_NONE,
                                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (table != MAP_FAILED) {
      base_ = static_cast<char*>(p);
      end_ = base_ + bytes;
      slot_of_ = static_cast<std::uint32_t*>(table);
      break;
    }
    if (p != MAP_FAILED) ::munmap(p, bytes);
    if (bytes / 2 < kSmallest) break;
  }
  if (!base_) throw std::bad_alloc();
  top_ = high_water_ = committed_ = base_;
  free_.fill(kNone);
  snapshot_.free.fill(kNone);
}

Heap::~Heap() {
  const auto bytes = static_cast<std::size_t>(end_ - base_);
  ::munmap(slot_of_, table_bytes(bytes));
  ::munmap(base_, bytes);
}

HeapBlock* Heap::take_free(std::size_t size_class, std::size_t alignment) noexcept {
  const std::uint32_t first = free_[size_class];
  if (first == kNone || !aligned(blocks_[first].start, alignment)) return nullptr;
  free_[size_class] = blocks_[first].link;
  return &blocks_[first];
}

HeapBlock* Heap::carve(std::size_t size_class, std::size_t alignment) {
  const std::size_t capacity = capacity_of(size_class);
  char* start = align_up(top_, alignment);
  if (start > end_ || static_cast<std::size_t>(end_ - start) < capacity) return nullptr;
  if (start + capacity > committed_) {
    const auto missing = static_cast<std::size_t>(start + capacity - committed_);
    const std::size_t grow = std::min(static_cast<std::size_t>(end_ - committed_),
                                      (missing + kCommitStep - 1) / kCommitStep * kCommitStep);
    std::uint32_t* table = slot_of_ + granule(committed_);
    if (::mprotect(committed_, grow, PROT_READ | PROT_WRITE) != 0 ||
        ::mprotect(table, table_bytes(grow), PROT_READ | PROT_WRITE) != 0)
      return nullptr;
    committed_ += grow;
  }
  // The table is written once per slot: a slot keeps its place and size.
  // Since restore() the granules may have had other slots: a gap is none.
  const auto index = static_cast<std::uint32_t>(blocks_.size());
  std::fill(slot_of_ + granule(top_), slot_of_ + granule(start), kNone);
  std::fill(slot_of_ + granule(start), slot_of_ + granule(start) + capacity / kGranule, index);
  HeapBlock& b = blocks_.emplace_back();
  b.start = start;
  b.capacity = capacity;
  b.size_class = static_cast<std::uint16_t>(size_class);
  top_ = start + capacity;
  high_water_ = std::max(high_water_, top_);
  return &b;
}

void* Heap::allocate(std::size_t size, std::size_t alignment, const HeapSite& by, bool zero) {
  if (size > static_cast<std::size_t>(end_ - base_)) return nullptr;
  alignment = std::max(alignment, kGranule);
  const std::size_t size_class = class_of(size);
  HeapBlock* b = take_free(size_class, alignment);
  // A reused slot holds what its last block left; a carved one is zero.
  const bool dirty = b != nullptr;
  if (!b && !(b = carve(size_class, alignment))) return nullptr;
  b->size = size;
  b->live = true;
  b->quarantined = false;
  b->allocated = by;
  b->freed = HeapSite{};
  if (zero && dirty) std::memset(b->start, 0, size);
  return b->start;
}

const HeapBlock* Heap::find(const void* p) const noexcept {
  const char* at = static_cast<const char*>(p);
  if (at < base_ || at >= top_) return nullptr;
  const std::uint32_t index = slot_of_[granule(at)];
  return index == kNone ? nullptr : &blocks_[index];
}

const HeapBlock* Heap::block_at(const void* p) const noexcept {
  const HeapBlock* b = find(p);
  return b && b->start == p ? b : nullptr;
}

void Heap::quarantine(std::uint32_t index) noexcept {
  HeapBlock& b = blocks_[index];
  b.quarantined = true;
  b.link = kNone;
  if (quarantine_tail_ == kNone) quarantine_head_ = index;
  else blocks_[quarantine_tail_].link = index;
  quarantine_tail_ = index;
  quarantined_ += b.capacity;
  // The oldest leave first: their slots become reusable, their records stay
  // until a new block takes the slot.
  while (quarantined_ > quarantine_limit_ && quarantine_head_ != kNone) {
    const std::uint32_t oldest = quarantine_head_;
    HeapBlock& o = blocks_[oldest];
    quarantine_head_ = o.link;
    if (quarantine_head_ == kNone) quarantine_tail_ = kNone;
    quarantined_ -= o.capacity;
    o.quarantined = false;
    o.link = free_[o.size_class];
    free_[o.size_class] = oldest;
  }
}

Heap::Release Heap::release(void* p, const HeapSite& by) {
  const HeapBlock* found = block_at(p);
  if (!found) return Release::NotABlock;
  if (!found->live) return Release::DoubleFree;
  HeapBlock& b = blocks_[index_of(found)];
  b.live = false;
  b.freed = by;
  quarantine(index_of(found));
  return Release::Freed;
}

void* Heap::resize(void* p, std::size_t size, const HeapSite& by) {
  HeapBlock& b = blocks_[index_of(block_at(p))];
  if (size <= b.capacity) {
    b.size = size;
    return p;
  }
  const std::size_t old_size = b.size;
  void* moved = allocate(size, kGranule, by);  // may move blocks_, and b with them
  if (!moved) return nullptr;
  std::memcpy(moved, p, old_size);
  release(p, by);
  return moved;
}

void Heap::snapshot() {
  snapshot_.bytes.assign(base_, top_);
  snapshot_.blocks = blocks_;
  snapshot_.free = free_;
  snapshot_.quarantine_head = quarantine_head_;
  snapshot_.quarantine_tail = quarantine_tail_;
  snapshot_.quarantined = quarantined_;
  high_water_ = top_;
}

void Heap::zero_fresh(char* from, char* to) noexcept {
  if (to <= from) return;
  const std::size_t n = static_cast<std::size_t>(to - from);
  if (n < kWriteZerosBelow) {
    std::memset(from, 0, n);
    return;
  }
  char* whole = align_up(from, page_size());
  std::memset(from, 0, static_cast<std::size_t>(whole - from));
  // Fresh pages on the next touch; should the kernel refuse, write zeros.
  if (::madvise(whole, static_cast<std::size_t>(to - whole), MADV_DONTNEED) != 0)
    std::memset(whole, 0, static_cast<std::size_t>(to - whole));
}

void Heap::restore() noexcept {
  char* const top = base_ + snapshot_.bytes.size();
  zero_fresh(top, high_water_);
  if (!snapshot_.bytes.empty()) std::memcpy(base_, snapshot_.bytes.data(), snapshot_.bytes.size());
  // Shrinking keeps the capacity, and the copy fits in it: no allocation.
  blocks_.resize(snapshot_.blocks.size());
  std::copy(snapshot_.blocks.begin(), snapshot_.blocks.end(), blocks_.begin());
  free_ = snapshot_.free;
  quarantine_head_ = snapshot_.quarantine_head;
  quarantine_tail_ = snapshot_.quarantine_tail;
  quarantined_ = snapshot_.quarantined;
  top_ = high_water_ = top;
}

}  // namespace weft::sched
