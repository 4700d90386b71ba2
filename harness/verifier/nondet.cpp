// The __VERIFIER_nondet_<type> family: values as recorded value choices.
//
// Uniform values over a type's bits almost never hit the values programs
// test for (0, 1, INT_MAX, a small loop bound an assumption asks for), so
// the choice is biased: first one of four classes, then the value within it.
//   class 0: small, [-4, 4] for a signed type, [0, 8] for an unsigned one
//   class 1: a boundary: min, min + 1, max - 1, max (unsigned: max, max - 1,
//            and the two values around 2^(bits - 1))
//   class 2, 3: uniform over all the type's bits
// Every choice goes through Execution::choose, so the strategy picks it, the
// schedule records it and a replay takes the same value.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "scheduler/execution.h"
#include "symbols.h"
#include "verifier_ops.h"
#include "weft/verifier.h"

namespace weft::verifier {

namespace {

using sched::Execution;

template <class T>
T shown(Execution& x, T value, const void* caller) {
  sched::Event& e = x.record(sched::OpKind::Nondet, {}, caller_location(caller));
  if constexpr (std::is_same_v<T, bool>) {
    e.value_kind = sched::ValueKind::Bool;
    e.value = value ? 1 : 0;
  } else if constexpr (std::is_signed_v<T>) {
    e.value_kind = sched::ValueKind::Signed;
    e.value = static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
  } else {
    e.value_kind = sched::ValueKind::Unsigned;
    e.value = static_cast<std::uint64_t>(value);
  }
  return value;
}

// domain is set_nondet_domain's size; 0: the biased values above.
constinit std::atomic<std::uint32_t> domain{0};

// in_domain is the `i`th value of the small domain: 0, 1, -1, 2, -2, ...
// for a signed type, 0, 1, 2, ... for an unsigned one.
template <class T>
T in_domain(std::uint32_t i) {
  if constexpr (std::numeric_limits<T>::is_signed) {
    const auto magnitude = static_cast<std::int64_t>((i + 1) / 2);
    return static_cast<T>(i % 2 == 1 ? magnitude : -magnitude);
  } else {
    return static_cast<T>(i);
  }
}

template <class T>
T integer(const void* caller) {
  Execution* x = Execution::active();
  if (!x) return T{};
  using Limits = std::numeric_limits<T>;
  constexpr unsigned bits = sizeof(T) * 8;
  if (const std::uint32_t n = domain.load(std::memory_order_relaxed); n > 0)
    return shown(*x, in_domain<T>(x->choose(n)), caller);
  T value{};
  switch (x->choose(4)) {
    case 0:
      value = static_cast<T>(static_cast<std::int64_t>(x->choose(9)) - (Limits::is_signed ? 4 : 0));
      break;
    case 1: {
      const std::uint32_t i = x->choose(4);
      if constexpr (Limits::is_signed) {
        const T bounds[4] = {Limits::min(), static_cast<T>(Limits::min() + 1), static_cast<T>(Limits::max() - 1),
                             Limits::max()};
        value = bounds[i];
      } else {
        const T half = static_cast<T>(T{1} << (bits - 1));
        const T bounds[4] = {Limits::max(), static_cast<T>(Limits::max() - 1), half, static_cast<T>(half - 1)};
        value = bounds[i];
      }
      break;
    }
    default:
      value = static_cast<T>(static_cast<std::make_unsigned_t<T>>(x->choose_bits(bits)));
      break;
  }
  return shown(*x, value, caller);
}

bool boolean(const void* caller) {
  Execution* x = Execution::active();
  if (!x) return false;
  return shown(*x, x->choose(2) == 1, caller);
}

template <class T, class Bits>
T floating(const void* caller) {
  Execution* x = Execution::active();
  if (!x) return T{};
  using Limits = std::numeric_limits<T>;
  T value{};
  if (const std::uint32_t n = domain.load(std::memory_order_relaxed); n > 0) {
    value = static_cast<T>(in_domain<int>(x->choose(n)));
    x->record(sched::OpKind::Nondet, {}, caller_location(caller));
    return value;
  }
  switch (x->choose(4)) {
    case 0:
      value = static_cast<T>(static_cast<int>(x->choose(9)) - 4);
      break;
    case 1: {
      const T special[8] = {T{0},           -T{0},          Limits::infinity(), -Limits::infinity(),
                            Limits::quiet_NaN(), Limits::max(), Limits::lowest(),   Limits::denorm_min()};
      value = special[x->choose(8)];
      break;
    }
    default: {
      const auto bits = static_cast<Bits>(x->choose_bits(sizeof(T) * 8));
      std::memcpy(&value, &bits, sizeof value);
      break;
    }
  }
  x->record(sched::OpKind::Nondet, {}, caller_location(caller));  // floats are not shown as values
  return value;
}

// The block every non-null nondet pointer points to. Process-wide: the C
// interface returns a bare pointer that must stay valid.
unsigned char nondet_block[64];

void* pointer(const void* caller) {
  Execution* x = Execution::active();
  if (!x) return nullptr;
  const bool null = x->choose(2) == 0;
  shown(*x, !null, caller);
  return null ? nullptr : static_cast<void*>(nondet_block);
}

}  // namespace

void set_nondet_domain(std::uint32_t n) noexcept { domain.store(n, std::memory_order_relaxed); }

long nondet_long(const void* caller) { return integer<long>(caller); }

}  // namespace weft::verifier

namespace v = weft::verifier;

extern "C" bool __VERIFIER_nondet_bool(void) { return v::boolean(__builtin_return_address(0)); }
extern "C" char __VERIFIER_nondet_char(void) { return v::integer<char>(__builtin_return_address(0)); }
extern "C" unsigned char __VERIFIER_nondet_uchar(void) { return v::integer<unsigned char>(__builtin_return_address(0)); }
extern "C" short __VERIFIER_nondet_short(void) { return v::integer<short>(__builtin_return_address(0)); }
extern "C" unsigned short __VERIFIER_nondet_ushort(void) {
  return v::integer<unsigned short>(__builtin_return_address(0));
}
extern "C" int __VERIFIER_nondet_int(void) { return v::integer<int>(__builtin_return_address(0)); }
extern "C" unsigned int __VERIFIER_nondet_uint(void) { return v::integer<unsigned int>(__builtin_return_address(0)); }
extern "C" unsigned int __VERIFIER_nondet_unsigned(void) {
  return v::integer<unsigned int>(__builtin_return_address(0));
}
extern "C" long __VERIFIER_nondet_long(void) { return v::integer<long>(__builtin_return_address(0)); }
extern "C" unsigned long __VERIFIER_nondet_ulong(void) { return v::integer<unsigned long>(__builtin_return_address(0)); }
extern "C" long long __VERIFIER_nondet_longlong(void) { return v::integer<long long>(__builtin_return_address(0)); }
extern "C" unsigned long long __VERIFIER_nondet_ulonglong(void) {
  return v::integer<unsigned long long>(__builtin_return_address(0));
}
extern "C" size_t __VERIFIER_nondet_size_t(void) { return v::integer<std::size_t>(__builtin_return_address(0)); }
extern "C" float __VERIFIER_nondet_float(void) {
  return v::floating<float, std::uint32_t>(__builtin_return_address(0));
}
extern "C" double __VERIFIER_nondet_double(void) {
  return v::floating<double, std::uint64_t>(__builtin_return_address(0));
}
extern "C" void* __VERIFIER_nondet_pointer(void) { return v::pointer(__builtin_return_address(0)); }
