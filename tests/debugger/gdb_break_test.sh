#!/usr/bin/env bash
# The debugger on a replayed schedule, end to end: finds the lock-order
# deadlock sample's failure, replays its token with WEFT_BREAK at the last
# step of its trace, first without a debugger (the replay says so and goes
# on), then under gdb in batch mode with weft's extension: the replay stops
# on the stack of the thread that takes that step, `weft threads` names
# every thread with its state and pending operation, and `weft thread N`
# makes `bt` show T<N>'s own frames, down to the sample's function.
#   gdb_break_test.sh <break_driver> <weft.py>
# Exits 77 (skipped) when gdb is not installed.
set -uo pipefail
driver=$1
extension=$2
sample=lock_order_deadlock
fail() {
  echo "FAILED: $*"
  exit 1
}

found=$("$driver" explore "$sample") || fail "break_driver explore $sample: $found"
echo "$found"
token=$(sed -n 's/^TOKEN //p' <<<"$found")
# The trace's last line: "     6  T2      mutex.lock    mutex#2          std_mutex.h:229".
read -r step thread operation _ < <(grep -E '^ +[0-9]+ +T[0-9]+ ' <<<"$found" | tail -n 1)
[[ -n "$token" && -n "$step" ]] || fail "no token or trace in the explore output"
echo "breaking at step $step, which $thread takes ($operation)"

# Without a debugger the replay says where it would have stopped, and goes on.
alone=$(WEFT_BREAK=$step "$driver" replay "$sample" "$token" 2>&1) || fail "replay without a debugger: $alone"
grep -q "weft: break at step $step (WEFT_BREAK, Options::break_at): $thread takes it: $operation" <<<"$alone" ||
  fail "no break message without a debugger: $alone"
grep -q "no debugger is attached, so the replay goes on" <<<"$alone" || fail "no debugger message: $alone"
grep -q "^KIND Deadlock" <<<"$alone" || fail "the replay did not go on to its Deadlock: $alone"

command -v gdb >/dev/null || {
  echo "gdb is not installed: the rest of this test is skipped (apt-get install gdb)"
  exit 77
}

# The other two threads: T0 runs the body, T1 and T2 the two transfers.
others=()
for t in 0 1 2; do [[ "T$t" == "$thread" ]] || others+=("$t"); done
lambda=$((others[0] == 0 ? others[1] : others[0]))
running=${thread#T}

script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat >"$script" <<EOF
source $extension
run
echo ==threads==\n
weft threads
echo ==lambda==\n
weft thread $lambda
bt
echo ==body==\n
weft thread 0
bt
echo ==back==\n
weft thread $running
bt 3
echo ==continue==\n
continue
EOF
# LeakSanitizer cannot run under ptrace: leaks are checked by the other tests.
out=$(ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 WEFT_BREAK=$step \
      gdb -batch -nx -x "$script" --args "$driver" replay "$sample" "$token" 2>&1)
echo "$out"
section() { awk -v name="==$1==" '$0 == name { on = 1; next } /^==[a-z]+==$/ { on = 0 } on' <<<"$out"; }

grep -Eq "(Program|Thread [0-9]+ .*) received signal SIGTRAP" <<<"$out" || fail "the replay did not stop in gdb"
threads=$(section threads)
grep -Eq "^\* $thread +running +$operation +mutex#[0-9]+ +lock_order_deadlock.cpp:[0-9]+" <<<"$threads" ||
  fail "weft threads does not show $thread running $operation"
grep -Eq "^  T0 +blocked +thread.join +T[12] +lock_order_deadlock.cpp:[0-9]+ +T[12]$" <<<"$threads" ||
  fail "weft threads does not show T0 blocked in thread.join"
grep -Eq "^  T$lambda +(runnable|blocked) +mutex.lock +mutex#[0-9]+ +lock_order_deadlock.cpp:[0-9]+" <<<"$threads" ||
  fail "weft threads does not show T$lambda waiting to lock"

frames=$(section lambda)
grep -q "weft: showing T$lambda's stack" <<<"$frames" || fail "weft thread $lambda did not switch"
# g++ names the lambda buggy()::<lambda()>, clang buggy()::$_0.
lambda_frame='weft::samples::lock_order_deadlock::buggy\(\)::(<lambda\(\)>|\$_[0-9]+)'
grep -Eq "$lambda_frame" <<<"$frames" || fail "bt of T$lambda does not show the sample's lambda"
grep -Eq "at [^ ]*samples/lock_order_deadlock.cpp:2[0-9]$" <<<"$frames" ||
  fail "bt of T$lambda does not show a line of the sample"
grep -q "weft::sched::Fiber::suspend" <<<"$frames" || fail "bt of T$lambda does not start where it suspended"
grep -q "weft_debug_stop" <<<"$frames" && fail "bt of T$lambda shows the running thread's frames"

frames=$(section body)
grep -Eq "in weft::samples::lock_order_deadlock::buggy\(\) \(\) at [^ ]*samples/lock_order_deadlock.cpp:[0-9]+$" \
  <<<"$frames" || fail "bt of T0 does not show the sample's body"
grep -q "weft::thread::join" <<<"$frames" || fail "bt of T0 does not show its join"
grep -Eq "$lambda_frame" <<<"$frames" && fail "bt of T0 shows another thread's frames"

frames=$(section back)
grep -q "weft: T$running runs: showing its stack" <<<"$frames" || fail "weft thread $running did not switch back"
grep -Eq "^#0 .* in weft_debug_stop" <<<"$frames" || fail "bt after switching back is not the running stack"

grep -q "^KIND Deadlock" <<<"$(section continue)" || fail "the replay did not finish after continue"
echo "PASSED"
