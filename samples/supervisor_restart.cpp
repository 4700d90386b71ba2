// A supervisor that restarts a crashed worker. Jobs go to the worker over a
// pipe and results come back; when the worker crashes (an injected fault,
// Options::process_crashes), the supervisor starts a new one and carries on
// with the next job. The job the worker held when it crashed is never done:
// a job is lost. It only shows when a crash falls between receiving a job
// and sending its result, which is why weft explores crash points.
//
// Fix: the supervisor remembers the job in flight and gives it to the new
// worker; results are counted by job, so a job is never counted twice.

#include <set>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::supervisor_restart {

namespace {

constexpr int kJobs = 3;

void work(weft::pipe_end<int> end) {
  while (auto job = end.recv()) end.send(*job * 10);
}

void run(bool resend_in_flight) {
  std::set<int> done;
  int next = 0;
  for (int restarts = 0; next < kJobs && restarts <= kJobs; ++restarts) {
    auto [mine, theirs] = weft::pipe<int>();
    weft::process worker("worker", &work, theirs);
    while (next < kJobs) {
      if (mine.send(next) != weft::channel_status::ok) break;
      auto result = mine.recv();
      if (!result) {  // the worker died with the job
        if (!resend_in_flight) ++next;  // bug: the job in flight is dropped
        break;
      }
      done.insert(*result / 10);
      ++next;
    }
    mine.close();
    (void)worker.wait();  // crashed or exited: either way, this worker is done
  }
  WEFT_ASSERT(done.size() == kJobs, "a job was lost when its worker crashed");
}

}  // namespace

void buggy() { run(false); }
void fixed() { run(true); }

}  // namespace weft::samples::supervisor_restart
