// heap_test: sched::Heap, the heap of the code under test (program tests
// serve a C program's malloc and new from it): blocks, look-ups, the
// quarantine, double frees, and the snapshot every execution starts from.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <set>

#include "scheduler/heap.h"

namespace {

using weft::sched::Heap;
using weft::sched::HeapBlock;
using weft::sched::HeapSite;

Heap::Limits small_quarantine(std::size_t bytes) {
  Heap::Limits limits;
  limits.quarantine = bytes;
  return limits;
}

const HeapSite kMain{0, 3, nullptr};
const HeapSite kWorker{1, 9, nullptr};

// resident_kib is this process's resident memory.
long resident_kib() {
  long pages = 0, resident = 0;
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return -1;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
  std::fclose(f);
  return resident * (::sysconf(_SC_PAGESIZE) / 1024);
}

TEST(Heap, BlocksAreAlignedDistinctAndFoundFromAnyByteOfThem) {
  Heap heap(Heap::Limits{});
  std::set<void*> seen;
  for (std::size_t size : {0, 1, 15, 16, 17, 100, 1024, 1025, 5000, 100000}) {
    auto* p = static_cast<char*>(heap.allocate(size, 1, kMain));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u) << size;
    EXPECT_TRUE(seen.insert(p).second) << size;
    EXPECT_TRUE(heap.owns(p));
    const HeapBlock* b = heap.block_at(p);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->size, size);
    EXPECT_GE(b->capacity, size);
    EXPECT_TRUE(b->live);
    EXPECT_EQ(b->allocated.thread, 0u);
    EXPECT_EQ(b->allocated.step, 3u);
    if (size > 1) {
      EXPECT_EQ(heap.find(p + size - 1), b);
      EXPECT_EQ(heap.block_at(p + 1), nullptr);
    }
  }
  for (std::size_t alignment : {32, 64, 4096}) {
    void* p = heap.allocate(24, alignment, kMain);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % alignment, 0u) << alignment;
  }
  int outside = 0;
  EXPECT_FALSE(heap.owns(&outside));
  EXPECT_EQ(heap.find(&outside), nullptr);
}

TEST(Heap, ADoubleFreeAndAPointerNoAllocationReturnedAreTold) {
  Heap heap(Heap::Limits{});
  auto* p = static_cast<char*>(heap.allocate(40, 1, kMain));
  EXPECT_EQ(heap.release(p + 8, kWorker), Heap::Release::NotABlock);
  EXPECT_EQ(heap.release(p, kWorker), Heap::Release::Freed);
  EXPECT_EQ(heap.release(p, kMain), Heap::Release::DoubleFree);
  const HeapBlock* b = heap.find(p + 8);
  ASSERT_NE(b, nullptr);
  EXPECT_FALSE(b->live);
  EXPECT_EQ(b->freed.thread, 1u);  // the first free counts
  EXPECT_EQ(b->freed.step, 9u);
  EXPECT_EQ(b->allocated.thread, 0u);
  // Beyond every slot, still in the region: no block.
  EXPECT_EQ(heap.release(p + (1 << 20), kMain), Heap::Release::NotABlock);
}

TEST(Heap, FreedSlotsWaitInQuarantineBeforeReuse) {
  Heap heap(small_quarantine(4 * 64));
  void* first = heap.allocate(64, 1, kMain);
  heap.release(first, kMain);
  // While it is in quarantine, a block of its size goes elsewhere, and the
  // freed one still says who freed it.
  void* second = heap.allocate(64, 1, kMain);
  EXPECT_NE(second, first);
  EXPECT_FALSE(heap.block_at(first)->live);
  EXPECT_EQ(heap.quarantined_bytes(), 64u);
  // Four more freed slots push the first out: its slot is reused.
  for (int i = 0; i < 4; ++i) heap.release(heap.allocate(64, 1, kMain), kMain);
  EXPECT_EQ(heap.quarantined_bytes(), 4u * 64);
  EXPECT_EQ(heap.allocate(64, 1, kMain), first);
  EXPECT_TRUE(heap.block_at(first)->live);
}

TEST(Heap, ZeroedBlocksAreZeroEvenInAReusedSlot) {
  Heap heap(small_quarantine(0));
  auto* p = static_cast<unsigned char*>(heap.allocate(48, 1, kMain));
  std::memset(p, 0xab, 48);
  heap.release(p, kMain);
  auto* q = static_cast<unsigned char*>(heap.allocate(48, 1, kMain, true));
  ASSERT_EQ(q, p);
  for (int i = 0; i < 48; ++i) EXPECT_EQ(q[i], 0) << i;
}

TEST(Heap, ResizeKeepsTheBytesAndFreesWhatItLeaves) {
  Heap heap(Heap::Limits{});
  auto* p = static_cast<char*>(heap.allocate(20, 1, kMain));
  std::memcpy(p, "0123456789abcdefghi", 20);
  EXPECT_EQ(heap.resize(p, 30, kMain), p);  // its 32-byte slot holds 30
  EXPECT_EQ(heap.block_at(p)->size, 30u);
  auto* q = static_cast<char*>(heap.resize(p, 3000, kWorker));
  ASSERT_NE(q, p);
  EXPECT_STREQ(q, "0123456789abcdefghi");
  EXPECT_EQ(heap.release(p, kMain), Heap::Release::DoubleFree);
}

TEST(Heap, RestorePutsBackTheSnapshotAtTheSameAddresses) {
  Heap heap(Heap::Limits{});
  auto* kept = static_cast<int*>(heap.allocate(sizeof(int) * 4, 1, kMain));
  kept[0] = 7;
  heap.snapshot();

  void* fresh = nullptr;
  for (int execution = 0; execution < 3; ++execution) {
    heap.restore();
    ASSERT_TRUE(heap.block_at(kept)->live) << execution;
    ASSERT_EQ(kept[0], 7) << execution;
    EXPECT_EQ(heap.carved_bytes(), heap.snapshot_bytes());
    // The execution changes the snapshot's block, frees it, and allocates.
    kept[0] = 8;
    heap.release(kept, kWorker);
    auto* p = static_cast<unsigned char*>(heap.allocate(100, 1, kWorker));
    if (execution == 0) fresh = p;
    EXPECT_EQ(p, fresh) << "the same address in every execution";
    for (int i = 0; i < 100; ++i) ASSERT_EQ(p[i], 0) << "memory an execution did not write reads 0";
    std::memset(p, 0xff, 100);
  }
}

TEST(Heap, MemoryStaysFlatHoweverMuchEachExecutionAllocates) {
  Heap heap(Heap::Limits{});
  heap.snapshot();
  heap.restore();
  const long before = resident_kib();
  for (int execution = 0; execution < 100; ++execution) {
    for (int i = 0; i < 4; ++i) std::memset(heap.allocate(1 << 20, 1, kMain), 1, 1 << 20);  // never freed
    heap.restore();
  }
  EXPECT_LT(resident_kib() - before, 64 * 1024) << "400 MiB were allocated and written in all";
  EXPECT_EQ(heap.carved_bytes(), 0u);
}

TEST(Heap, AFullRegionGivesNull) {
  Heap::Limits limits;
  limits.reserve = 1 << 20;
  Heap heap(limits);
  EXPECT_EQ(heap.allocate(2 << 20, 1, kMain), nullptr);
  EXPECT_NE(heap.allocate(1000, 1, kMain), nullptr);
}

}  // namespace
