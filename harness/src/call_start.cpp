#include "call_start.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "scheduler/execution.h"

namespace weft::detail {

namespace {

bool word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// CallScanner walks C++ source up to one offset, keeping the open brackets
// and, for each, the line of the token before it. Comments and string and
// character literals (raw strings too) are skipped, so brackets inside them
// do not count.
class CallScanner {
 public:
  explicit CallScanner(const std::string& text) : text_(text) {}

  // opener_line is the line of the token before the bracket that the
  // closing bracket at `target` closes, or 0 when none matches.
  unsigned opener_line(std::size_t target) {
    while (i_ < text_.size() && i_ <= target) {
      const char c = text_[i_];
      if (c == '\n') {
        ++line_;
        ++i_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++i_;
      } else if (starts("//")) {
        skip_to("\n", false);
      } else if (starts("/*")) {
        i_ += 2;
        skip_to("*/", true);
      } else if (c == '"') {
        string_literal();
      } else if (c == '\'') {
        quoted('\'');
      } else if (word_char(c)) {
        word();
      } else if (c == '(' || c == '[' || c == '{') {
        open_.push_back(last_token_line_);
        last_token_line_ = line_;
        ++i_;
      } else if (c == ')' || c == ']' || c == '}') {
        if (i_ == target) return open_.empty() ? 0 : open_.back();
        if (!open_.empty()) open_.pop_back();
        last_token_line_ = line_;
        ++i_;
      } else {
        last_token_line_ = line_;
        ++i_;
      }
    }
    return 0;
  }

 private:
  bool starts(const char* s) const { return text_.compare(i_, std::char_traits<char>::length(s), s) == 0; }

  // skip_to moves past the next `end` (or to it, when not `past`),
  // counting lines.
  void skip_to(const std::string& end, bool past) {
    const std::size_t at = text_.find(end, i_);
    const std::size_t stop = at == std::string::npos ? text_.size() : at + (past ? end.size() : 0);
    for (; i_ < stop; ++i_)
      if (text_[i_] == '\n') ++line_;
  }

  void quoted(char quote) {
    last_token_line_ = line_;
    for (++i_; i_ < text_.size() && text_[i_] != quote && text_[i_] != '\n'; ++i_)
      if (text_[i_] == '\\') ++i_;
    ++i_;
  }

  void string_literal() {
    // R"delimiter( ... )delimiter", possibly with an encoding prefix.
    if (i_ > 0 && text_[i_ - 1] == 'R' && raw_prefix_) {
      last_token_line_ = line_;
      const std::size_t paren = text_.find('(', i_);
      if (paren == std::string::npos) {
        i_ = text_.size();
        return;
      }
      const std::string end = ")" + text_.substr(i_ + 1, paren - i_ - 1) + "\"";
      i_ = paren + 1;
      skip_to(end, true);
      return;
    }
    quoted('"');
  }

  // word is an identifier, keyword or number; a number's digit separators
  // (1'000) are part of it, not a character literal.
  void word() {
    const std::size_t from = i_;
    const bool number = text_[i_] >= '0' && text_[i_] <= '9';
    while (i_ < text_.size() && (word_char(text_[i_]) || (number && (text_[i_] == '.' || text_[i_] == '\''))))
      ++i_;
    const std::string_view w(text_.data() + from, i_ - from);
    raw_prefix_ = !number && (w == "R" || w == "u8R" || w == "uR" || w == "UR" || w == "LR");
    last_token_line_ = line_;
  }

  const std::string& text_;
  std::size_t i_ = 0;
  unsigned line_ = 1;
  unsigned last_token_line_ = 1;
  bool raw_prefix_ = false;
  std::vector<unsigned> open_;
};

// start_line reads `file` and answers for the location (line, column).
unsigned start_line(const char* file, unsigned line, unsigned column) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return line;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::size_t offset = 0;
  for (unsigned l = 1; l < line; ++l) {
    offset = text.find('\n', offset);
    if (offset == std::string::npos) return line;
    ++offset;
  }
  offset += column - 1;
  if (offset >= text.size() || (text[offset] != ')' && text[offset] != '}')) return line;
  const unsigned found = CallScanner(text).opener_line(offset);
  return found != 0 && found <= line ? found : line;
}

// Answers is every call site looked up so far, sorted, and never changed
// once published: a spawn reads the current one without a lock (it is on
// a weft thread, and with weft::interpose a lock would be a scheduling
// point), a call site met for the first time publishes a copy with it
// added. The copies are kept to the end of the process: one per call site.
struct Answer {
  std::uintptr_t file;  // the address of the file name literal
  unsigned line;
  unsigned column;
  unsigned start;
  bool operator<(const Answer& o) const noexcept {
    return std::tie(file, line, column) < std::tie(o.file, o.line, o.column);
  }
};
using Answers = std::vector<Answer>;

std::atomic<const Answers*> published{nullptr};

const Answer* find(const Answers* answers, const Answer& key) noexcept {
  if (!answers) return nullptr;
  const auto at = std::lower_bound(answers->begin(), answers->end(), key);
  return at != answers->end() && !(key < *at) ? &*at : nullptr;
}
}  // namespace

source_location call_start(source_location where) {
  if (where.line == 0 || where.column == 0 || !where.file || !*where.file) return where;
  const Answer key{reinterpret_cast<std::uintptr_t>(where.file), where.line, where.column, 0};
  if (const Answer* known = find(published.load(std::memory_order_acquire), key)) {
    where.line = known->start;
    return where;
  }
  // The first time for this call site: weft's own work, no scheduling
  // points of the test (the lock, the file's reading).
  const sched::Execution::Uncontrolled own_work;
  static std::mutex guard;
  // Never destroyed: a spawn may read the published copy to the very end.
  static auto* const all = new std::vector<std::unique_ptr<const Answers>>;
  const std::lock_guard<std::mutex> hold(guard);
  const Answers* current = published.load(std::memory_order_relaxed);
  if (const Answer* known = find(current, key)) {
    where.line = known->start;
    return where;
  }
  auto next = std::make_unique<Answers>(current ? *current : Answers{});
  Answer answer = key;
  answer.start = start_line(where.file, where.line, where.column);
  next->insert(std::upper_bound(next->begin(), next->end(), answer), answer);
  published.store(next.get(), std::memory_order_release);
  all->push_back(std::move(next));
  where.line = answer.start;
  return where;
}

}  // namespace weft::detail
