// bench_search: what partial-order reduction saves. For small bodies whose
// number of Mazurkiewicz traces is known, the executions and time dpor
// (Strategy::dpor()) takes to exhaust each, next to a plain depth-first
// enumeration of every schedule (the reference the brute-force test uses).
// bench_search_relacy runs Relacy's full search (rl::sched_full) on the
// same bodies. Results: docs/exhaustive-search.md.
//
//   bench_search            every body, one line each
//
// Times are best of bench::kRepetitions; compare ratios, not figures.

#include <weft/weft.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "result.h"
#include "scheduler/dfs_strategy.h"
#include "scheduler/execution.h"
#include "scheduler/search.h"
#include "scheduler/stack_pool.h"

namespace {

void spawn_all(int n, const std::function<void(int)>& f) {
  std::vector<weft::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back(f, i);
  for (auto& t : threads) t.join();
}

struct Body {
  std::string name;
  std::function<void()> run;
};

std::vector<Body> bodies() {
  std::vector<Body> out;
  out.push_back({"2 threads, disjoint stores", [] {
                   weft::atomic<int> x{0}, y{0};
                   spawn_all(2, [&](int i) { (i == 0 ? x : y).store(1); });
                 }});
  out.push_back({"2 threads, one store each to one atomic", [] {
                   weft::atomic<int> x{0};
                   spawn_all(2, [&](int i) { x.store(i + 1); });
                 }});
  for (int n = 2; n <= 6; ++n)
    out.push_back({std::to_string(n) + " threads, one fetch_add each", [n] {
                     weft::atomic<int> x{0};
                     spawn_all(n, [&](int) { x.fetch_add(1); });
                   }});
  out.push_back({"3 threads, lock one mutex once each", [] {
                   weft::mutex m;
                   weft::var<int> v{0};
                   spawn_all(3, [&](int) {
                     std::lock_guard<weft::mutex> hold(m);
                     v.set(v.get() + 1);
                   });
                 }});
  out.push_back({"3 threads, 2 sections each on one mutex", [] {
                   weft::mutex m;
                   weft::var<int> v{0};
                   spawn_all(3, [&](int) {
                     for (int k = 0; k < 2; ++k) {
                       std::lock_guard<weft::mutex> hold(m);
                       v.set(v.get() + 1);
                     }
                   });
                 }});
  out.push_back({"4 threads, store to own atomic then load the next", [] {
                   weft::atomic<int> a[4] = {0, 0, 0, 0};
                   spawn_all(4, [&](int i) {
                     a[i].store(1);
                     (void)a[(i + 1) % 4].load();
                   });
                 }});
  return out;
}

// kEveryCap stops the enumeration of every schedule: past it the table says
// "> cap" (the 6-thread body has far more).
constexpr std::uint64_t kEveryCap = 3'000'000;

struct Count {
  std::uint64_t classes = 0;  // executions dpor counts (one per trace)
  std::uint64_t runs = 0;     // all runs, redundant ones included
  double seconds = 0;
};

Count dpor(const Body& b) {
  const auto start = std::chrono::steady_clock::now();
  const weft::Report r = weft::explore(b.run, weft::Options{}.strategy(weft::Strategy::dpor()).iterations(100000000));
  Count c{r.executions, r.executions + r.redundant, bench::seconds_since(start)};
  if (!r.exhausted()) std::fprintf(stderr, "bench_search: %s: dpor did not exhaust it\n", b.name.c_str());
  return c;
}

Count every_schedule(const Body& b) {
  const auto start = std::chrono::steady_clock::now();
  weft::sched::StackPool stacks(256 * 1024);
  weft::sched::Execution x(stacks);
  weft::sched::DfsStrategy dfs(std::nullopt, 0, 1);
  weft::sched::ThreadBody body;
  body.run = [](void* f) { (*static_cast<const std::function<void()>*>(f))(); };
  body.arg = const_cast<std::function<void()>*>(&b.run);
  weft::sched::Config config;
  std::uint64_t runs = 0;
  while (!dfs.done() && runs < kEveryCap) x.run(dfs, config, runs++, body);
  return {runs, runs, bench::seconds_since(start)};
}

template <class F>
Count best(F once) {
  Count best;
  for (int i = 0; i < bench::kRepetitions; ++i) {
    const Count c = once();
    if (best.seconds == 0 || c.seconds < best.seconds) best = c;
  }
  return best;
}

}  // namespace

int main() {
  std::printf("%-50s %10s %10s %10s %12s %10s\n", "body", "traces", "dpor runs", "dpor s", "every sched", "every s");
  for (const Body& b : bodies()) {
    const Count d = best([&] { return dpor(b); });
    // One run of the enumeration when it is long: its time is not the point.
    const Count first = every_schedule(b);
    const Count e = first.seconds > 1 ? first : best([&] { return every_schedule(b); });
    std::printf("%-50s %10llu %10llu %10.4f %s%11llu %10.4f\n", b.name.c_str(),
                static_cast<unsigned long long>(d.classes), static_cast<unsigned long long>(d.runs), d.seconds,
                e.runs >= kEveryCap ? ">" : " ", static_cast<unsigned long long>(e.runs), e.seconds);
  }
  return 0;
}
