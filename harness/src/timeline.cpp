// The timeline of a failing execution as Chrome trace-event JSON
// (docs/reading-a-report.md#timeline).

#include "timeline.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "scheduler/trace.h"
#include "weft/failure.h"

namespace weft::detail {

void TimelineRecorder::on_record(sched::Execution& x, const sched::Event& e) {
  times_.push_back(x.now());
  x.blocked_threads(e.thread, now_);
  const std::size_t event = times_.size() - 1;
  // Both lists are in thread order: one merge finds who started and who
  // stopped waiting.
  std::size_t i = 0, j = 0;
  while (i < blocked_.size() || j < now_.size()) {
    if (j == now_.size() || (i < blocked_.size() && blocked_[i] < now_[j])) {
      changes_.push_back(Change{event, blocked_[i++], false, {}, {}, {}});
    } else if (i == blocked_.size() || now_[j] < blocked_[i]) {
      const sched::ThreadId t = now_[j++];
      changes_.push_back(Change{event, t, true, x.pending_op(t), x.pending_object(t), x.pending_where(t)});
    } else {
      ++i;
      ++j;
    }
  }
  blocked_.swap(now_);
}

namespace {

// Times are virtual nanoseconds; the file's are microseconds.
constexpr sched::Time kSlot = 1000;   // the least time one operation takes on the timeline
constexpr sched::Time kSlice = 800;   // an operation's slice: a gap shows where the next one starts

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// micros writes virtual nanoseconds as microseconds, exactly.
std::string micros(sched::Time ns) {
  std::string out = std::to_string(ns / 1000);
  if (const sched::Time rest = ns % 1000) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, ".%03d", static_cast<int>(rest));
    out += buffer;
  }
  return out;
}

std::string location(sched::Location where) {
  if (!where.file || !*where.file) return "";
  return std::string(sched::base_name(where.file)) + (where.line ? ":" + std::to_string(where.line) : "");
}

// Flow is one happens-before arrow, from the slice of event `from` to the
// slice of event `to`.
struct Flow {
  std::size_t from = 0;
  std::size_t to = 0;
  const char* name = "";
};

// race_pair finds the events of a DataRace's two accesses from the race
// detector's message ("data race on var#1: T2 writes at f.cpp:9 (step 7,
// ...) and T1 wrote at f.cpp:9 (step 5, ...)"), which names each access by
// thread, kind and step; the timeline test breaks if that wording changes.
std::optional<Flow> race_pair(const std::vector<sched::Event>& events, const std::string& message) {
  struct Access {
    sched::ThreadId thread = 0;
    sched::OpKind op = sched::OpKind::Read;
    std::uint64_t step = 0;
  };
  const std::string head = "data race on ";
  if (message.rfind(head, 0) != 0) return std::nullopt;
  const std::size_t colon = message.find(": T", head.size());
  if (colon == std::string::npos) return std::nullopt;
  const std::string object = message.substr(head.size(), colon - head.size());
  const auto access_at = [&](std::size_t at, std::optional<Access>& out) {
    Access a;
    char* end = nullptr;
    a.thread = static_cast<sched::ThreadId>(std::strtoul(message.c_str() + at, &end, 10));
    const std::size_t after = static_cast<std::size_t>(end - message.c_str());
    a.op = message.compare(after, 3, " wr") == 0 ? sched::OpKind::Write : sched::OpKind::Read;
    const std::size_t step = message.find("(step ", after);
    if (step == std::string::npos) return std::string::npos;
    a.step = std::strtoull(message.c_str() + step + 6, nullptr, 10);
    out = a;
    return step;
  };
  std::optional<Access> now, before;
  const std::size_t next = access_at(colon + 3, now);
  const std::size_t other = next == std::string::npos ? next : message.find(" and T", next);
  if (other == std::string::npos || access_at(other + 6, before) == std::string::npos) return std::nullopt;
  // The latest event of each access: a thread may touch the var twice in
  // one step (a read, then a write, between two scheduling points).
  const auto find = [&](const Access& a, std::size_t below) -> std::optional<std::size_t> {
    for (std::size_t i = below; i-- > 0;) {
      const sched::Event& e = events[i];
      if (e.thread == a.thread && e.op == a.op && e.step == a.step && sched::object_name(e.object) == object) return i;
    }
    return std::nullopt;
  };
  const std::optional<std::size_t> to = find(*now, events.size());
  if (!to) return std::nullopt;
  const std::optional<std::size_t> from = find(*before, *to);
  if (!from) return std::nullopt;
  return Flow{*from, *to, "race"};
}

bool acquires_lock(const sched::Event& e) {
  using sched::OpKind;
  return sched::is_lock(e.object.kind) && !e.failed() &&
         (e.op == OpKind::Lock || e.op == OpKind::TryLock || e.op == OpKind::LockShared ||
          e.op == OpKind::TryLockShared);
}

