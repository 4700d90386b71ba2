// timeline_test: Options::trace_file writes the failing execution as Chrome
// trace-event JSON. The file is parsed back (a small JSON reader below: the
// build needs no Python) and checked: the slices of each thread's track,
// the blocked intervals, and every flow arrow bound to the slices of the
// two operations it joins.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sample.h"
#include "weft/weft.h"

namespace {

// --- A JSON reader: enough for the files weft writes. ---

struct Json;
using Object = std::map<std::string, Json>;
using Array = std::vector<Json>;

struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, Array, Object> value;

  const Json& operator[](const std::string& key) const {
    static const Json none;
    const auto* o = std::get_if<Object>(&value);
    if (!o) return none;
    const auto it = o->find(key);
    return it == o->end() ? none : it->second;
  }
  bool has(const std::string& key) const {
    const auto* o = std::get_if<Object>(&value);
    return o && o->count(key) > 0;
  }
  std::string str() const { return std::holds_alternative<std::string>(value) ? std::get<std::string>(value) : ""; }
  double num() const { return std::holds_alternative<double>(value) ? std::get<double>(value) : -1; }
  const Array& array() const {
    static const Array none;
    const auto* a = std::get_if<Array>(&value);
    return a ? *a : none;
  }
};

class Parser {
 public:
  explicit Parser(std::string text) : s_(std::move(text)) {}

  // parse reads the whole text as one value; `error` says where it failed.
  Json parse(std::string& error) {
    Json v = value();
    blank();
    if (at_ != s_.size() && error_.empty()) error_ = "text after the value";
    error = error_.empty() ? "" : error_ + " at offset " + std::to_string(at_);
    return v;
  }

