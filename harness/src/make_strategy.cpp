#include "make_strategy.h"

#include <vector>

#include "scheduler/pct_strategy.h"
#include "scheduler/portfolio_strategy.h"
#include "scheduler/pos_strategy.h"
#include "scheduler/random_strategy.h"
#include "scheduler/rff_strategy.h"
#include "scheduler/surw_strategy.h"

namespace weft::detail {

namespace {
std::unique_ptr<sched::Strategy> make(Strategy s, std::uint64_t seed, const sched::Execution& x) {
  switch (s.kind()) {
    case Strategy::Kind::Random: return std::make_unique<sched::RandomStrategy>(seed);
    case Strategy::Kind::Pct: return std::make_unique<sched::PctStrategy>(seed, s.depth());
    case Strategy::Kind::Dpor: break;  // a search, not a sampler: explore makes it itself
    case Strategy::Kind::Pos: return std::make_unique<sched::PosStrategy>(x, seed);
    case Strategy::Kind::Surw: return std::make_unique<sched::SurwStrategy>(x, seed);
    case Strategy::Kind::Rff: return std::make_unique<sched::RffStrategy>(x, seed);
    case Strategy::Kind::Portfolio: {
      std::vector<std::unique_ptr<sched::Strategy>> members;
      for (const Strategy m : {Strategy::random(), Strategy::pct(3), Strategy::pos(), Strategy::rff(),
                               Strategy::surw()})
        members.push_back(make(m, seed, x));
      return std::make_unique<sched::PortfolioStrategy>(std::move(members));
    }
  }
  return std::make_unique<sched::RandomStrategy>(seed);
}
}  // namespace

std::unique_ptr<sched::Strategy> make_strategy(const Options& options, const sched::Execution& execution) {
  return make(options.strategy(), options.seed(), execution);
}

}  // namespace weft::detail
