/* tinycc x86-64 kernels at the AVX-VNNI level (AVX2, FMA and the VEX-encoded VNNI on 256-bit
 * vectors: Alder Lake, Sapphire Rapids, Zen 5 and later): the entry points tc_<kernel>_avxvnni,
 * the AVX2 level's code (tc_x86_entry.h) with each int16 dot-product-accumulate of its int8
 * kernels one vpdpwssd (TC_DPWSSD, tc_x86_s8.h), compiled for that level whatever the build
 * machine is. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma,avxvnni"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,avxvnni")
#endif

#define TC_LEVEL_AVXVNNI 1
#define TC_ISA(name) tc_##name##_avxvnni
#include "tc_x86_entry.h"

#include "tc_x86_level_end.h"
#else
typedef int tc_avxvnni_unused; /* not x86-64 with GCC or clang: nothing here (ISO C: no empty file) */
#endif
