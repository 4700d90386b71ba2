#pragma once
// A test's regression file (Options::regressions, WEFT_REGRESSIONS): the
// failures weft found in one test, each with the search that found it, kept
// as text meant to be committed beside the test. The format, version 1:
//
//   # comments and blank lines, kept as they are
//   weft-regressions 1
//   failure DataRace execution=18 seed=1 strategy=pct:3 iterations=1000 ... token=w1.AAAI...
//
// The version line comes before the first entry; each entry is one line of
// `key=value` fields after its kind (docs/replaying.md#regression-files
// lists them). Edits keep every other line as it was, and the file is
// replaced whole through a temporary file, never truncated in place.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "weft/failure.h"
#include "weft/options.h"

namespace weft::detail {

// RegressionEntry is one failure of a regression file.
struct RegressionEntry {
  FailureKind kind = FailureKind::AssertionFailed;
  std::string token;
  std::uint64_t execution = 0;  // Failure::execution as found (from 1)
  Options search;               // the seed, strategy, iterations and the options that
                                // change the executions, as the search that found it had them
  std::size_t line = 0;         // its line in the file, from 1
};

// RegressionFile is one regression file, read whole and written back whole.
class RegressionFile {
 public:
  // load reads the file at `path` (a file that is not there is empty). A
  // file it cannot read, or one that is not a regression file of a version
  // it knows, gives false and an `error` that names the file and the line.
  bool load(const std::string& path, std::string& error);

  const std::string& path() const noexcept { return path_; }
  const std::vector<RegressionEntry>& entries() const noexcept { return entries_; }
  // holds says whether an entry has this token.
  bool holds(const std::string& token) const;
  // find is the index of the entry with this token, or entries().size().
  std::size_t find(const std::string& token) const;

  // add appends an entry (after a header naming `test`, in a new file) and
  // returns its line.
  std::size_t add(const RegressionEntry& entry, const std::string& test);
  // update gives entry `i` a new token and execution, in its own line.
  void update(std::size_t i, const std::string& token, std::uint64_t execution);
  // save writes the file; false with an `error` when it cannot, leaving
  // the file as it was.
  bool save(std::string& error) const;
  // change reads the file again, applies `edit` and saves it, all under an
  // exclusive lock (flock) on its directory: runs of one test at once (CI
  // shards) each add their entry, none lost. False with an `error` when it
  // cannot (the file is then as it was).
  bool change(const std::function<void(RegressionFile&)>& edit, std::string& error);

 private:
  std::string path_;
  std::vector<std::string> lines_;  // the file as read, each line verbatim, then the edits
  std::vector<RegressionEntry> entries_;
  bool versioned_ = false;          // the version line is among lines_
};

// regression_file_name is the file of the test named `test` in a
// regression directory: its name with anything but [A-Za-z0-9._-] turned
// to '_' (then a hash of the name, so that two names never share a file),
// and ".weft-regressions".
std::string regression_file_name(const std::string& test);

}  // namespace weft::detail
