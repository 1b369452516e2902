/* tinycc x86-64 kernels at the AVX2 level (AVX2 and FMA: Haswell and later, Zen and later): the
 * entry points tc_<kernel>_avx2, compiled for that level whatever the build machine is. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

#define TC_ISA(name) tc_##name##_avx2
#include "tc_x86_entry.h"

#include "tc_x86_level_end.h"
#else
typedef int tc_avx2_unused; /* not x86-64 with GCC or clang: nothing here (ISO C: no empty file) */
#endif
