#pragma once
// The standard-library samples: programs that use std::thread, std::mutex,
// std::condition_variable, std::shared_mutex and POSIX descriptors (pipes,
// socketpairs, epoll) only, never weft's types. They are run under weft by
// an executable linked with weft::interpose (weft-demo-std,
// interpose_samples_test); std_catalog.cpp lists them as
// weft::samples::all() for that executable.

#include "sample.h"

namespace weft::samples {
namespace std_lost_deposit { void buggy(); void fixed(); }
namespace std_transfer_deadlock { void buggy(); void fixed(); }
namespace std_lost_wakeup { void buggy(); void fixed(); }
namespace std_cache_double_fill { void buggy(); void fixed(); }
// Descriptors made inside the execution (docs/descriptors.md):
namespace std_self_pipe_lost_wakeup { void buggy(); void fixed(); }
namespace std_epoll_edge_missed { void buggy(); void fixed(); }
namespace std_socket_split_message { void buggy(); void fixed(); }
namespace std_socketpair_both_read_first { void buggy(); void fixed(); }
}  // namespace weft::samples
