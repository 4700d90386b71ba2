#pragma once
// weft::samples: the classic concurrency hazards, each as a buggy test body
// that weft catches and a fixed twin that it passes. weft-demo runs them and
// tests/samples_test.cpp checks that weft keeps finding every bug.

#include <span>
#include <string_view>

#include "weft/failure.h"

namespace weft::samples {

// Sample is one hazard: a body with the bug, its fixed twin, and the kind of
// failure weft must report for the bug. Both bodies are meant to be run by
// weft::explore or weft::replay, never called directly.
struct Sample {
  std::string_view name;    // identifier-like, e.g. "lost_update"
  std::string_view hazard;  // one line saying what goes wrong
  void (*buggy)();
  void (*fixed)();
  weft::FailureKind expected;  // what explore reports for `buggy`
  // race_detection: explore this sample with the race detector on. Off for
  // samples whose bug is a wrong outcome reached through a data race, which
  // the detector would report first as a DataRace.
  bool race_detection = true;
  // process_crashes: explore this sample (bug and fixed twin) with injected
  // process crashes (Options::process_crashes), for samples about surviving
  // them.
  bool process_crashes = false;
  // memory_functions: the bug is seen only through weft's own memcpy and
  // free (instrumented mode: range accesses, and the quarantine that makes
  // a use after free a race). A build of weft with a sanitizer leaves those
  // functions to the sanitizer's runtime, where this bug goes unseen
  // (docs/instrumentation.md).
  bool memory_functions = false;
};

// all lists every sample, in the order a reader should meet them (the
// samples of one catalog: catalog.cpp, or tsan/catalog.cpp in TSan mode).
std::span<const Sample> all();

// The bodies, one namespace per sample file.
namespace lost_update { void buggy(); void fixed(); }
namespace check_then_act { void buggy(); void fixed(); }
namespace lock_order_deadlock { void buggy(); void fixed(); }
namespace missed_notify { void buggy(); void fixed(); }
namespace bounded_buffer_if { void buggy(); void fixed(); }
namespace worker_pool_early_collect { void buggy(); void fixed(); }
namespace racy_counter { void buggy(); void fixed(); }
namespace relaxed_publication { void buggy(); void fixed(); }
namespace three_lock_inversion { void buggy(); void fixed(); }
namespace pipe_echo_deadlock { void buggy(); void fixed(); }
namespace pipeline_lock_deadlock { void buggy(); void fixed(); }
namespace reply_overtakes_cancel { void buggy(); void fixed(); }
namespace supervisor_restart { void buggy(); void fixed(); }
// ThreadSanitizer mode only (samples/tsan/catalog.cpp):
namespace unprotected_vector { void buggy(); void fixed(); }
// Instrumented mode only (samples/instrument/catalog.cpp):
namespace spsc_ring { void relaxed_buggy(); void early_buggy(); void fixed(); }
namespace flag_spinlock { void buggy(); void fixed(); }
namespace treiber_stack { void buggy(); void fixed(); }
namespace double_checked_locking { void buggy(); void fixed(); }
namespace fence_litmus { void buggy(); void fixed(); void fence_atomic(); void atomic_fence(); }

}  // namespace weft::samples
