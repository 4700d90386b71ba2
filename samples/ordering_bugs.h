#pragma once
// weft::samples::ordering: bugs that tell exploration strategies apart,
// shared by tests/strategies_test.cpp and bench/strategy_bench.cpp. Each
// body fails (AssertionFailed) only in rare interleavings; which strategy
// finds it, and how soon, is what docs/strategies.md and bench/README.md
// report. The sizes are parameters so that a test can show how the number
// of executions to the bug grows, or does not, with the number of threads.

namespace weft::samples::ordering {

// late_write: one late write must come before one early read. A reporter
// (the first thread created) reads the run's phase as its first step; n - 2
// workers each add to a shared counter twice and count down a latch; a
// coordinator (the last thread created) waits for the latch and sets the
// phase to 2. The reporter asserts the run is still in phase 1, which fails
// only when it reads after the coordinator's write: after every worker's
// steps. n threads in all besides the body, n >= 3.
void late_write(int n);

// reorder: SCTBench's reorder_n (CS/reorder_X_bad). n - 1 setters each store
// a = 1 then b = -1; a checker, created last, reads a then b and asserts it
// saw neither store or both of one setter's. It fails when its two reads
// fall between one setter's two stores. n >= 2.
void reorder(int n);

// work_stealing_queue: a Chase-Lev deque whose owner frees the old buffer
// as soon as it has grown it. The owner fills the deque, a thief starts a
// steal, and the owner's next push grows the buffer (copying `capacity`
// slots) and frees the old one: the thief fails if it loaded the buffer
// pointer before the growth and reads the slot after the free (a use after
// free, which the buffer's `freed` flag stands for). The thief has to stay
// paused across the owner's 2 * capacity + 2 steps of the growth.
// `defer_free` keeps old buffers until the deque is destroyed: the fix.
void work_stealing_queue(int capacity, bool defer_free);

}  // namespace weft::samples::ordering
