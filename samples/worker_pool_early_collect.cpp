// Collecting too early: a pool of workers each computes one result and
// counts itself done, and a collector waits for the batch before it reads
// the results. The collector waits for the wrong condition (one worker done
// instead of all), so it reads the results while some are still missing.
// It passes whenever the workers happen to finish first, so it can hide
// for a long time on a real machine.
//
// Fix: wait for the condition the next step needs, here every worker done
// (joining every worker before reading would do as well).

#include <mutex>
#include <vector>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::worker_pool_early_collect {

namespace {

constexpr int kWorkers = 3;

// Batch is what the workers and the collector share.
struct Batch {
  weft::mutex mutex;
  weft::condition_variable finished;
  std::vector<int> results;  // guarded by mutex
  weft::var<int> done{0};    // workers finished; guarded by mutex
};

void work(Batch& batch, int worker) {
  const int result = worker * worker;  // the work itself
  {
    std::lock_guard lock(batch.mutex);
    batch.results.push_back(result);
    batch.done.set(batch.done.get() + 1);
  }
  batch.finished.notify_all();
}

// run starts the workers, waits until `enough(done)`, then checks that every
// result is there, and finally shuts the pool down.
template <class Enough>
void run(Enough enough) {
  Batch batch;
  std::vector<weft::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.push_back(weft::thread([&batch, w] { work(batch, w); }));
  }
  {
    std::unique_lock lock(batch.mutex);
    batch.finished.wait(lock, [&] { return enough(batch.done.get()); });
    WEFT_ASSERT(batch.results.size() == kWorkers, "collected before every result was in");
  }
  for (weft::thread& worker : workers) worker.join();
}

}  // namespace

void buggy() {
  run([](int done) { return done >= 1; });  // bug: one worker is not the batch
}

void fixed() {
  run([](int done) { return done == kWorkers; });
}

}  // namespace weft::samples::worker_pool_early_collect