 private:
  void blank() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\n' || s_[at_] == '\r' || s_[at_] == '\t')) ++at_;
  }
  bool eat(char c) {
    blank();
    if (at_ < s_.size() && s_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  void fail(const char* what) {
    if (error_.empty()) error_ = what;
    at_ = s_.size();
  }

  Json value() {
    blank();
    if (at_ >= s_.size()) {
      fail("unexpected end");
      return {};
    }
    const char c = s_[at_];
    if (c == '{') return object();
    if (c == '[') return list();
    if (c == '"') return Json{string()};
    if (s_.compare(at_, 4, "true") == 0) return at_ += 4, Json{true};
    if (s_.compare(at_, 5, "false") == 0) return at_ += 5, Json{false};
    if (s_.compare(at_, 4, "null") == 0) return at_ += 4, Json{nullptr};
    const char* begin = s_.c_str() + at_;
    char* end = nullptr;
    const double d = std::strtod(begin, &end);
    if (end == begin) {
      fail("not a value");
      return {};
    }
    at_ += static_cast<std::size_t>(end - begin);
    return Json{d};
  }

  Json object() {
    Object o;
    ++at_;
    if (eat('}')) return Json{std::move(o)};
    do {
      blank();
      if (at_ >= s_.size() || s_[at_] != '"') {
        fail("expected a key");
        return {};
      }
      std::string key = string();
      if (!eat(':')) fail("expected ':'");
      o[key] = value();
    } while (eat(','));
    if (!eat('}')) fail("expected '}'");
    return Json{std::move(o)};
  }

  Json list() {
    Array a;
    ++at_;
    if (eat(']')) return Json{std::move(a)};
    do a.push_back(value());
    while (eat(','));
    if (!eat(']')) fail("expected ']'");
    return Json{std::move(a)};
  }

  std::string string() {
    std::string out;
    ++at_;
    while (at_ < s_.size() && s_[at_] != '"') {
      char c = s_[at_++];
      if (c == '\\' && at_ < s_.size()) {
        c = s_[at_++];
        if (c == 'n') c = '\n';
        else if (c == 't') c = '\t';
        else if (c == 'u') {
          c = static_cast<char>(std::strtol(s_.substr(at_, 4).c_str(), nullptr, 16));
          at_ += 4;
        }
      }
      out += c;
    }
    if (at_ >= s_.size()) fail("unterminated string");
    ++at_;
    return out;
  }

  std::string s_;
  std::size_t at_ = 0;
  std::string error_;
};

// --- The timeline as the viewers see it. ---

struct Slice {
  int pid = 0, tid = 0;
  double ts = 0, dur = 0;
  std::string name, category;
  Json args;
};

struct Arrow {
  std::string name;
  const Slice* from = nullptr;  // the slice each end is bound to (null: none)
  const Slice* to = nullptr;
  int from_tid = 0, to_tid = 0;
};

struct Timeline {
  std::vector<std::unique_ptr<Slice>> slices;
  std::map<int, std::string> thread_names;   // by tid
  std::map<int, std::string> process_names;  // by pid
  std::map<int, int> process_of;             // tid -> pid
  std::vector<Arrow> arrows;
  std::vector<Json> instants;
  std::string error;

  // on is the slices of thread `t`'s track (tid t + 1), in time order.
  std::vector<const Slice*> on(int t, const std::string& category = "") const {
    std::vector<const Slice*> out;
    for (const auto& s : slices)
      if (s->tid == t + 1 && (category.empty() || s->category == category)) out.push_back(s.get());
    std::sort(out.begin(), out.end(), [](const Slice* a, const Slice* b) { return a->ts < b->ts; });
    return out;
  }
  std::vector<const Arrow*> named(const std::string& name) const {
    std::vector<const Arrow*> out;
    for (const Arrow& a : arrows)
      if (a.name == name) out.push_back(&a);
    return out;
  }
};

// bound_slice is the one slice of track (pid, tid) that contains `ts`, as
// the viewers bind a flow's end to its enclosing slice; null if none or
// more than one does.
const Slice* bound_slice(const Timeline& t, int pid, int tid, double ts) {
  const Slice* found = nullptr;
  for (const auto& s : t.slices) {
    if (s->pid != pid || s->tid != tid || ts < s->ts || ts > s->ts + s->dur) continue;
    if (found) return nullptr;
    found = s.get();
  }
  return found;
}

Timeline read_timeline(const std::string& path) {
  Timeline t;
  std::ifstream in(path);
  if (!in) {
    t.error = "cannot open " + path;
    return t;
  }
  std::stringstream text;
  text << in.rdbuf();
  const Json root = Parser(text.str()).parse(t.error);
  if (!t.error.empty()) return t;
  std::map<int, std::pair<Json, Json>> flows;  // id -> start, finish
  for (const Json& e : root["traceEvents"].array()) {
    const std::string ph = e["ph"].str();
    const int pid = static_cast<int>(e["pid"].num()), tid = static_cast<int>(e["tid"].num());
    if (ph == "X") {
      t.slices.push_back(std::make_unique<Slice>(
          Slice{pid, tid, e["ts"].num(), e["dur"].num(), e["name"].str(), e["cat"].str(), e["args"]}));
      t.process_of[tid] = pid;
    } else if (ph == "M" && e["name"].str() == "thread_name") {
      t.thread_names[tid] = e["args"]["name"].str();
      t.process_of[tid] = pid;
    } else if (ph == "M" && e["name"].str() == "process_name") {
      t.process_names[pid] = e["args"]["name"].str();
    } else if (ph == "s") {
      flows[static_cast<int>(e["id"].num())].first = e;
    } else if (ph == "f") {
      if (e["bp"].str() != "e") t.error = "a flow end not bound to its enclosing slice";
      flows[static_cast<int>(e["id"].num())].second = e;
    } else if (ph == "i") {
      t.instants.push_back(e);
    }
  }
  for (const auto& [id, ends] : flows) {
    const Json& s = ends.first;
    const Json& f = ends.second;
    if (!s.has("ts") || !f.has("ts") || s["name"].str() != f["name"].str()) {
      t.error = "flow " + std::to_string(id) + " lacks an end";
      continue;
    }
    const int sp = static_cast<int>(s["pid"].num()), st = static_cast<int>(s["tid"].num());
    const int fp = static_cast<int>(f["pid"].num()), ft = static_cast<int>(f["tid"].num());
    t.arrows.push_back(Arrow{s["name"].str(), bound_slice(t, sp, st, s["ts"].num()),
                             bound_slice(t, fp, ft, f["ts"].num()), st - 1, ft - 1});
  }
  return t;
}

// counts is how many slices of each category each thread's track has, as
// "T0: 5 operations + 1 blocked; T1: ...".
std::string counts(const Timeline& t) {
  std::map<int, std::pair<int, int>> per;
  for (const auto& s : t.slices) (s->category == "blocked" ? per[s->tid - 1].second : per[s->tid - 1].first)++;
  std::string out;
  for (const auto& [thread, c] : per)
    out += (out.empty() ? "" : "; ") + ("T" + std::to_string(thread)) + ": " + std::to_string(c.first) +
           " operations + " + std::to_string(c.second) + " blocked";
  return out;
}

// dump lists every slice and arrow, for a failing check's message.
std::string dump(const Timeline& t) {
  std::ostringstream out;
  for (const auto& [tid, name] : t.thread_names) {
    out << name << " (" << t.process_names.at(t.process_of.at(tid)) << "):";
    for (const Slice* s : t.on(tid - 1)) out << "  [" << s->ts << "+" << s->dur << " " << s->name << "]";
    out << "\n";
  }
  for (const Arrow& a : t.arrows)
    out << a.name << ": " << (a.from ? a.from->name : "?") << " on T" << a.from_tid << " -> "
        << (a.to ? a.to->name : "?") << " on T" << a.to_tid << "\n";
  return out.str();
}

// A fresh directory per test, removed after it.
class TimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "weft-timeline-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string file(const std::string& name) const { return (std::filesystem::path(dir_) / name).string(); }

  static const weft::samples::Sample& sample(const std::string& name) {
    for (const weft::samples::Sample& s : weft::samples::all())
      if (s.name == name) return s;
    throw std::invalid_argument("no sample " + name);
  }

  // explore_sample explores a sample's buggy body writing its timeline to `name`.
  weft::Report explore_sample(const std::string& sample_name, const std::string& name) {
    const weft::samples::Sample& s = sample(sample_name);
    return weft::explore(s.buggy, weft::Options{}
                                      .iterations(10000)
                                      .race_detection(s.race_detection)
                                      .process_crashes(s.process_crashes)
                                      .trace_steps(0)
                                      .trace_file(file(name)));
  }

  std::string dir_;
};

