// Rendering of weft::Failure: one renderer for every report.

#include "weft/failure.h"

#include <algorithm>
#include <ostream>
#include <sstream>

namespace weft {

std::string_view to_string(FailureKind kind) noexcept {
  switch (kind) {
    case FailureKind::AssertionFailed: return "AssertionFailed";
    case FailureKind::UncaughtException: return "UncaughtException";
    case FailureKind::Crash: return "Crash";
    case FailureKind::Deadlock: return "Deadlock";
    case FailureKind::Hang: return "Hang";
    case FailureKind::Misuse: return "Misuse";
    case FailureKind::ReplayError: return "ReplayError";
    case FailureKind::DataRace: return "DataRace";
    case FailureKind::LockOrderInversion: return "LockOrderInversion";
    case FailureKind::UseAfterFree: return "UseAfterFree";
    case FailureKind::DoubleFree: return "DoubleFree";
  }
  return "Unknown";
}

namespace {
std::string location(const std::string& file, unsigned line) {
  if (line == 0) return file.empty() ? "" : file;
  return file + ":" + std::to_string(line);
}

// thread_label is "T3"; a thread number of UINT32_MAX (no weft thread)
// never reaches a report as a number.
std::string thread_label(std::uint32_t thread) {
  return thread == UINT32_MAX ? std::string("T-") : "T" + std::to_string(thread);
}

void pad(std::ostream& out, const std::string& s, std::size_t width) {
  out << s;
  for (std::size_t i = s.size(); i < width; ++i) out << ' ';
}
}  // namespace

std::string Failure::trace_text(std::size_t last) const {
  const std::size_t first = last == 0 || last >= trace.size() ? 0 : trace.size() - last;
  const std::string head[] = {"step", "thread", "operation", "object", "detail", "location"};
  std::size_t w[5] = {head[0].size(), head[1].size(), head[2].size(), head[3].size(), head[4].size()};
  for (std::size_t i = first; i < trace.size(); ++i) {
    const TraceStep& t = trace[i];
    w[0] = std::max(w[0], std::to_string(t.step).size());
    w[1] = std::max(w[1], thread_label(t.thread).size());
    w[2] = std::max(w[2], t.operation.size());
    w[3] = std::max(w[3], t.object.size());
    w[4] = std::max(w[4], t.detail.size());
  }
  std::ostringstream out;
  out << "  ";
  for (int c = 0; c < 5; ++c) pad(out, head[c], w[c] + 2);
  out << head[5] << '\n';
  for (std::size_t i = first; i < trace.size(); ++i) {
    const TraceStep& t = trace[i];
    out << "  ";
    const std::string number = std::to_string(t.step);
    out << std::string(w[0] - number.size(), ' ') << number << "  ";
    pad(out, thread_label(t.thread), w[1] + 2);
    pad(out, t.operation, w[2] + 2);
    pad(out, t.object, w[3] + 2);
    pad(out, t.detail, w[4] + 2);
    out << location(t.file, t.line) << '\n';
  }
  return out.str();
}

std::string Failure::to_string() const {
  std::ostringstream out;
  out << "weft: " << weft::to_string(kind);
  if (kind == FailureKind::LockOrderInversion && trace.empty())  // seen across executions, not at one step
    out << " across executions, complete in execution " << execution << '\n';
  else if (execution == 0)  // executions count from 1: nothing ran (a token that cannot be read, a bad setting)
    out << " before any execution ran\n";
  else
    out << " in execution " << execution << " at step " << step << '\n';
  std::istringstream lines(message);
  for (std::string line; std::getline(lines, line);) out << "  " << line << '\n';
  if (!threads.empty()) {
    out << "threads:\n";
    for (const ThreadSnapshot& t : threads) {
      std::ostringstream row;
      row << "  " << thread_label(t.thread) << "  ";
      if (!t.process.empty()) row << "process " << t.process << "  ";
      pad(row, t.state, 9);
      if (!t.waiting_for.empty()) row << t.waiting_for << "  ";
      row << location(t.file, t.line);
      std::string text = row.str();
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out << text << '\n';
    }
  }
  if (!trace.empty()) {
    const std::size_t shown = trace_tail != 0 && trace_tail < trace.size() ? trace_tail : trace.size();
    const std::uint64_t total = std::max<std::uint64_t>(operations, trace.size());
    out << "trace (" << (shown < total ? "last " + std::to_string(shown) + " of " : std::string()) << total
        << " operations):\n"
        << trace_text(shown);
  }
  if (!token.empty()) out << "replay token: " << token << '\n';
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Failure& failure) { return out << failure.to_string(); }

}  // namespace weft
