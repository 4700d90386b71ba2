// Strategy parsing and the WEFT_* environment overrides.

#include "weft/options.h"

#include "search_environment.h"
#include "text_fields.h"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace weft {

namespace {
std::uint64_t env_unsigned(const char* name, const char* value) {
  std::uint64_t v = 0;
  if (!detail::parse_whole(value, v))
    throw std::invalid_argument(std::string(name) + "=\"" + value + "\" is not a non-negative whole number");
  return v;
}

bool env_switch(const char* name, const char* value) {
  const std::string_view text(value);
  if (text != "0" && text != "1")
    throw std::invalid_argument(std::string(name) + "=\"" + value + "\" is neither 0 (off) nor 1 (on)");
  return text == "1";
}
}  // namespace

Strategy Strategy::parse(std::string_view text) {
  if (text == "random") return random();
  if (text == "pct") return pct(3);
  if (text == "dpor") return dpor();
  if (text.substr(0, 4) == "pct:") {
    std::uint64_t depth = 0;
    if (detail::parse_whole(text.substr(4), depth) && depth >= 1 && depth <= 1000)
      return pct(static_cast<unsigned>(depth));
  }
  if (text == "pos") return pos();
  if (text == "surw") return surw();
  if (text == "rff") return rff();
  if (text == "portfolio") return portfolio();
  throw std::invalid_argument("unknown strategy \"" + std::string(text) +
                              "\": use \"random\", \"pct\", \"pct:N\" with a depth N from 1 to 1000, "
                              "\"dpor\", \"pos\", \"surw\", \"rff\" or \"portfolio\"");
}

std::string Strategy::to_string() const {
  switch (kind_) {
    case Kind::Random: return "random";
    case Kind::Pct: return "pct:" + std::to_string(depth_);
    case Kind::Dpor: return "dpor";
    case Kind::Pos: return "pos";
    case Kind::Surw: return "surw";
    case Kind::Rff: return "rff";
    case Kind::Portfolio: return "portfolio";
  }
  return "?";
}

Options Options::from_environment() const {
  Options o = *this;
  if (const char* v = std::getenv("WEFT_SEED"); v && *v) o.seed(env_unsigned("WEFT_SEED", v));
  if (const char* v = std::getenv("WEFT_ITERATIONS"); v && *v) {
    o.iterations(env_unsigned("WEFT_ITERATIONS", v));
    if (o.iterations() == 0)
      throw std::invalid_argument(std::string("WEFT_ITERATIONS=\"") + v +
                                  "\" would run no execution, so every test would pass untested: use 1 or more");
  }
  if (const char* v = std::getenv("WEFT_MAX_STEPS"); v && *v) o.max_steps(env_unsigned("WEFT_MAX_STEPS", v));
  if (const char* v = std::getenv("WEFT_WATCHDOG"); v && *v)
    o.watchdog(static_cast<unsigned>(env_unsigned("WEFT_WATCHDOG", v)));
  if (const char* v = std::getenv("WEFT_TRACE_STEPS"); v && *v)
    o.trace_steps(static_cast<std::size_t>(env_unsigned("WEFT_TRACE_STEPS", v)));
  if (const char* v = std::getenv("WEFT_SHRINK"); v && *v) o.shrink(env_switch("WEFT_SHRINK", v));
  if (const char* v = std::getenv("WEFT_REGRESSIONS"); v && *v) o.regressions(v, o.regressions_name());
  if (const char* v = std::getenv("WEFT_REGRESSIONS_STRICT"); v && *v)
    o.regressions_strict(env_switch("WEFT_REGRESSIONS_STRICT", v));
  if (const char* v = std::getenv("WEFT_PROGRESS"); v && *v) {
    const std::string_view p = v;
    if (p == "1" || p == "on") o.progress(Progress::On);
    else if (p == "0" || p == "off") o.progress(Progress::Off);
    else if (p == "auto") o.progress(Progress::Auto);
    else
      throw std::invalid_argument(std::string("WEFT_PROGRESS=\"") + v + "\": use 1 (on), 0 (off) or auto");
  }
  if (const char* v = std::getenv("WEFT_BREAK"); v && *v) o.break_at(env_unsigned("WEFT_BREAK", v));
  if (const char* v = std::getenv("WEFT_STRATEGY"); v && *v) {
    try {
      o.strategy(Strategy::parse(v));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("WEFT_STRATEGY: ") + e.what());
    }
  }
  if (const char* v = std::getenv("WEFT_TRACE_FILE"); v && *v) o.trace_file(v, o.trace_file_key());
  detail::read_search_environment(o);
  return o;
}

}  // namespace weft
