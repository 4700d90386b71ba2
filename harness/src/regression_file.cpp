// Reading and writing regression files (the format is in regression_file.h
// and docs/replaying.md#regression-files).

#include "regression_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "text_fields.h"
#include "token_file.h"

namespace weft::detail {

namespace {
constexpr std::string_view kVersionWord = "weft-regressions";
constexpr std::string_view kVersion = "1";
constexpr std::string_view kEntryWord = "failure";

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while (at < line.size()) {
    const std::size_t start = line.find_first_not_of(" \t\r", at);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(line.find_first_of(" \t\r", start), line.size());
    out.push_back(line.substr(start, end - start));
    at = end;
  }
  return out;
}

// entry_line is the text of an entry: its kind, then what found it, the
// token last because it is long.
std::string entry_line(const RegressionEntry& e) {
  const Options& o = e.search;
  std::ostringstream out;
  out << kEntryWord << ' ' << to_string(e.kind) << " execution=" << e.execution << " seed=" << o.seed()
      << " strategy=" << o.strategy().to_string() << " iterations=" << o.iterations()
      << " max_steps=" << o.max_steps() << " spurious_wakeups=" << o.spurious_wakeups()
      << " race_detection=" << o.race_detection() << " lock_order=" << o.lock_order()
      << " process_crashes=" << o.process_crashes() << " pipe_breaks=" << o.pipe_breaks()
      << " queue_put_failures=" << o.queue_put_failures() << " max_faults=" << o.max_faults()
      << " stream_pieces=" << o.stream_pieces() << " preemption_bound="
      << (o.preemption_bound() ? std::to_string(*o.preemption_bound()) : std::string("none"))
      << " shard=" << o.shard_index() << '/' << o.shard_count() << " token=" << e.token;
  return out.str();
}

// set_field sets the field `key` of `e` to `v`; false when the key is not
// one of an entry's or the value is not one it can have.
bool set_field(RegressionEntry& e, std::string_view key, std::string_view v) {
  Options& o = e.search;
  std::uint64_t n = 0;
  const bool number = parse_whole(v, n);
  const bool flag = v == "0" || v == "1";
  const bool small = number && n <= 0xffffffffu;
  const auto n32 = static_cast<std::uint32_t>(n);
  if (key == "execution") return number && n > 0 && (e.execution = n, true);
  if (key == "seed") return number && (o.seed(n), true);
  if (key == "iterations") return number && n > 0 && (o.iterations(n), true);
  if (key == "max_steps") return number && n > 0 && (o.max_steps(n), true);
  if (key == "spurious_wakeups") return flag && (o.spurious_wakeups(v == "1"), true);
  if (key == "race_detection") return flag && (o.race_detection(v == "1"), true);
  if (key == "lock_order") return flag && (o.lock_order(v == "1"), true);
  if (key == "process_crashes") return flag && (o.process_crashes(v == "1"), true);
  if (key == "pipe_breaks") return flag && (o.pipe_breaks(v == "1"), true);
  if (key == "queue_put_failures") return flag && (o.queue_put_failures(v == "1"), true);
  if (key == "max_faults") return small && (o.max_faults(n32), true);
  if (key == "stream_pieces") return small && (o.stream_pieces(n32), true);
  if (key == "preemption_bound") return v == "none" || (small && (o.preemption_bound(n32), true));
  if (key == "token") return !v.empty() && (e.token = std::string(v), true);
  if (key == "shard") {
    const std::size_t slash = v.find('/');
    std::uint64_t index = 0;
    std::uint64_t count = 0;
    if (slash == std::string_view::npos || !parse_whole(v.substr(0, slash), index) ||
        !parse_whole(v.substr(slash + 1), count) || count == 0 || index >= count || count > 0xffffffffu)
      return false;
    o.shard(static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(count));
    return true;
  }
  if (key == "strategy") {
    try {
      o.strategy(Strategy::parse(v));
      return true;
    } catch (const std::invalid_argument&) {
      return false;
    }
  }
  return false;
}

// kKeys: every field an entry may have.
constexpr std::string_view kKeys[] = {"execution",       "seed",          "strategy",           "iterations",
                                      "max_steps",       "spurious_wakeups", "race_detection",  "lock_order",
                                      "process_crashes", "pipe_breaks",   "queue_put_failures", "max_faults",
                                      "stream_pieces",   "preemption_bound", "shard",           "token"};
// kRequired: the fields without which an entry's search cannot run again.
constexpr std::string_view kRequired[] = {"execution", "seed", "strategy", "iterations", "token"};

// parse_entry reads one entry line's words; false with `error` when it cannot.
bool parse_entry(const std::vector<std::string_view>& w, RegressionEntry& e, std::string& error) {
  if (w.size() < 2) {
    error = "an entry needs its failure kind after \"failure\"";
    return false;
  }
  const std::optional<FailureKind> kind = failure_kind_named(w[1]);
  if (!kind) {
    error = "\"" + std::string(w[1]) + "\" is not a weft::FailureKind name";
    return false;
  }
  e.kind = *kind;
  std::set<std::string_view> seen;
  for (std::size_t i = 2; i < w.size(); ++i) {
    const std::size_t eq = w[i].find('=');
    const std::string_view key = w[i].substr(0, eq);
    if (eq == std::string_view::npos) {
      error = "\"" + std::string(w[i]) + "\" is not a key=value field";
      return false;
    }
    if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
      error = "unknown field \"" + std::string(key) + "\"";
      return false;
    }
    if (!seen.insert(key).second) {
      error = "field \"" + std::string(key) + "\" given twice";
      return false;
    }
    if (!set_field(e, key, w[i].substr(eq + 1))) {
      error = "field " + std::string(w[i]) + " has a value weft cannot read";
      return false;
    }
  }
  for (std::string_view key : kRequired)
    if (!seen.count(key)) {
      error = "the entry has no " + std::string(key) + "= field";
      return false;
    }
  return true;
}
}  // namespace