// every_operation_once: each thread's track has one operation slice per
// operation of the report's full trace, in the same order.
void expect_every_operation_once(const Timeline& t, const weft::Failure& f) {
  std::map<int, std::vector<const weft::TraceStep*>> trace;
  for (const weft::TraceStep& s : f.trace) trace[static_cast<int>(s.thread)].push_back(&s);
  for (const auto& [thread, steps] : trace) {
    const std::vector<const Slice*> slices = t.on(thread, "operation");
    ASSERT_EQ(slices.size(), steps.size()) << "T" << thread;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      EXPECT_EQ(slices[i]->name, steps[i]->operation);
      EXPECT_EQ(slices[i]->args["object"].str(), steps[i]->object);
      EXPECT_EQ(slices[i]->args["location"].str(),
                steps[i]->line ? steps[i]->file + ":" + std::to_string(steps[i]->line) : steps[i]->file);
      EXPECT_EQ(slices[i]->args["detail"].str(), steps[i]->detail);
    }
  }
}

TEST_F(TimelineTest, DataRaceSampleArrowJoinsTheRacingPair) {
  const weft::Report r = explore_sample("racy_counter", "race.json");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.failure->kind, weft::FailureKind::DataRace);
  ASSERT_EQ(r.timeline, file("race.json"));
  const Timeline t = read_timeline(r.timeline);
  ASSERT_EQ(t.error, "");
  expect_every_operation_once(t, *r.failure);
  // The shrunk schedule: T0 starts a (T1) and b (T2) and waits for a,
  // blocked to the end; b reads and writes x and ends; then a's read races
  // with b's write.
  EXPECT_EQ(counts(t), "T0: 2 operations + 1 blocked; T1: 1 operations + 0 blocked; T2: 3 operations + 0 blocked")
      << r.failure->to_string() << dump(t);
  const std::vector<const Slice*> waits = t.on(0, "blocked");
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_EQ(waits[0]->name, "blocked on T1");
  EXPECT_EQ(waits[0]->args["operation"].str(), "thread.join");
  ASSERT_EQ(t.arrows.size(), 1u);
  const Arrow& race = t.arrows[0];
  EXPECT_EQ(race.name, "race");
  ASSERT_TRUE(race.from && race.to);
  EXPECT_EQ(race.from_tid, 2);
  EXPECT_EQ(race.to_tid, 1);
  EXPECT_EQ(race.from->name, "var.write");
  EXPECT_EQ(race.to->name, "var.read");
  EXPECT_EQ(race.from->args["object"].str(), race.to->args["object"].str());
  EXPECT_NE(r.failure->message.find(race.from->args["location"].str()), std::string::npos);
  // The failure is marked on the racing thread's track.
  ASSERT_EQ(t.instants.size(), 1u);
  EXPECT_EQ(t.instants[0]["name"].str(), "DataRace");
  EXPECT_EQ(t.instants[0]["tid"].num(), 2);
  EXPECT_EQ(t.thread_names.at(1), "T0");
  EXPECT_EQ(t.process_names.at(1), "process main");
}