// flows_of is every arrow the timeline draws: the racing pair of a
// DataRace; each message from its send (or a close from the close) to
// its receipt; and each lock taken from the release of that lock before it
// by another thread (a shared release orders no shared acquisition).
std::vector<Flow> flows_of(const std::vector<sched::Event>& events, const sched::FailureRecord& failure) {
  using sched::OpKind;
  std::vector<Flow> flows;
  if (failure.verdict == sched::Verdict::DataRace)
    if (const std::optional<Flow> race = race_pair(events, failure.message)) flows.push_back(*race);
  using Key = std::tuple<unsigned, std::uint32_t, std::uint64_t>;
  std::map<Key, std::size_t> sent;  // (channel, message number): its send or close
  std::map<std::pair<unsigned, std::uint32_t>, std::size_t> released;  // lock: its last release
  for (std::size_t i = 0; i < events.size(); ++i) {
    const sched::Event& e = events[i];
    const unsigned kind = static_cast<unsigned>(e.object.kind);
    if (sched::is_channel(e.object.kind) && e.value != 0) {
      if ((e.op == OpKind::Send && !e.failed() && !(e.flags & sched::kClosed)) || e.op == OpKind::Close)
        sent.emplace(Key{kind, e.object.index, e.value}, i);
      if (e.op == OpKind::Recv && !e.failed())
        if (const auto s = sent.find(Key{kind, e.object.index, e.value}); s != sent.end())
          flows.push_back(Flow{s->second, i, "message"});
    }
    if (sched::is_lock(e.object.kind)) {
      const std::pair<unsigned, std::uint32_t> lock{kind, e.object.index};
      if (e.op == OpKind::Unlock || e.op == OpKind::UnlockShared) released[lock] = i;
      if (acquires_lock(e)) {
        const bool shared = e.op == OpKind::LockShared || e.op == OpKind::TryLockShared;
        if (const auto r = released.find(lock); r != released.end()) {
          const sched::Event& from = events[r->second];
          if (from.thread != e.thread && !(shared && from.op == OpKind::UnlockShared))
            flows.push_back(Flow{r->second, i, "lock"});
        }
      }
    }
  }
  return flows;
}

// Blocked is a blocked interval of thread what.thread, between boundaries
// `from` and `to`: boundary b is the moment between events b - 1 and b
// (the last one, events.size(), is the end).
struct Blocked {
  std::size_t from = 0;
  std::size_t to = 0;
  TimelineRecorder::Change what;
};

// blocked_intervals is when each thread waited. A thread is blocked from
// the boundary before the event at which it is first seen waiting to the
// one before the event at which it no longer is, or the end. Two waits are
// seen by no event, and found otherwise: a wait that ended by its deadline
// (a timed-out wait, a sleep) while no one else acted, blocked since the
// thread's previous operation; and a thread that blocked after the last
// event (a deadlock's last waiter), which the failure's thread states show.
std::vector<Blocked> blocked_intervals(const std::vector<sched::Event>& events, const TimelineRecorder& recorder,
                                       const sched::FailureRecord& failure) {
  std::vector<Blocked> out;
  std::map<sched::ThreadId, Blocked> open;
  std::map<sched::ThreadId, std::size_t> since;  // boundary after each thread's last event, or its spawn
  std::map<sched::ThreadId, std::size_t> closed;  // boundary at which its last interval ended
  const std::vector<TimelineRecorder::Change>& changes = recorder.changes();
  std::size_t c = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    for (; c < changes.size() && changes[c].event == i; ++c) {
      const TimelineRecorder::Change& change = changes[c];
      if (change.blocked) {
        open[change.thread] = Blocked{i, i, change};
      } else if (const auto o = open.find(change.thread); o != open.end()) {
        o->second.to = i;
        out.push_back(o->second);
        open.erase(o);
        closed[change.thread] = i;
      }
    }
    const sched::Event& e = events[i];
    const bool timer = e.op == sched::OpKind::Sleep || (e.flags & sched::kTimedOut);
    // After its last event, and after its last interval (a wait that was
    // over once, then not, before its deadline).
    const std::size_t from = std::max(since.count(e.thread) ? since[e.thread] : 0,
                                       closed.count(e.thread) ? closed[e.thread] : 0);
    const sched::Time waited = from == 0 ? recorder.times()[i] : recorder.times()[i] - recorder.times()[from - 1];
    if (timer && waited > 0 && !(closed.count(e.thread) && closed[e.thread] == i))
      out.push_back(Blocked{from, i, {i, e.thread, true, e.op, e.object, e.where}});
    since[e.thread] = i + 1;
    if (e.op == sched::OpKind::Spawn && e.peer != sched::kNoThread) since[e.peer] = i + 1;
  }
  for (const sched::ThreadView& v : failure.threads)
    if (v.state == sched::ThreadView::State::Blocked && !open.count(v.id))
      open[v.id] = Blocked{events.size(), events.size(), {events.size(), v.id, true, v.op, v.object, v.where}};
  for (auto& [thread, b] : open) {
    b.to = events.size();
    out.push_back(b);
  }
  return out;
}

