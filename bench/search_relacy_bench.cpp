// bench_search_relacy: Relacy's full search (rl::sched_full) on the bodies
// bench_search gives dpor, for docs/exhaustive-search.md. Relacy enumerates
// every schedule of its own scheduling points (no partial-order reduction).

#include <relacy/relacy.hpp>

#include <chrono>
#include <cstdio>
#include <sstream>

#include "result.h"

namespace {

template <int N>
struct FetchAdds : rl::test_suite<FetchAdds<N>, N> {
  rl::atomic<int> x;
  void before() { x($).store(0, rl::mo_seq_cst); }
  void thread(unsigned) { x($).fetch_add(1, rl::mo_seq_cst); }
};

struct BlindStores : rl::test_suite<BlindStores, 2> {
  rl::atomic<int> x;
  void before() { x($).store(0, rl::mo_seq_cst); }
  void thread(unsigned i) { x($).store(static_cast<int>(i) + 1, rl::mo_seq_cst); }
};

struct Disjoint : rl::test_suite<Disjoint, 2> {
  rl::atomic<int> x, y;
  void before() {
    x($).store(0, rl::mo_seq_cst);
    y($).store(0, rl::mo_seq_cst);
  }
  void thread(unsigned i) { (i == 0 ? x : y)($).store(1, rl::mo_seq_cst); }
};

template <int Sections>
struct Lockers : rl::test_suite<Lockers<Sections>, 3> {
  rl::mutex m;
  rl::var<int> v;
  void before() { v($) = 0; }
  void thread(unsigned) {
    for (int k = 0; k < Sections; ++k) {
      m.lock($);
      v($) = v($) + 1;
      m.unlock($);
    }
  }
};

struct StoreLoad : rl::test_suite<StoreLoad, 4> {
  rl::atomic<int> a[4];
  void before() {
    for (auto& x : a) x($).store(0, rl::mo_seq_cst);
  }
  void thread(unsigned i) {
    a[i]($).store(1, rl::mo_seq_cst);
    (void)a[(i + 1) % 4]($).load(rl::mo_seq_cst);
  }
};

template <class T>
void full(const char* name) {
  std::ostringstream log;
  rl::test_params params;
  params.search_type = rl::sched_full;
  params.output_stream = &log;
  params.progress_stream = &log;
  const auto start = std::chrono::steady_clock::now();
  const bool passed = rl::simulate<T>(params);
  const double seconds = bench::seconds_since(start);
  std::printf("%-50s %12llu %10.4f%s\n", name, static_cast<unsigned long long>(params.stop_iteration), seconds,
              passed ? "" : "  (failed)");
}

}  // namespace

int main() {
  std::printf("%-50s %12s %10s\n", "body", "relacy full", "seconds");
  full<Disjoint>("2 threads, disjoint stores");
  full<BlindStores>("2 threads, one store each to one atomic");
  full<FetchAdds<2>>("2 threads, one fetch_add each");
  full<FetchAdds<3>>("3 threads, one fetch_add each");
  full<FetchAdds<4>>("4 threads, one fetch_add each");
  full<FetchAdds<5>>("5 threads, one fetch_add each");
  full<FetchAdds<6>>("6 threads, one fetch_add each");
  full<Lockers<1>>("3 threads, lock one mutex once each");
  full<Lockers<2>>("3 threads, 2 sections each on one mutex");
  full<StoreLoad>("4 threads, store to own atomic then load the next");
  return 0;
}
