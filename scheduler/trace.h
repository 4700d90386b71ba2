#pragma once
// How events and objects read in reports. One place renders them, so every
// report and trace says the same thing the same way.

#include <string>

#include "scheduler/event.h"

namespace weft::sched {

// thread_name is "T3"; kNoThread, which no report may show as a number,
// reads as weft's scheduler (code that ran on no weft thread).
std::string thread_name(ThreadId thread);
// object_name is "mutex#2", "T3" for a thread, or "" for no object.
std::string object_name(ObjectRef object);
// operation_name is "mutex.lock", "this_thread.yield", ...
std::string operation_name(OpKind op, ObjectKind kind);
// event_detail is what happened beyond the name: a value, "failed",
// "timed out", the thread a notify woke; "" when there is nothing to add.
std::string event_detail(const Event& event);
// base_name is the file part of a path.
const char* base_name(const char* path) noexcept;

}  // namespace weft::sched
