// weft::pool: worker processes that take jobs from a weft::queue and
// deliver each result through its weft::future.

#include "weft/pool.h"

#include "message_state.h"

namespace weft {

namespace {
// run_job runs one job in a worker; the task's exception goes to its future,
// while weft's own unwinding (a kill, a failure elsewhere) passes through.
void run_job(detail::PoolJob& job) {
  try {
    job.compute();
  } catch (const sched::Unwind&) {
    throw;
  } catch (...) {
    job.fail(std::current_exception());
  }
}
}  // namespace

pool::pool(unsigned workers, source_location where) {
  detail::require_execution("weft::pool");
  workers_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i)
    workers_.emplace_back("worker" + std::to_string(i + 1), [this] { work(); }, where);
}

pool::~pool() {
  detail::Execution* x = detail::Execution::active();
  if (joined_ || !x || x->aborting() || std::uncaught_exceptions() != 0) return;
  // A destructor must not throw: its scheduling points never unwind.
  const detail::Execution::UnwindDeferral deferral(*x);
  if (!closed_) close(source_location{});
  join(source_location{});
}

void pool::work() {
  for (;;) {
    recv_result<std::unique_ptr<detail::PoolJob>> job = jobs_.get();
    if (!job) return;
    // Not a scheduling point: no crash can fall between taking the job and
    // owing its result.
    detail::future_claim((*job)->result);
    run_job(**job);
  }
}

bool pool::accept(source_location where) {
  if (!closed_) return true;
  detail::Execution& x = detail::require_execution("weft::pool::submit");
  detail::misuse(x, detail::who(x) + " submits to a weft::pool after closing it", where);
  return false;
}

void pool::close(source_location where) {
  closed_ = true;
  jobs_.close(where);
}

void pool::join(source_location where) {
  detail::Execution& x = detail::require_execution("weft::pool::join");
  if (!closed_) {
    detail::misuse(x, detail::who(x) + " joins a weft::pool that is still open: close() it first", where,
                   /*later=*/true);
    return;
  }
  for (process& worker : workers_)
    if (worker.joinable()) worker.join(where);
  joined_ = true;
}

}  // namespace weft
