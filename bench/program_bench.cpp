// bench_program: what running unmodified C code under weft costs (see
// bench/README.md, "C programs").
//
//   bench_program [iterations]
//
// c-locked-counter-*: the mutex workload of bench_weft written as C with
//   pthreads and a plain int (program_workload.c), explored like a program
//   test's main: with every load and store a scheduling point (tracked), and
//   without the memory-access instrumentation (untracked). weft-locked-counter
//   is the same workload with weft's own types, for the ratio.
// end-unwind / end-abandon: an execution discarded (__VERIFIER_assume) while
//   eight threads are blocked on a mutex, ended by unwinding them (weft's
//   C++ default) or by dropping their stacks (abandon_unfinished, what
//   program tests do).
// hook: one call of a function compiled with -finstrument-functions, inside
//   an execution (the entry and exit hooks look the function up by address).
// reset: restoring a 64 KiB writable segment, as before every execution of a
//   program test.
// heap-reset: restoring a program's heap whose constructors allocated 1024
//   blocks of 64 bytes, after an execution that allocated 100 blocks and
//   freed 100 (heap-reset-empty: nothing allocated before the snapshot, 100
//   blocks allocated and freed in the execution); heap-malloc-free: one
//   allocation of 64 bytes and its free in the program's heap, in
//   executions of 1000 such pairs (the restores included) and in one of a
//   million (saturated: its 4 MiB quarantine full, each free pushes out
//   the oldest block), and in the C library's heap.

#include <weft/verifier.h>
#include <weft/weft.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <mutex>
#include <vector>

#include "result.h"
#include "program_image.h"
#include "scheduler/execution.h"
#include "scheduler/heap.h"
#include "workloads.h"

extern "C" {
int c_locked_counter_tracked(void);
int c_locked_counter_untracked(void);
int c_leaf_instrumented(int x);
int c_leaf_plain(int x);
}