// Writer holds the file's events as they are made.
class Writer {
 public:
  explicit Writer(const sched::Execution& x) : x_(x) {}

  // track is the "pid", "tid" pair of thread `t`: a simulated process's
  // tracks are grouped under it. Both are offset by one: the viewers take
  // pid and tid 0 for the kernel's idle task.
  std::string track(sched::ThreadId t) const {
    return "\"pid\":" + std::to_string(x_.process_of(t) + 1) + ",\"tid\":" + std::to_string(t + 1);
  }

  void add(const std::string& event) {
    out_ << (first_ ? "\n" : ",\n") << event;
    first_ = false;
  }

  void slice(sched::ThreadId t, const std::string& name, const char* category, sched::Time start, sched::Time length,
             const std::string& args) {
    add("{\"ph\":\"X\",\"name\":" + json_string(name) + ",\"cat\":\"" + category + "\"," + track(t) + ",\"ts\":" +
        micros(start) + ",\"dur\":" + micros(length) + ",\"args\":{" + args + "}}");
  }

  std::string text() const { return "{\"traceEvents\":[" + out_.str() + "\n],\n" + other_data() + "}\n"; }

 private:
  static std::string other_data() {
    return "\"otherData\":{\"time\":\"virtual time; each operation takes at least 1 us of the timeline of its own, "
           "so that operations at one instant of virtual time come out in order (args.virtual_time_ns is the "
           "clock's exact value)\"}";
  }

  const sched::Execution& x_;
  std::ostringstream out_;
  bool first_ = true;
};

std::string blocked_name(const TimelineRecorder::Change& c) {
  return c.object.kind == sched::ObjectKind::None ? "blocked in " + sched::operation_name(c.op, c.object.kind)
                                                  : "blocked on " + sched::object_name(c.object);
}

std::string blocked_args(const TimelineRecorder::Change& c) {
  return "\"operation\":" + json_string(sched::operation_name(c.op, c.object.kind)) +
         ",\"object\":" + json_string(sched::object_name(c.object)) + ",\"location\":" + json_string(location(c.where));
}

std::string event_args(const sched::Event& e, sched::Time time) {
  std::string args = "\"object\":" + json_string(sched::object_name(e.object)) + ",\"location\":" + json_string(location(e.where));
  if (std::string detail = sched::event_detail(e); !detail.empty()) args += ",\"detail\":" + json_string(detail);
  return args + ",\"step\":" + std::to_string(e.step) + ",\"virtual_time_ns\":" + std::to_string(time);
}

// metadata names and orders the processes and threads of `threads`.
void metadata(Writer& w, const sched::Execution& x, const std::set<sched::ThreadId>& threads) {
  std::set<sched::ProcessId> processes;
  for (const sched::ThreadId t : threads) processes.insert(x.process_of(t));
  for (const sched::ProcessId p : processes) {
    const std::string pid = "\"pid\":" + std::to_string(p + 1);
    w.add("{\"ph\":\"M\",\"name\":\"process_name\"," + pid + ",\"args\":{\"name\":" +
          json_string("process " + x.process_name(p)) + "}}");
    w.add("{\"ph\":\"M\",\"name\":\"process_sort_index\"," + pid + ",\"args\":{\"sort_index\":" +
          std::to_string(p) + "}}");
  }
  for (const sched::ThreadId t : threads) {
    w.add("{\"ph\":\"M\",\"name\":\"thread_name\"," + w.track(t) + ",\"args\":{\"name\":" +
          json_string(sched::thread_name(t)) + "}}");
    w.add("{\"ph\":\"M\",\"name\":\"thread_sort_index\"," + w.track(t) + ",\"args\":{\"sort_index\":" +
          std::to_string(t) + "}}");
  }
}