TEST_F(TimelineTest, MessageSampleArrowsGoFromSendToReceive) {
  const weft::Report r = explore_sample("reply_overtakes_cancel", "messages.json");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.timeline, file("messages.json"));
  const Timeline t = read_timeline(r.timeline);
  ASSERT_EQ(t.error, "");
  expect_every_operation_once(t, *r.failure);
  // The shrunk schedule: the client (T0) sends request 1 and waits 5 ms
  // for the reply, blocked until it times out; the server (T1, in its own
  // process) takes the request, sleeps 10 ms and replies; the client
  // cancels, asks again, and takes the late reply.
  EXPECT_EQ(counts(t), "T0: 6 operations + 1 blocked; T1: 4 operations + 1 blocked")
      << r.failure->to_string() << dump(t);
  EXPECT_EQ(t.process_names.at(t.process_of.at(1)), "process main");
  EXPECT_EQ(t.process_names.at(t.process_of.at(2)), "process server");
  EXPECT_NE(t.process_of.at(1), t.process_of.at(2));
  const std::vector<const Slice*> t0_waits = t.on(0, "blocked");
  ASSERT_EQ(t0_waits.size(), 1u);
  EXPECT_EQ(t0_waits[0]->name, "blocked on pipe#1");
  // Virtual time is the time axis: the 5 ms wait and the 10 ms sleep.
  EXPECT_EQ(t0_waits[0]->ts + t0_waits[0]->dur, 5000);
  const std::vector<const Slice*> t1_waits = t.on(1, "blocked");
  ASSERT_EQ(t1_waits.size(), 1u);
  EXPECT_EQ(t1_waits[0]->name, "blocked in this_thread.sleep");
  EXPECT_EQ(t1_waits[0]->ts + t1_waits[0]->dur, 15000);
  EXPECT_EQ(t.on(1, "operation")[1]->args["virtual_time_ns"].num(), 15e6);
  // Messages 1 and 2 were received; the cancel (3) and request 2 (4) not.
  ASSERT_EQ(t.arrows.size(), 2u);
  for (const Arrow& a : t.arrows) {
    EXPECT_EQ(a.name, "message");
    ASSERT_TRUE(a.from && a.to) << dump(t);
    EXPECT_EQ(a.from->name, "pipe.send");
    EXPECT_EQ(a.to->name, "pipe.recv");
  }
  EXPECT_EQ(t.arrows[0].from_tid, 0);
  EXPECT_EQ(t.arrows[0].to_tid, 1);
  EXPECT_EQ(t.arrows[0].from->args["detail"].str(), "end A msg 1");
  EXPECT_EQ(t.arrows[0].to->args["detail"].str(), "end B msg 1");
  EXPECT_EQ(t.arrows[1].from_tid, 1);
  EXPECT_EQ(t.arrows[1].to_tid, 0);
  EXPECT_EQ(t.arrows[1].from->args["detail"].str(), "end B msg 2");
  EXPECT_EQ(t.arrows[1].to->args["detail"].str(), "end A msg 2");
}

// contended: T1 finds the mutex T0 holds and waits for it; the body fails
// when it did, so the shrunk schedule keeps exactly that contention.
void contended() {
  weft::mutex m;
  weft::var<bool> waited{false};
  m.lock();
  weft::thread t([&] {
    if (!m.try_lock()) {
      m.lock();
      waited.set(true);
    }
    m.unlock();
  });
  weft::this_thread::yield();
  m.unlock();
  t.join();
  WEFT_ASSERT(!waited.get(), "T1 had to wait");
}

