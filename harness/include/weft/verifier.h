/* <weft/verifier.h>: the functions verification benchmarks in the SV-COMP
 * style expect, for C and C++. Link weft::verifier (weft_add_program_test
 * does). Inside a weft execution:
 *   - __VERIFIER_nondet_<type>() returns a value chosen by the strategy and
 *     recorded in the schedule, so a replay token reproduces it. The choice
 *     is biased: a quarter of the time a small value, a quarter a boundary
 *     of the type, half the time uniform over all its bits.
 *   - __VERIFIER_assume(c) with c false discards the execution: it is not a
 *     failure, is counted in weft::Report::discarded, and nothing after it runs.
 *   - __VERIFIER_atomic_begin() ... __VERIFIER_atomic_end(): no other thread
 *     runs in between, unless the thread blocks inside (docs/c-programs.md).
 *   - reach_error() and __VERIFIER_error() fail the execution with kind
 *     AssertionFailed.
 * Outside an execution, nondet values are 0, atomic sections do nothing, and
 * a failing assumption or reach_error() prints a line and aborts. */
#ifndef WEFT_VERIFIER_H
#define WEFT_VERIFIER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#define WEFT_VERIFIER_BOOL bool
#define WEFT_VERIFIER_NORETURN [[noreturn]]
#else
#define WEFT_VERIFIER_BOOL _Bool
#define WEFT_VERIFIER_NORETURN _Noreturn
#endif

WEFT_VERIFIER_BOOL __VERIFIER_nondet_bool(void);
char __VERIFIER_nondet_char(void);
unsigned char __VERIFIER_nondet_uchar(void);
short __VERIFIER_nondet_short(void);
unsigned short __VERIFIER_nondet_ushort(void);
int __VERIFIER_nondet_int(void);
unsigned int __VERIFIER_nondet_uint(void);
unsigned int __VERIFIER_nondet_unsigned(void);
long __VERIFIER_nondet_long(void);
unsigned long __VERIFIER_nondet_ulong(void);
long long __VERIFIER_nondet_longlong(void);
unsigned long long __VERIFIER_nondet_ulonglong(void);
size_t __VERIFIER_nondet_size_t(void);
float __VERIFIER_nondet_float(void);
double __VERIFIER_nondet_double(void);
/* __VERIFIER_nondet_pointer returns NULL or a pointer to 64 zeroed bytes
 * that weft owns (one block shared by every call). */
void* __VERIFIER_nondet_pointer(void);

void __VERIFIER_assume(int condition);
void __VERIFIER_atomic_begin(void);
void __VERIFIER_atomic_end(void);

WEFT_VERIFIER_NORETURN void reach_error(void);
WEFT_VERIFIER_NORETURN void __VERIFIER_error(void);

#undef WEFT_VERIFIER_BOOL
#undef WEFT_VERIFIER_NORETURN
#ifdef __cplusplus
}
#endif

#endif
