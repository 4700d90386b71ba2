#pragma once
// weft::shared_mutex: a reader-writer lock usable with std::shared_lock.

#include "weft/detail/runtime.h"
#include "weft/source_location.h"

namespace weft {

// shared_mutex admits one writer or any number of readers. Every operation
// is a scheduling point; unlocking what the caller does not hold is Misuse.
class shared_mutex {
 public:
  constexpr shared_mutex() noexcept = default;
  shared_mutex(const shared_mutex&) = delete;
  shared_mutex& operator=(const shared_mutex&) = delete;
  ~shared_mutex();

  void lock(source_location where = source_location::current());
  bool try_lock(source_location where = source_location::current());
  void unlock(source_location where = source_location::current());

  void lock_shared(source_location where = source_location::current());
  bool try_lock_shared(source_location where = source_location::current());
  void unlock_shared(source_location where = source_location::current());

 private:
  detail::Slot slot_;
};

}  // namespace weft
