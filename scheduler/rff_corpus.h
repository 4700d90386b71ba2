#pragma once
// The model behind reads-from fuzzing (RffStrategy): operations named by
// where they are (Site), reads-from pairs, abstract schedules made of
// reads-from constraints, and the corpus of abstract schedules that found
// something new, with the mutations that make the next one.

#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "scheduler/rng.h"
#include "scheduler/types.h"

namespace weft::sched {

// Site names an operation the same way in every execution: its call site
// and the kind of object it acts on. A site with `file` kInitial is the
// value objects of that kind start with, read before anything wrote them.
// Threads are left out on purpose: the same code run by many threads is one
// site, so the space of constraints does not grow with the number of
// threads. Objects are left out too: their names (atomic#3) follow the order
// of first use, which changes from one schedule to the next.
struct Site {
  static constexpr std::uint32_t kInitial = UINT32_MAX;
  std::uint32_t file = 0;  // an id per file name pointer, in order of appearance
  std::uint32_t line = 0;
  ObjectKind kind = ObjectKind::None;

  friend bool operator==(const Site&, const Site&) = default;
};

// SiteTable gives each site a dense id, in order of appearance (so that
// choices among them are the same in every run), and keeps the sites seen
// reading, and for each of those the sites seen writing an object it read.
class SiteTable {
 public:
  // id of the site of an operation at `file`:`line` on an object of `kind`.
  std::uint32_t id(const char* file, std::uint32_t line, ObjectKind kind);
  // initial is the id of the initial value of objects of `kind`.
  std::uint32_t initial(ObjectKind kind);
  const Site& site(std::uint32_t id) const noexcept { return sites_[id]; }

  // saw notes that the read at site `read` and the write at site `write`
  // acted on the same object in one execution (`write` may be the initial
  // value).
  void saw(std::uint32_t read, std::uint32_t write);
  // reads: every site seen reading, in order of appearance.
  const std::vector<std::uint32_t>& reads() const noexcept { return reads_; }
  // writes_of: the sites seen writing an object that read site `read` read,
  // the initial value first.
  const std::vector<std::uint32_t>& writes_of(std::uint32_t read) const { return writes_[read]; }

 private:
  struct SiteHash {
    std::size_t operator()(const Site& s) const noexcept;
  };
  std::unordered_map<const char*, std::uint32_t> files_;
  std::unordered_map<Site, std::uint32_t, SiteHash> ids_;
  std::vector<Site> sites_;
  std::vector<std::vector<std::uint32_t>> writes_;  // by site: empty unless it reads
  std::vector<std::uint32_t> reads_;
};

// Constraint: the read at site `read` reads from the write at site `write`
// (positive), or does not (negative).
struct Constraint {
  std::uint32_t write = 0;
  std::uint32_t read = 0;
  bool positive = true;

  friend bool operator==(const Constraint&, const Constraint&) = default;
};

// pair_key packs a reads-from pair.
constexpr std::uint64_t pair_key(std::uint32_t write, std::uint32_t read) noexcept {
  return (std::uint64_t{write} << 32) | read;
}

// Corpus: the abstract schedules whose executions showed a reads-from pair
// no earlier execution had, and every pair seen so far.
class Corpus {
 public:
  static constexpr std::size_t kMaxEntries = 4096;
  static constexpr std::size_t kMaxConstraints = 8;

  bool empty() const noexcept { return entries_.empty(); }
  std::size_t size() const noexcept { return entries_.size(); }
  bool seen(std::uint32_t write, std::uint32_t read) const { return pairs_.count(pair_key(write, read)) != 0; }

  // next picks an entry, favouring those picked least (an exponential
  // power schedule cut off after 8 picks), and mutates it.
  std::vector<Constraint> next(SiteTable& sites, Rng& rng);
  // learn adds an execution's pairs; if one was new, `schedule` joins the
  // corpus. Returns whether one was new.
  bool learn(const std::unordered_set<std::uint64_t>& pairs, const std::vector<Constraint>& schedule);

 private:
  struct Entry {
    std::vector<Constraint> constraints;
    std::uint32_t picks = 0;
  };
  // kMaxTries: a pair never seen is aimed at this many times; after that it
  // is taken to be impossible (a write the read precedes in its thread).
  static constexpr std::uint32_t kMaxTries = 4;

  void mutate(std::vector<Constraint>& schedule, SiteTable& sites, Rng& rng);
  bool random_constraint(SiteTable& sites, Rng& rng, Constraint& out);
  bool open(std::uint32_t write, std::uint32_t read) const;

  std::vector<Entry> entries_;
  std::unordered_set<std::uint64_t> pairs_;
  std::unordered_map<std::uint64_t, std::uint32_t> tries_;  // unseen pairs aimed at
};

}  // namespace weft::sched
