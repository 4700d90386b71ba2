#pragma once
// Checkpoints of exhaustive explorations (Options::checkpoint,
// WEFT_CHECKPOINT): one file holds, per key (a test's name), the progress of
// one search between two executions, with the counts so far and the
// settings it ran with, so that a later run resumes where it stopped.
//
// The file is text: a header line, then one section per key, each closed by
// a checksum of its lines. It is rewritten whole (to a temporary file,
// then renamed) at every save.

#include <cstdint>
#include <optional>
#include <string>

namespace weft::detail {

// SearchProgress is what a checkpoint holds for one exploration.
struct SearchProgress {
  std::string settings;          // what changes the space: a mismatch means another exploration
  std::string state;             // Search::save's text
  std::uint64_t executions = 0;  // counted so far
  std::uint64_t redundant = 0;
  std::uint64_t discarded = 0;
  std::uint64_t stopped = 0;
  std::uint64_t endless = 0;  // Report::endless
};

class Checkpoint {
 public:
  Checkpoint(std::string file, std::string key) : file_(std::move(file)), key_(std::move(key)) {}

  // load returns this key's progress, or nothing when the file or the key
  // is not there. A file it cannot read as a checkpoint gives an error (and
  // nothing), which names the file and what is wrong.
  std::optional<SearchProgress> load(std::string& error) const;
  // save replaces this key's progress; false (with an error) if the file
  // cannot be written.
  bool save(const SearchProgress& progress, std::string& error) const;
  // forget removes this key's section (the exploration ended: done, or
  // failed), and the file when nothing else is in it.
  void forget() const;

 private:
  std::string file_;
  std::string key_;
};

}  // namespace weft::detail
