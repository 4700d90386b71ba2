#include "locations.h"

#include "symbols.h"

namespace weft::instrument {

sched::Location locate(const void* caller) { return verifier::caller_location(caller); }

}  // namespace weft::instrument