namespace {

bench::Measurement explore_timed(void (*body)(), std::uint64_t iterations) {
  const auto options = weft::Options{}.strategy(weft::Strategy::random()).iterations(iterations).seed(1);
  const auto start = std::chrono::steady_clock::now();
  const weft::Report report = weft::explore(body, options);
  const double seconds = bench::seconds_since(start);
  if (!report.ok() && report.failure->kind != weft::FailureKind::AssertionFailed) {
    std::cerr << "bench_program: unexpected failure:\n" << report << '\n';
    std::exit(1);
  }
  return {report.executions, seconds};
}

void c_tracked() {
  weft::sched::Execution::active()->abandon_unfinished();
  WEFT_ASSERT(c_locked_counter_tracked());
}
void c_untracked() {
  weft::sched::Execution::active()->abandon_unfinished();
  WEFT_ASSERT(c_locked_counter_untracked());
}

// blocked_at_the_end: eight threads wait for a mutex the body holds when
// a failed assumption discards the execution, so all eight are unfinished
// when it ends, and are unwound or abandoned.
void blocked_at_the_end(bool abandon) {
  if (abandon) weft::sched::Execution::active()->abandon_unfinished();
  weft::mutex m;
  m.lock();
  std::vector<weft::thread> waiters;
  for (int i = 0; i < 8; ++i) waiters.emplace_back([&] { std::lock_guard<weft::mutex> hold(m); });
  for (int i = 0; i < 8; ++i) weft::this_thread::yield();
  __VERIFIER_assume(0);
}

bench::Measurement ends_timed(bool abandon, std::uint64_t iterations) {
  const auto options = weft::Options{}.iterations(iterations).race_detection(false).lock_order(false);
  const auto start = std::chrono::steady_clock::now();
  const weft::Report r = weft::explore([abandon] { blocked_at_the_end(abandon); }, options);
  const double seconds = bench::seconds_since(start);
  if (r.discarded != iterations) std::exit(1);  // every execution is discarded (and the report says so)
  return {iterations, seconds};
}

// ns_per_call times `calls` calls of `leaf` in one execution, from outside
// it (inside, weft::interpose makes the clocks virtual), less the same
// execution without the calls.
double ns_per_call(int (*leaf)(int), std::uint64_t calls) {
  const auto run = [leaf](std::uint64_t n) {
    const auto start = std::chrono::steady_clock::now();
    const weft::Report r = weft::explore(
        [&] {
          weft::this_thread::yield();  // a controlled operation: the exploration is not empty
          int x = 0;
          for (std::uint64_t i = 0; i < n; ++i) x = leaf(x);
          WEFT_ASSERT(x == static_cast<int>(n));
        },
        weft::Options{}.iterations(1));
    if (!r.ok()) std::exit(1);
    return bench::seconds_since(start);
  };
  return (run(calls) - run(0)) * 1e9 / static_cast<double>(calls);
}

// us_per_heap_reset times Heap::restore after executions that each
// allocate 100 blocks of 64 bytes and free them, with `constructed` blocks
// of 64 bytes allocated (and written) before the snapshot.
double us_per_heap_reset(int constructed) {
  weft::sched::Heap heap(weft::sched::Heap::Limits{});
  const weft::sched::HeapSite site{};
  for (int i = 0; i < constructed; ++i) std::memset(heap.allocate(64, 1, site), 1, 64);
  heap.snapshot();
  constexpr int kResets = 10000;
  double seconds = 0;
  void* blocks[100];
  for (int r = 0; r < kResets; ++r) {
    for (void*& b : blocks) std::memset(b = heap.allocate(64, 1, site), 2, 64);
    for (void* b : blocks) heap.release(b, site);
    const auto start = std::chrono::steady_clock::now();
    heap.restore();
    seconds += bench::seconds_since(start);
  }
  return seconds * 1e6 / kResets;
}

// ns_per_malloc_free times an allocation of 64 bytes and its free: in the
// program's heap, in executions of `pairs` pairs each (the restore between
// them included), or with the C library's functions.
double ns_per_malloc_free(bool program_heap, int pairs) {
  weft::sched::Heap heap(weft::sched::Heap::Limits{});
  const weft::sched::HeapSite site{};
  heap.snapshot();
  constexpr int kPairs = 1000000;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPairs; ++i) {
    if (program_heap) {
      void* p = heap.allocate(64, 1, site);
      static_cast<volatile char*>(p)[0] = 1;
      heap.release(p, site);
      if ((i + 1) % pairs == 0) heap.restore();
    } else {
      void* p = std::malloc(64);
      static_cast<volatile char*>(p)[0] = 1;
      std::free(p);
    }
  }
  return bench::seconds_since(start) * 1e9 / kPairs;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t iterations = bench::count_arg(argc, argv, 1, 100000);
  const auto tracked = bench::best_of([&] { return explore_timed(&c_tracked, iterations); });
  const auto untracked = bench::best_of([&] { return explore_timed(&c_untracked, iterations); });
  const auto weft_types = bench::best_of([&] { return explore_timed(&bench::locked_counter<5>, iterations); });
  bench::print_result("weft", "c-locked-counter-tracked", tracked);
  bench::print_result("weft", "c-locked-counter-untracked", untracked);
  bench::print_result("weft", "weft-locked-counter", weft_types);

  const std::uint64_t ends = iterations / 10;
  const auto unwind = bench::best_of([&] { return ends_timed(false, ends); });
  const auto abandon = bench::best_of([&] { return ends_timed(true, ends); });
  bench::print_result("weft", "end-unwind-8-blocked", unwind);
  bench::print_result("weft", "end-abandon-8-blocked", abandon);

  const std::uint64_t calls = 10000000;
  const double hooked = ns_per_call(&c_leaf_instrumented, calls);
  const double plain = ns_per_call(&c_leaf_plain, calls);
  std::printf("RESULT tool=weft workload=hook ns_per_call=%.1f plain_ns_per_call=%.1f\n", hooked, plain);

  std::vector<char> segment(64 * 1024 + 3, 1), snapshot(64 * 1024 + 3, 2);
  const auto start = std::chrono::steady_clock::now();
  constexpr int kResets = 10000;
  for (int i = 0; i < kResets; ++i) weft::program::copy_bytes(segment.data() + 3, snapshot.data() + 3, 64 * 1024);
  std::printf("RESULT tool=weft workload=reset-64KiB us_per_reset=%.2f\n", bench::seconds_since(start) * 1e6 / kResets);

  std::printf("RESULT tool=weft workload=heap-reset-64KiB us_per_reset=%.2f\n", us_per_heap_reset(1024));
  std::printf("RESULT tool=weft workload=heap-reset-empty us_per_reset=%.2f\n", us_per_heap_reset(0));
  std::printf("RESULT tool=weft workload=heap-malloc-free ns_per_pair=%.1f saturated_ns_per_pair=%.1f "
              "libc_ns_per_pair=%.1f\n",
              ns_per_malloc_free(true, 1000), ns_per_malloc_free(true, 1000000), ns_per_malloc_free(false, 1));
  return 0;
}
