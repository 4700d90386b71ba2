# weft's gdb extension: weft's threads, which are fibers on one OS thread,
# as gdb cannot see them.
#
#   weft threads     lists the threads of the execution: id, state, pending
#                    operation and object, location, what a blocked one waits for
#   weft thread N    shows T<N>'s stack: `bt`, `frame`, `up`, `info locals`
#                    then work on the frames of that suspended fiber
#   weft thread      says which thread's stack is shown
#
# Load it with `source <prefix>/share/weft/gdb/weft.py` (installed with
# weft), or from a source tree, `source <weft>/harness/gdb/weft.py`. See
# docs/replaying.md#debugging-a-replay.
#
# It reads weft's debugger registry, the C structure `weft_debug`
# (scheduler/debug_registry.h), by its documented layout, so it needs no
# debug information for weft; in a live process it first asks weft to fill
# the registry (weft_debug_refresh()), in a core file it shows the registry
# as weft last filled it. Showing a suspended fiber's stack reads the
# registers Boost.Context saved on it (x86-64 only) and hands them to gdb
# through an unwinder as the caller of the innermost frame; the frames of
# the thread that runs are hidden from `bt` meanwhile. Nothing of the
# process is changed, so `continue` is safe at any time; the view goes back
# to the running thread when the process resumes.

import itertools
import struct

import gdb
from gdb.unwinder import Unwinder

STATES = {0: "running", 1: "runnable", 2: "blocked", 3: "finished", 4: "not started"}
NONE = 0xFFFFFFFF
REGISTRY_VERSION = 1
# weft_debug_registry and weft_debug_thread (LP64), as debug_registry.h lays them out.
REGISTRY = struct.Struct("<IIQIIQQQIIQ")
THREAD = struct.Struct("<IIQQQQQQQ")
# Boost.Context's fcontext on x86-64 (System V): the registers jump_fcontext
# saved, by offset above the context's address; the stack pointer after the
# switch returns is 0x40 above it.
FCONTEXT_X86_64 = (("r12", 0x08), ("r13", 0x10), ("r14", 0x18), ("r15", 0x20), ("rbx", 0x28), ("rbp", 0x30),
                   ("rip", 0x38))


class WeftError(gdb.GdbError):
    pass


def inferior():
    if gdb.selected_thread() is None:
        raise WeftError("weft: no process or core file")
    return gdb.selected_inferior()


def read(address, size):
    return bytes(inferior().read_memory(address, size))


def read_pointer(address):
    return struct.unpack("<Q", read(address, 8))[0]


def c_string(address):
    if address == 0:
        return ""
    return gdb.Value(address).cast(gdb.lookup_type("char").pointer()).string(errors="replace")


def registry_address():
    try:
        return int(gdb.parse_and_eval("&weft_debug").cast(gdb.lookup_type("long")))
    except gdb.error:
        raise WeftError("weft: this program has no weft_debug: it is not linked with weft, or has no symbols")


def refresh():
    """Asks weft to fill the registry; False where it cannot run (a core file)."""
    try:
        gdb.parse_and_eval("((int (*)(void)) weft_debug_refresh)()")
        return True
    except gdb.error:
        return False


class Thread:
    def __init__(self, raw):
        (self.id, state, operation, obj, location, waits, self.context_slot, self.stack_low,
         self.stack_high) = THREAD.unpack(raw)
        self.state = STATES.get(state, "state %d" % state)
        self.operation = c_string(operation)
        self.object = c_string(obj)
        self.location = c_string(location)
        self.waits = c_string(waits)

    def context(self):
        return read_pointer(self.context_slot) if self.context_slot else 0


class Registry:
    def __init__(self, fresh):
        address = registry_address()
        (self.version, self.boost_version, self.refreshes, self.live, self.current, self.step, self.break_step,
         self.execution, count, _, threads) = REGISTRY.unpack(read(address, REGISTRY.size))
        if self.version != REGISTRY_VERSION:
            raise WeftError("weft: the program's weft_debug is of version %d; this extension reads version %d"
                            % (self.version, REGISTRY_VERSION))
        self.fresh = fresh
        self.threads = [Thread(read(threads + i * THREAD.size, THREAD.size)) for i in range(count)] if threads else []

    def thread(self, n):
        for t in self.threads:
            if t.id == n:
                return t
        raise WeftError("weft: there is no T%d (threads: %s)" % (n, ", ".join("T%d" % t.id for t in self.threads)))


def registry():
    fresh = refresh()
    r = Registry(fresh)
    if fresh and not r.live:
        raise WeftError("weft: no weft execution is running on this OS thread")
    if not fresh and r.refreshes == 0:
        raise WeftError("weft: weft never filled its registry in this process, and gdb cannot ask it to here")
    return r


class FrameId:
    """A frame's identity for gdb: its stack and code addresses, as gdb.Values."""

    def __init__(self, sp, pc):
        self.sp = sp
        self.pc = pc