TEST_F(TimelineTest, MutexArrowGoesFromUnlockToTheLockThatFollows) {
  const weft::Report r = weft::explore(contended, weft::Options{}.trace_steps(0).trace_file(file("mutex.json")));
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.timeline, file("mutex.json"));
  const Timeline t = read_timeline(r.timeline);
  ASSERT_EQ(t.error, "");
  expect_every_operation_once(t, *r.failure);
  // T0 holds the lock while T1's try_lock fails; T1 waits in lock (blocked
  // on mutex#1) until T0's unlock, then T0 waits in join (blocked on T1).
  EXPECT_EQ(counts(t), "T0: 6 operations + 1 blocked; T1: 5 operations + 1 blocked")
      << r.failure->to_string() << dump(t);
  const std::vector<const Slice*> t1 = t.on(1);
  ASSERT_EQ(t1.size(), 6u);
  EXPECT_EQ(t1[0]->name, "mutex.try_lock");
  EXPECT_EQ(t1[1]->name, "blocked on mutex#1");
  EXPECT_EQ(t1[2]->name, "mutex.lock");
  const std::vector<const Slice*> t0_waits = t.on(0, "blocked");
  ASSERT_EQ(t0_waits.size(), 1u);
  EXPECT_EQ(t0_waits[0]->name, "blocked on T1");
  ASSERT_EQ(t.arrows.size(), 1u);
  const Arrow& lock = t.arrows[0];
  EXPECT_EQ(lock.name, "lock");
  ASSERT_TRUE(lock.from && lock.to) << dump(t);
  EXPECT_EQ(lock.from_tid, 0);
  EXPECT_EQ(lock.to_tid, 1);
  EXPECT_EQ(lock.from->name, "mutex.unlock");
  EXPECT_EQ(lock.to, t1[2]);
  // The wait ends where the unlock that ends it starts.
  EXPECT_EQ(t1[1]->ts + t1[1]->dur, lock.from->ts);
}

TEST_F(TimelineTest, DeadlockShowsEveryWaiterBlockedToTheEnd) {
  const weft::Report r = explore_sample("lock_order_deadlock", "deadlock.json");
  ASSERT_FALSE(r.ok());
  const Timeline t = read_timeline(r.timeline);
  ASSERT_EQ(t.error, "");
  expect_every_operation_once(t, *r.failure);
  // T1 took mutex#1 and T2 mutex#2; each then waits for the other's, and
  // T0 for T1, to the end. T2 blocked after the last event: only the
  // failure's thread states show it.
  EXPECT_EQ(counts(t), "T0: 2 operations + 1 blocked; T1: 1 operations + 1 blocked; T2: 1 operations + 1 blocked")
      << r.failure->to_string() << dump(t);
  const double end = t.on(2, "blocked")[0]->ts + t.on(2, "blocked")[0]->dur;
  for (int thread = 0; thread < 3; ++thread) {
    const Slice* wait = t.on(thread, "blocked").at(0);
    EXPECT_EQ(wait->ts + wait->dur, end) << "T" << thread;
  }
  EXPECT_EQ(t.on(1, "blocked")[0]->name, "blocked on mutex#2");
  EXPECT_EQ(t.on(2, "blocked")[0]->name, "blocked on mutex#1");
  EXPECT_EQ(t.arrows.size(), 0u);  // no lock was released
  ASSERT_EQ(t.instants.size(), 1u);
  EXPECT_EQ(t.instants[0]["name"].str(), "Deadlock");
  EXPECT_EQ(t.instants[0]["s"].str(), "g");
}

// --- Where the file goes. ---

void always_fails() {
  weft::thread t([] {});
  t.join();
  WEFT_ASSERT(false, "fails every time");
}

TEST_F(TimelineTest, ReportSaysWhereTheTimelineWent) {
  const weft::Report r = weft::explore(always_fails, weft::Options{}.trace_file(file("one.json")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.timeline, file("one.json"));
  std::ostringstream printed;
  printed << r;
  EXPECT_NE(printed.str().find("\ntimeline: " + file("one.json") + "\n"), std::string::npos) << printed.str();
  EXPECT_TRUE(std::filesystem::exists(file("one.json")));
}

TEST_F(TimelineTest, NoFileWithoutTheOption) {
  const weft::Report r = weft::explore(always_fails);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.timeline, "");
  std::ostringstream printed;
  printed << r;
  EXPECT_EQ(printed.str().find("timeline:"), std::string::npos);
}

