// Lost wake-up: a worker waits on a std::condition_variable for a job
// without checking whether the job is already there. If the producer
// notifies before the worker waits, nobody is waiting, the notify is lost
// and the worker waits forever.
//
// Fix: wait with a predicate, which checks the state before waiting.

#include <condition_variable>
#include <mutex>
#include <thread>

#include "std_samples.h"
#include "weft/assert.h"

namespace weft::samples::std_lost_wakeup {

namespace {
struct Mailbox {
  std::mutex m;
  std::condition_variable cv;
  bool has_job = false;
};
}  // namespace

void buggy() {
  Mailbox box;
  std::thread worker([&] {
    std::unique_lock<std::mutex> lock(box.m);
    box.cv.wait(lock);  // waits even if the job came first
    WEFT_ASSERT(box.has_job);
  });
  {
    std::lock_guard<std::mutex> hold(box.m);
    box.has_job = true;
  }
  box.cv.notify_one();
  worker.join();
}

void fixed() {
  Mailbox box;
  std::thread worker([&] {
    std::unique_lock<std::mutex> lock(box.m);
    box.cv.wait(lock, [&] { return box.has_job; });
  });
  {
    std::lock_guard<std::mutex> hold(box.m);
    box.has_job = true;
  }
  box.cv.notify_one();
  worker.join();
}

}  // namespace weft::samples::std_lost_wakeup
