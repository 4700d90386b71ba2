#pragma once
// <weft/weft.h>: everything a weft test needs.

#include "weft/assert.h"
#include "weft/atomic.h"
#include "weft/barrier.h"
#include "weft/chrono.h"
#include "weft/condition_variable.h"
#include "weft/explore.h"
#include "weft/failure.h"
#include "weft/latch.h"
#include "weft/mutex.h"
#include "weft/options.h"
#include "weft/semaphore.h"
#include "weft/shared_mutex.h"
#include "weft/source_location.h"
#include "weft/thread.h"
#include "weft/var.h"
