#pragma once
// The standard-library samples: programs that use std::thread, std::mutex,
// std::condition_variable and std::shared_mutex only, never weft's types.
// They are run under weft by an executable linked with weft::interpose
// (weft-demo-std, interpose_samples_test); std_catalog.cpp lists them as
// weft::samples::all() for that executable.

#include "sample.h"

namespace weft::samples {
namespace std_lost_deposit { void buggy(); void fixed(); }
namespace std_transfer_deadlock { void buggy(); void fixed(); }
namespace std_lost_wakeup { void buggy(); void fixed(); }
namespace std_cache_double_fill { void buggy(); void fixed(); }
}  // namespace weft::samples