std::string timeline_json(const sched::Execution& x, const TimelineRecorder& recorder) {
  const std::vector<sched::Event>& events = x.events();
  const sched::FailureRecord& failure = *x.failure();
  // Where each event starts on the timeline: at its virtual time, but never
  // sooner than a slot after the one before.
  std::vector<sched::Time> at(events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    at[i] = std::max(recorder.times()[i], i == 0 ? 0 : at[i - 1] + kSlot);
  const sched::Time failed_at = events.empty() ? 0 : at.back() + kSlot;
  const sched::Time end = failed_at + kSlot;

  std::set<sched::ThreadId> threads;
  for (const sched::Event& e : events) {
    if (e.thread != sched::kNoThread) threads.insert(e.thread);
    if (e.op == sched::OpKind::Spawn && e.peer != sched::kNoThread) threads.insert(e.peer);
  }
  for (const sched::ThreadView& v : failure.threads) threads.insert(v.id);
  for (const TimelineRecorder::Change& c : recorder.changes()) threads.insert(c.thread);

  Writer w(x);
  metadata(w, x, threads);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const sched::Event& e = events[i];
    if (e.thread == sched::kNoThread) continue;
    w.slice(e.thread, sched::operation_name(e.op, e.object.kind), "operation", at[i], kSlice,
            event_args(e, recorder.times()[i]));
  }
  const auto start_of = [&](std::size_t boundary) { return boundary == 0 ? 0 : at[boundary - 1] + kSlot; };
  const auto end_of = [&](std::size_t boundary) { return boundary < at.size() ? at[boundary] : end; };
  for (const Blocked& b : blocked_intervals(events, recorder, failure))
    w.slice(b.what.thread, blocked_name(b.what), "blocked", start_of(b.from), end_of(b.to) - start_of(b.from),
            blocked_args(b.what));

  // The failure: an instant on the failing thread's track, or across the
  // timeline when no one thread failed (a deadlock).
  const std::string verdict_args = ",\"args\":{\"message\":" + json_string(failure.message) +
                                   ",\"location\":" + json_string(location(failure.where)) + "}}";
  const std::string verdict = "{\"ph\":\"i\",\"name\":" + json_string(to_string(static_cast<FailureKind>(failure.verdict))) +
                              ",\"cat\":\"failure\",\"ts\":" + micros(failed_at);
  if (failure.thread != sched::kNoThread && threads.count(failure.thread))
    w.add(verdict + ",\"s\":\"t\"," + w.track(failure.thread) + verdict_args);
  else
    w.add(verdict + ",\"s\":\"g\",\"pid\":1,\"tid\":1" + verdict_args);

  // Arrows start and end in the middle of their slices, which the viewers
  // bind them to ("bp":"e": the enclosing slice at the end too).
  std::size_t id = 0;
  for (const Flow& f : flows_of(events, failure)) {
    if (events[f.from].thread == sched::kNoThread || events[f.to].thread == sched::kNoThread) continue;
    ++id;
    const std::string common = "\"name\":\"" + std::string(f.name) + "\",\"cat\":\"happens-before\",\"id\":" +
                               std::to_string(id) + ",";
    w.add("{\"ph\":\"s\"," + common + w.track(events[f.from].thread) + ",\"ts\":" +
          micros(at[f.from] + kSlice / 2) + "}");
    w.add("{\"ph\":\"f\",\"bp\":\"e\"," + common + w.track(events[f.to].thread) + ",\"ts\":" +
          micros(at[f.to] + kSlice / 2) + "}");
  }
  return w.text();
}

// sanitized keeps a test's name usable as a file name.
std::string sanitized(const std::string& key) {
  if (key.empty()) return "weft";
  std::string out = key;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  return out;
}
}  // namespace

std::string timeline_path(const std::string& pattern, const std::string& key) {
  namespace fs = std::filesystem;
  std::string path = pattern;
  for (std::size_t at = path.find("%t"); at != std::string::npos; at = path.find("%t", at))
    path.replace(at, 2, sanitized(key));
  std::error_code error;
  if (!path.empty() && path.back() == '/') fs::create_directories(path, error);
  if (fs::is_directory(path, error)) path = (fs::path(path) / (sanitized(key) + ".json")).string();
  // The paths this process gave out: the only state weft keeps across
  // explorations besides the execution cache, guarded because tests may
  // explore from several OS threads.
  static std::mutex guard;
  static std::set<std::string> given;
  const std::lock_guard<std::mutex> hold(guard);
  const fs::path base(path);
  std::string candidate = path;
  for (unsigned n = 2; !given.insert(candidate).second; ++n)
    candidate = (base.parent_path() / (base.stem().string() + "-" + std::to_string(n) + base.extension().string()))
                    .string();
  return candidate;
}

std::string write_timeline(const sched::Execution& x, const TimelineRecorder& recorder, const std::string& path) {
  if (!x.failure()) return "the execution did not fail";
  if (x.events().size() != recorder.times().size() || x.event_count() != x.events().size())
    return "internal error: the execution's events and the timeline's notes differ";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << timeline_json(x, recorder);
  out.close();
  if (!out) return "cannot write " + path + ": " + std::strerror(errno);
  return "";
}

}  // namespace weft::detail
