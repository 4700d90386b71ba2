#pragma once
// SharedSites: which operations act on state more than one thread uses, as
// strategies learn it from the operations they let run. Operations on
// objects no other thread touches commute with everything the others do;
// SURW places its weights on the shared ones only.
//
// Objects are named per execution by kind and in the order of their first
// use, so a name is no identity across executions: the counter thread 3
// keeps to itself may be atomic#2 in one schedule and the shared flag may be
// atomic#2 in the next. Within an execution a name is exact, so an object is
// shared once two threads were seen on it in the same execution; what is
// kept across executions is the call site: an operation is on shared state
// when its object is shared in this execution so far, or when an operation
// at the same site (file, line and kind of object) was on a shared object
// in this or an earlier execution. That is what lets a change point land
// before the first thread's first access, before anyone else has touched
// the object in this execution.

#include <cstdint>
#include <unordered_set>
#include <vector>

#include "scheduler/types.h"

namespace weft::sched {

// SiteKey is a call site and the kind of object operated on there.
struct SiteKey {
  const char* file = "";
  std::uint32_t line = 0;
  ObjectKind kind = ObjectKind::None;

  friend bool operator==(const SiteKey&, const SiteKey&) = default;
};

class SharedSites {
 public:
  // begin starts another execution.
  void begin() noexcept { ++execution_; }

  // note records that thread `t` operates on `object` at `where` and says
  // whether that operation is on shared state (as defined above). An
  // operation on no object (a yield, a spawn) never is.
  bool note(ThreadId t, ObjectRef object, Location where);

  // sites is every shared site, in the order found.
  const std::vector<SiteKey>& sites() const noexcept { return list_; }
  // shared_site says whether `site` is one of them.
  bool shared_site(const SiteKey& site) const { return set_.count(site) != 0; }

 private:
  struct Hash {
    std::size_t operator()(const SiteKey& s) const noexcept;
  };
  // kFirstSites bounds the sites of the first thread on an object that are
  // marked when a second one comes.
  static constexpr std::size_t kFirstSites = 8;
  struct Entry {
    std::uint64_t execution = 0;   // the execution the fields below belong to
    ThreadId first = kNoThread;    // the first thread seen on it
    bool shared = false;           // a second thread was seen on it
    // Sites seen on it: the first thread's until a second came, then those
    // already marked shared (at most kFirstSites; others are looked up).
    std::vector<SiteKey> before;
  };
  void mark(const SiteKey& site);

  std::uint64_t execution_ = 1;
  std::vector<Entry> by_kind_[16];  // this execution's objects, by kind and index
  std::unordered_set<SiteKey, Hash> set_;
  std::vector<SiteKey> list_;
};

}  // namespace weft::sched
