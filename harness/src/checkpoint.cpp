#include "checkpoint.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

namespace weft::detail {

namespace {
constexpr const char* kHeader = "weft-checkpoint 1";

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325u;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3u;
  }
  return h;
}

// A section's body: five lines (settings, counts, state), then its checksum.
std::string body_of(const SearchProgress& p) {
  return p.settings + "\n" + std::to_string(p.executions) + " " + std::to_string(p.redundant) + " " +
         std::to_string(p.discarded) + " " + std::to_string(p.stopped) +
         (p.endless > 0 ? " " + std::to_string(p.endless) : std::string()) + "\n" + p.state + "\n";
}

bool read_counts(const std::string& line, SearchProgress& p) {
  std::istringstream in(line);
  if (!(in >> p.executions >> p.redundant >> p.discarded >> p.stopped)) return false;
  // The endless count is written only when it is not 0 (older files have none).
  if (!(in >> p.endless)) {
    if (!in.eof()) return false;
    p.endless = 0;
    return true;
  }
  std::string rest;
  return !(in >> rest);
}

// read_all parses the whole file into sections by key; false with an error
// when it is not a checkpoint weft wrote.
bool read_all(const std::string& file, std::map<std::string, SearchProgress>& out, bool& exists, std::string& error) {
  std::ifstream in(file, std::ios::binary);
  exists = static_cast<bool>(in);
  if (!exists) return true;
  std::string line;
  if (!std::getline(in, line)) return true;  // an empty file holds nothing yet
  if (line != kHeader) {
    error = "its first line is not \"" + std::string(kHeader) + "\"";
    return false;
  }
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("key ", 0) != 0) {
      error = "a section does not start with its key";
      return false;
    }
    const std::string key = line.substr(4);
    SearchProgress p;
    std::string counts, sum;
    if (!std::getline(in, p.settings) || !std::getline(in, counts) || !std::getline(in, p.state) ||
        !std::getline(in, sum)) {
      error = "the section of \"" + key + "\" is cut off";
      return false;
    }
    if (!read_counts(counts, p)) {
      error = "the counts of \"" + key + "\" are not numbers";
      return false;
    }
    if (sum != "sum " + std::to_string(fnv1a(body_of(p)))) {
      error = "the checksum of \"" + key + "\" does not match its contents (the file was altered or cut off)";
      return false;
    }
    out[key] = std::move(p);
  }
  return true;
}

bool write_all(const std::string& file, const std::map<std::string, SearchProgress>& sections, std::string& error) {
  const std::string temporary = file + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      error = "cannot write " + temporary;
      return false;
    }
    out << kHeader << "\n";
    for (const auto& [key, p] : sections) {
      const std::string body = body_of(p);
      out << "key " << key << "\n" << body << "sum " << fnv1a(body) << "\n";
    }
    if (!out.flush()) {
      error = "cannot write " + temporary;
      return false;
    }
  }
  if (std::rename(temporary.c_str(), file.c_str()) != 0) {
    error = "cannot replace " + file;
    return false;
  }
  return true;
}
}  // namespace

std::optional<SearchProgress> Checkpoint::load(std::string& error) const {
  std::map<std::string, SearchProgress> sections;
  bool exists = false;
  if (!read_all(file_, sections, exists, error)) {
    error = "the checkpoint file " + file_ + " (Options::checkpoint, WEFT_CHECKPOINT) is not one weft can resume from: " +
            error + "; remove it to start the exploration afresh";
    return std::nullopt;
  }
  const auto it = sections.find(key_);
  if (it == sections.end()) return std::nullopt;
  return it->second;
}

bool Checkpoint::save(const SearchProgress& progress, std::string& error) const {
  std::map<std::string, SearchProgress> sections;
  bool exists = false;
  std::string ignored;
  if (!read_all(file_, sections, exists, ignored)) sections.clear();
  sections[key_] = progress;
  return write_all(file_, sections, error);
}

void Checkpoint::forget() const {
  std::map<std::string, SearchProgress> sections;
  bool exists = false;
  std::string error;
  if (!read_all(file_, sections, exists, error) || !exists) return;
  if (sections.erase(key_) == 0) return;
  if (sections.empty()) {
    std::remove(file_.c_str());
    return;
  }
  write_all(file_, sections, error);
}

}  // namespace weft::detail