class FiberView(Unwinder):
    """Gives the innermost real frame the saved registers of a suspended fiber as its caller's."""

    def __init__(self):
        super().__init__("weft fiber")
        self.thread = None   # the weft thread whose stack is shown; None: the running one's
        self.anchor = None   # (sp, pc) of the innermost real frame when the view was made
        self.saved = None    # the fiber's registers: name -> value
        self.level = 0       # the level of the fiber's top frame: `bt` hides those below

    def __call__(self, pending):
        if self.saved is None:
            return None
        sp = pending.read_register("rsp")
        pc = pending.read_register("rip")
        if (int(sp), int(pc)) != self.anchor:
            return None
        info = pending.create_unwind_info(FrameId(sp, pc))
        word = gdb.lookup_type("unsigned long")
        for name, value in self.saved.items():
            info.add_saved_register(name, gdb.Value(value).cast(word))
        return info

    def show(self, thread, context):
        arch = gdb.newest_frame().architecture().name()
        if "x86-64" not in arch:
            raise WeftError("weft: `weft thread` reads Boost.Context's saved registers on x86-64 only, not on " + arch)
        self.reset()
        saved = {name: read_pointer(context + offset) for name, offset in FCONTEXT_X86_64}
        saved["rsp"] = context + 0x40
        newest = gdb.newest_frame()
        self.anchor = (int(newest.read_register("rsp")), int(newest.read_register("rip")))
        self.saved = saved
        self.thread = thread
        gdb.invalidate_cached_frames()
        frame = gdb.newest_frame()
        while frame is not None and not (int(frame.read_register("rsp")) == saved["rsp"] and
                                         int(frame.pc()) == saved["rip"]):
            frame = frame.older()
        if frame is None:
            self.reset()
            raise WeftError("weft: T%d's saved context does not unwind (Boost.Context %d.%d lays it out otherwise?)"
                            % (thread, BOOST[0], BOOST[1]))
        self.level = frame.level()
        frame.select()

    def reset(self):
        changed = self.saved is not None
        self.thread = self.anchor = self.saved = None
        self.level = 0
        if changed:
            gdb.invalidate_cached_frames()


class HideRunningFrames:
    """While a fiber is shown, `bt` starts at its top frame."""

    def __init__(self, view):
        self.name = "weft fiber"
        self.priority = 100
        self.enabled = True
        self.view = view

    def filter(self, frames):
        if self.view.saved is None:
            return frames
        return itertools.dropwhile(lambda d: d.inferior_frame().level() < self.view.level, frames)


VIEW = FiberView()
BOOST = (0, 0)
gdb.unwinder.register_unwinder(None, VIEW, replace=True)
gdb.frame_filters[HideRunningFrames(VIEW).name] = HideRunningFrames(VIEW)
gdb.events.cont.connect(lambda event: VIEW.reset())
gdb.events.exited.connect(lambda event: VIEW.reset())


class WeftCommand(gdb.Command):
    """weft's threads (fibers): `weft threads`, `weft thread N`."""

    def __init__(self):
        super().__init__("weft", gdb.COMMAND_STACK, gdb.COMPLETE_NONE, True)


class WeftThreads(gdb.Command):
    """List weft's threads: id, state, pending operation and object, location, what a blocked one waits for.
'*' marks the running thread, '>' the one whose stack `weft thread N` shows."""

    def __init__(self):
        super().__init__("weft threads", gdb.COMMAND_STACK)

    def invoke(self, argument, from_tty):
        r = registry()
        where = "at step %d" % r.step
        if r.break_step:
            where += ", break at step %d" % r.break_step
        if not r.fresh:
            where += " (as weft last recorded it: gdb cannot ask it here)"
        rows = [("", "id", "state", "operation", "object", "location", "waits for")]
        for t in r.threads:
            mark = "*" if t.id == r.current else (">" if t.id == VIEW.thread else "")
            rows.append((mark, "T%d" % t.id, t.state, t.operation, t.object, t.location, t.waits))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        gdb.write("weft: %d threads, %s\n" % (len(r.threads), where))
        for row in rows:
            gdb.write((" ".join(cell.ljust(w) for cell, w in zip(row, widths))).rstrip() + "\n")


class WeftThread(gdb.Command):
    """Show weft thread N's stack: `bt`, `frame`, `up` and `info locals` then work on its frames.
With the running thread's number, show the running stack again. Without N, say which is shown."""

    def __init__(self):
        super().__init__("weft thread", gdb.COMMAND_STACK)

    def invoke(self, argument, from_tty):
        global BOOST
        r = registry()
        BOOST = (r.boost_version // 100000, r.boost_version // 100 % 1000)
        if not argument.strip():
            shown = VIEW.thread if VIEW.thread is not None else r.current
            gdb.write("weft: showing %s's stack\n" % ("T%d" % shown if shown != NONE else "the scheduler"))
            return
        try:
            n = int(argument.strip().lstrip("Tt"))
        except ValueError:
            raise WeftError("weft: usage: weft thread N (a weft thread's number, as `weft threads` lists them)")
        t = r.thread(n)
        if t.id == r.current:
            VIEW.reset()
            gdb.newest_frame().select()
            gdb.write("weft: T%d runs: showing its stack, the process's own\n" % n)
            return
        if t.state in ("finished", "not started"):
            raise WeftError("weft: T%d has %s: it has no frames" % (n, "finished" if t.state == "finished"
                                                                     else "not started yet"))
        context = t.context()
        if context == 0:
            raise WeftError("weft: T%d has no saved context" % n)
        VIEW.show(n, context)
        gdb.write("weft: showing T%d's stack (%s%s%s); `weft thread %s` shows the running one again\n"
                  % (n, t.state, " in " + t.operation if t.operation else "",
                     " at " + t.location if t.location else "", r.current if r.current != NONE else "N"))


WeftCommand()
WeftThreads()
WeftThread()
