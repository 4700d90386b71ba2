#pragma once
// weft::pool: a pool of worker processes, like Python's
// multiprocessing.Pool(n). It is built on weft::queue (the jobs),
// weft::process (the workers) and weft::future (the results), so every wait
// of its own is a controlled scheduling point like any other.

#include <cstddef>
#include <exception>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/future.h"
#include "weft/process.h"
#include "weft/queue.h"
#include "weft/source_location.h"

namespace weft {

namespace detail {
// PoolJob is one submitted task, sent to a worker through the job queue.
struct PoolJob {
  virtual ~PoolJob() = default;
  virtual void compute() = 0;                 // runs the task and sets the result
  virtual void fail(std::exception_ptr) = 0;  // sets the exception the task threw
  FutureRef result;
};

template <class R, class F>
struct BoundJob final : PoolJob {
  template <class G>
  explicit BoundJob(G&& g) : fn(std::forward<G>(g)) {}
  void compute() override {
    Outcome<R> outcome;
    if constexpr (std::is_void_v<R>)
      fn();
    else
      outcome.value.emplace(fn());
    future_set(result, box(std::move(outcome)), source_location{});
  }
  void fail(std::exception_ptr error) override {
    Outcome<R> outcome;
    outcome.error = std::move(error);
    future_set(result, box(std::move(outcome)), source_location{});
  }
  F fn;
};
}  // namespace detail

// pool runs tasks on `workers` worker processes (named "worker1", ...).
// Tasks are values sent to the workers: they run in another process, so
// whatever they capture is copied, and a weft::var they share with the
// submitter is Misuse. Submitting after close() is Misuse; so is join()
// before close(). The destructor closes and joins a pool still open.
class pool {
 public:
  explicit pool(unsigned workers, source_location where = source_location::current());
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;
  ~pool();

  // submit queues `f()` for a worker and returns the future of its result.
  template <class F>
  auto submit(F&& f, source_location where = source_location::current())
      -> future<std::invoke_result_t<std::decay_t<F>&>> {
    using R = std::invoke_result_t<std::decay_t<F>&>;
    auto job = std::make_unique<detail::BoundJob<R, std::decay_t<F>>>(std::forward<F>(f));
    if (!accept(where)) return {};
    job->result = detail::future_create(where);
    const detail::FutureRef ref = job->result;
    jobs_.put(std::unique_ptr<detail::PoolJob>(std::move(job)), where);
    return future<R>(ref);
  }

  // map applies `f` to every element of `items` on the workers and returns
  // the results in the order of `items`. A task's exception is rethrown.
  template <class F, class Range>
  auto map(F f, const Range& items, source_location where = source_location::current())
      -> std::vector<std::invoke_result_t<F&, decltype(*std::begin(items))>> {
    using R = std::invoke_result_t<F&, decltype(*std::begin(items))>;
    std::vector<future<R>> pending;
    for (const auto& item : items) pending.push_back(submit([f, item]() mutable { return f(item); }, where));
    std::vector<R> results;
    results.reserve(pending.size());
    for (future<R>& p : pending) results.push_back(p.get(where));
    return results;
  }

  // close lets the workers finish the queued tasks and then exit.
  void close(source_location where = source_location::current());
  // join waits for every worker to exit; close() first.
  void join(source_location where = source_location::current());

 private:
  bool accept(source_location where);
  void work();

  queue<std::unique_ptr<detail::PoolJob>> jobs_;
  std::vector<process> workers_;
  bool closed_ = false;
  bool joined_ = false;
};

}  // namespace weft
