#pragma once
// TsanBridge: weft's happens-before, told to ThreadSanitizer. When the
// user's code is compiled with -fsanitize=thread, TSan watches every plain
// memory access, but weft's fibers switch without synchronizing (a switch
// that synchronized would order everything and hide every race), so TSan
// must learn of each edge weft's primitives create from weft. As a tap, the
// bridge sees each event as it is recorded, before the thread touches memory
// again, and calls __tsan_release on the releasing side and __tsan_acquire
// on the acquiring side of the same synchronization address: the edges are
// those of the race detector (docs/checkers.md).
//
// As an observer it turns a report TSan made during the execution into the
// execution's failure (DataRace, or Misuse for TSan's other findings), at
// the next scheduling point.

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "scheduler/execution.h"
#include "scheduler/observer.h"

namespace weft::checkers {

class TsanBridge final : public sched::Tap, public sched::Observer {
 public:
  // active: the executable has the TSan runtime, so the bridge has work.
  static bool active() noexcept;

  void begin(sched::Execution& execution) override;
  void on_event(sched::Execution& execution, const sched::Event& event) override;
  void end(sched::Execution& execution) override;

  void on_start(sched::Execution& execution, sched::ThreadId thread) override;
  void on_record(sched::Execution& execution, const sched::Event& event) override;

 private:
  // Role says which of an object's synchronization addresses is meant.
  enum class Role : std::uint8_t { Exclusive, Shared, Started, Ended, Arrived, Completed, Released, Message };

  // address returns the synchronization address for (object, role, sub),
  // the same one for the whole execution.
  const void* address(sched::ObjectRef object, Role role, std::uint64_t sub = 0);
  void on_atomic(const sched::Event& e);
  void on_fence(const sched::Event& e);
  void on_barrier(const sched::Event& e);
  void on_message(const sched::Event& e);
  void fail_with_report(sched::Execution& x);

  struct Key {
    std::uint64_t object;  // kind, role and index
    std::uint64_t sub;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept { return k.object * 0x9e3779b97f4a7c15u ^ k.sub; }
  };
  // Addresses are cells of cells_ (a deque never moves its elements).
  std::deque<std::uint64_t> cells_;
  std::unordered_map<Key, const void*, KeyHash> by_key_;
  // The release sequence each atomic is in: a plain store begins a new one
  // (C++20), so it gets a new address.
  std::unordered_map<std::uint32_t, std::uint32_t> sequence_;
  // Barriers: the phase under way, and each thread's phase at its last
  // arrival (what its next wait waits for).
  struct Barrier {
    std::uint64_t phase = 0;
    std::vector<std::uint64_t> arrived_in;  // by thread
  };
  std::unordered_map<std::uint32_t, Barrier> barriers_;
  // Fences, by thread. TSan's runtime does not implement them, so the
  // bridge does, from above: a relaxed store or RMW after a release fence
  // releases as a release store would (what the thread did between the
  // fence and the store counts too, which can only hide a race), and an
  // acquire fence acquires the release sequences its thread's relaxed loads
  // read since its last one.
  struct Fences {
    bool released = false;
    std::vector<const void*> observed;
  };
  std::vector<Fences> fences_;
  Fences& fences(sched::ThreadId t) {
    if (t >= fences_.size()) fences_.resize(t + 1);
    return fences_[t];
  }
};

}  // namespace weft::checkers