bool RegressionFile::load(const std::string& path, std::string& error) {
  path_ = path;
  lines_.clear();
  entries_.clear();
  versioned_ = false;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return true;
    error = "cannot read the regression file " + path + ": " + std::strerror(errno);
    return false;
  }
  for (std::string line; std::getline(in, line);) lines_.push_back(line);
  if (in.bad()) {
    error = "cannot read the regression file " + path;
    return false;
  }
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    const std::vector<std::string_view> w = words(lines_[i]);
    const std::string where = path + ":" + std::to_string(i + 1) + ": ";
    if (w.empty() || w[0].front() == '#') continue;
    if (w[0] == kVersionWord) {
      if (versioned_ || w.size() != 2 || w[1] != kVersion) {
        error = where + (versioned_ ? "a second version line" : "this is a regression file of version \"" +
                                                                    std::string(w.size() > 1 ? w[1] : "") +
                                                                    "\", which this weft does not read (it reads " +
                                                                    std::string(kVersion) + ")");
        return false;
      }
      versioned_ = true;
      continue;
    }
    if (w[0] != kEntryWord) {
      error = where + "\"" + std::string(w[0]) + "\" begins no line of a regression file: a line is a comment (#), \"" +
              std::string(kVersionWord) + " 1\" or a \"failure\" entry";
      return false;
    }
    if (!versioned_) {
      error = where + "an entry before the version line (\"" + std::string(kVersionWord) + " 1\")";
      return false;
    }
    RegressionEntry e;
    std::string what;
    if (!parse_entry(w, e, what)) {
      error = where + what;
      return false;
    }
    e.line = i + 1;
    entries_.push_back(std::move(e));
  }
  return true;
}

bool RegressionFile::holds(const std::string& token) const { return find(token) < entries_.size(); }

std::size_t RegressionFile::find(const std::string& token) const {
  std::size_t i = 0;
  while (i < entries_.size() && entries_[i].token != token) ++i;
  return i;
}

std::size_t RegressionFile::add(const RegressionEntry& entry, const std::string& test) {
  if (lines_.empty()) {
    lines_.push_back("# weft regression file of the test " + test + ": failures weft found in it, with the search");
    lines_.push_back("# that found each. Every run of the test replays them before it explores. Commit this file");
    lines_.push_back("# beside the test; docs/replaying.md#regression-files says how it works.");
  }
  if (!versioned_) {
    lines_.push_back(std::string(kVersionWord) + " " + std::string(kVersion));
    versioned_ = true;
  }
  entries_.push_back(entry);
  lines_.push_back(entry_line(entry));
  entries_.back().line = lines_.size();
  return lines_.size();
}

void RegressionFile::update(std::size_t i, const std::string& token, std::uint64_t execution) {
  RegressionEntry& e = entries_.at(i);
  e.token = token;
  e.execution = execution;
  lines_.at(e.line - 1) = entry_line(e);
}

bool RegressionFile::save(std::string& error) const {
  std::string text;
  for (const std::string& line : lines_) text += line + "\n";
  if (replace_file(path_, text)) return true;
  error = "cannot write the regression file " + path_ + ": " + std::strerror(errno);
  return false;
}

bool RegressionFile::change(const std::function<void(RegressionFile&)>& edit, std::string& error) {
  const std::filesystem::path file(path_);
  const std::filesystem::path directory = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (ec || fd < 0) {
    error = "cannot make or open the regression directory " + directory.string() + ": " +
            (ec ? ec.message() : std::string(std::strerror(errno)));
    if (fd >= 0) ::close(fd);
    return false;
  }
  while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
  }
  bool done = load(file.string(), error);
  if (done) {
    edit(*this);
    done = save(error);
  }
  ::close(fd);  // and the lock with it
  return done;
}

std::string regression_file_name(const std::string& test) {
  std::string name = test;
  bool changed = name.empty() || name.front() == '.';
  for (char& c : name) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    if (!safe) {
      c = '_';
      changed = true;
    }
  }
  if (changed) name += "-" + text_hash(test).substr(0, 8);
  return name + ".weft-regressions";
}

}  // namespace weft::detail
