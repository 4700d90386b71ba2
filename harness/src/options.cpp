// Strategy parsing and the WEFT_* environment overrides.

#include "weft/options.h"

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace weft {

namespace {
bool parse_unsigned(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const std::uint64_t next = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (next / 10 != v) return false;
    v = next;
  }
  out = v;
  return true;
}

std::uint64_t env_unsigned(const char* name, const char* value) {
  std::uint64_t v = 0;
  if (!parse_unsigned(value, v))
    throw std::invalid_argument(std::string(name) + "=\"" + value + "\" is not a non-negative whole number");
  return v;
}
}  // namespace

Strategy Strategy::parse(std::string_view text) {
  if (text == "random") return random();
  if (text == "pct") return pct(3);
  if (text.substr(0, 4) == "pct:") {
    std::uint64_t depth = 0;
    if (parse_unsigned(text.substr(4), depth) && depth >= 1 && depth <= 1000) return pct(static_cast<unsigned>(depth));
  }
  throw std::invalid_argument("unknown strategy \"" + std::string(text) +
                              "\": use \"random\", \"pct\" or \"pct:N\" with a depth N from 1 to 1000");
}

std::string Strategy::to_string() const {
  return kind_ == Kind::Random ? "random" : "pct:" + std::to_string(depth_);
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
  if (const char* v = std::getenv("WEFT_STRATEGY"); v && *v) {
    try {
      o.strategy(Strategy::parse(v));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("WEFT_STRATEGY: ") + e.what());
    }
  }
  return o;
}

}  // namespace weft