TEST_F(TimelineTest, APathWrittenAlreadyIsNotOverwritten) {
  const weft::Options o = weft::Options{}.trace_file(file("same.json"));
  const weft::Report first = weft::explore(always_fails, o);
  const weft::Report second = weft::explore(always_fails, o);
  const weft::Report third = weft::explore(always_fails, o);
  EXPECT_EQ(first.timeline, file("same.json"));
  EXPECT_EQ(second.timeline, file("same-2.json"));
  EXPECT_EQ(third.timeline, file("same-3.json"));
  for (const weft::Report* r : {&first, &second, &third}) EXPECT_EQ(read_timeline(r->timeline).error, "");
}

TEST_F(TimelineTest, PercentTAndDirectoriesNameTheFileAfterTheTest) {
  const weft::Report named =
      weft::explore(always_fails, weft::Options{}.trace_file(file("%t.trace.json"), "Suite.Test/1"));
  EXPECT_EQ(named.timeline, file("Suite.Test_1.trace.json"));
  const weft::Report in_dir = weft::explore(always_fails, weft::Options{}.trace_file(file("made/"), "Suite.Other"));
  EXPECT_EQ(in_dir.timeline, file("made/Suite.Other.json"));
  const weft::Report existing = weft::explore(always_fails, weft::Options{}.trace_file(dir_, "Suite.Third"));
  EXPECT_EQ(existing.timeline, file("Suite.Third.json"));
  const weft::Report unnamed = weft::explore(always_fails, weft::Options{}.trace_file(file("%t.json")));
  EXPECT_EQ(unnamed.timeline, file("weft.json"));
  for (const weft::Report* r : {&named, &in_dir, &existing, &unnamed}) EXPECT_EQ(read_timeline(r->timeline).error, "");
}

TEST_F(TimelineTest, UnwritableFileIsSaidInTheReport) {
  const weft::Report r = weft::explore(always_fails, weft::Options{}.trace_file(file("no/such/dir/t.json")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.timeline.rfind("not written: cannot write " + file("no/such/dir/t.json"), 0), 0u) << r.timeline;
}

TEST_F(TimelineTest, EnvironmentVariableSetsTheFile) {
  ASSERT_EQ(::setenv("WEFT_TRACE_FILE", file("env.json").c_str(), 1), 0);
  const weft::Options o = weft::Options{}.trace_file("", "Key").from_environment();
  ::unsetenv("WEFT_TRACE_FILE");
  EXPECT_EQ(o.trace_file(), file("env.json"));
  EXPECT_EQ(o.trace_file_key(), "Key");
}

TEST_F(TimelineTest, TheShrunkExecutionIsWritten) {
  // The failure as found (its token replayed) has more operations than the
  // shrunk one the report shows; the timeline is the report's.
  const weft::Report r = explore_sample("reply_overtakes_cancel", "shrunk.json");
  ASSERT_TRUE(r.shrinking.has_value());
  const weft::Report original = weft::replay(r.shrinking->original_token, sample("reply_overtakes_cancel").buggy,
                                             weft::Options{}.trace_steps(0));
  const Timeline t = read_timeline(r.timeline);
  std::size_t operations = 0;
  for (const auto& s : t.slices) operations += s->category == "operation";
  EXPECT_EQ(operations, r.failure->trace.size());
  EXPECT_EQ(r.failure->operations, r.failure->trace.size());
  ASSERT_FALSE(original.ok());
  EXPECT_GT(original.failure->trace.size(), operations) << original.failure->to_string();
}

TEST_F(TimelineTest, ReplayWritesTheTimelineOfTheReplayedFailure) {
  const weft::Report found = weft::explore(contended, weft::Options{}.trace_file(file("found.json")));
  ASSERT_FALSE(found.ok());
  const weft::Report replayed =
      weft::replay(found.failure->token, contended, weft::Options{}.trace_file(file("replayed.json")));
  ASSERT_FALSE(replayed.ok());
  EXPECT_EQ(replayed.timeline, file("replayed.json"));
  std::ifstream a(found.timeline), b(replayed.timeline);
  std::stringstream x, y;
  x << a.rdbuf();
  y << b.rdbuf();
  EXPECT_EQ(x.str(), y.str());
}

}  // namespace
