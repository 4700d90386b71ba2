// Missed notification: a consumer waits on a condition variable for a
// producer's signal, without checking the state it is waiting for. A
// notification wakes only threads already waiting, so if the producer
// notifies before the consumer starts to wait, the consumer waits for ever.
//
// Fix: wait for the state, not for the notification: wait with a predicate
// on the flag, which returns at once when the flag is already set (and
// waits again after a spurious wake-up).

#include <mutex>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::missed_notify {

void buggy() {
  weft::mutex mutex;
  weft::condition_variable cv;
  weft::var<bool> ready{false};

  weft::thread consumer([&] {
    std::unique_lock lock(mutex);
    cv.wait(lock);  // waits for a notify that may already have happened
  });
  weft::thread producer([&] {
    {
      std::lock_guard lock(mutex);
      ready.set(true);
    }
    cv.notify_one();
  });
  consumer.join();
  producer.join();
}

void fixed() {
  weft::mutex mutex;
  weft::condition_variable cv;
  weft::var<bool> ready{false};

  weft::thread consumer([&] {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return ready.get(); });
  });
  weft::thread producer([&] {
    {
      std::lock_guard lock(mutex);
      ready.set(true);
    }
    cv.notify_one();
  });
  consumer.join();
  producer.join();
}

}  // namespace weft::samples::missed_notify
