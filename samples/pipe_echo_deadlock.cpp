// The textbook parent/child echo over a pipe, and its deadlocking twin.
// Parent and child each hold one end of a duplex pipe; the child echoes what
// it receives. Written so that both sides start by receiving, each waits for
// the other to speak first, for ever: weft reports the deadlock and names
// both waits: "T0 (process parent) waits in pipe.recv on pipe#1 end A" and
// "T1 (process child) waits in pipe.recv on pipe#1 end B".
//
// Fix: one side speaks first (the parent sends its request, then waits).

#include <string>

#include "sample.h"
#include "weft/weft.h"

namespace weft::samples::pipe_echo_deadlock {

namespace {

void echo(weft::pipe_end<> end) {
  while (auto request = end.recv()) end.send("echo: " + *request);
}

// run starts the echo child and has the parent exchange two messages,
// receiving first when `parent_listens_first`.
void run(bool parent_listens_first) {
  weft::this_process::set_name("parent");
  auto [parent, child_end] = weft::pipe();
  weft::process child("child", [](weft::pipe_end<> end) {
    (void)end.recv();  // the greeting
    echo(end);
  }, child_end);
  if (parent_listens_first) (void)parent.recv();  // bug: waits for a greeting the child waits for too
  parent.send("hello");
  parent.send("ping");
  auto reply = parent.recv();
  WEFT_ASSERT(reply && *reply == "echo: ping");
  parent.close();
  WEFT_ASSERT(child.wait().ok());
}

}  // namespace

void buggy() { run(true); }
void fixed() { run(false); }

}  // namespace weft::samples::pipe_echo_deadlock
