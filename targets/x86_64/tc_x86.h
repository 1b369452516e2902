/* tinycc x86-64 kernels: what they share. Included by the translation units of one
 * instruction-set level each (tc_avx2.c, tc_avxvnni.c, tc_avx512vnni.c), which select the level
 * with `#pragma GCC target` before including this: the code below is then compiled for that level
 * only, in functions of its own, and tinycc.isa runs it where the CPU has it (the extension is
 * built for any x86-64 CPU).
 *
 * Here: the scalar TFLite fixed-point arithmetic and its version on 8 int32 lanes, used to
 * requantize int32 accumulators to int8, bit for bit as the NumPy reference (TFLite Micro).
 */
#ifndef TINYCC_X86_H
#define TINYCC_X86_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <immintrin.h>

#include "tc_internal.h"

/* the operands of an entry point, by the kernel table's index names (tinycc/kernels.py) */
#define TC_CONV_GEOMETRY(g, K)                                                                                \
  (g).n = ip[TCP_##K##_N], (g).h = ip[TCP_##K##_H], (g).w_ = ip[TCP_##K##_W], (g).c = ip[TCP_##K##_C],           \
  (g).oh = ip[TCP_##K##_OH], (g).ow = ip[TCP_##K##_OW], (g).oc = ip[TCP_##K##_OC], (g).kh = ip[TCP_##K##_KH],     \
  (g).kw = ip[TCP_##K##_KW], (g).sh = ip[TCP_##K##_SH], (g).sw = ip[TCP_##K##_SW], (g).dh = ip[TCP_##K##_DH],     \
  (g).dw = ip[TCP_##K##_DW], (g).pt = ip[TCP_##K##_PT], (g).pl = ip[TCP_##K##_PL]

/* a fully connected layer as the 1x1 convolution of `batches` pixels of `depth` channels */
#define TC_FC_GEOMETRY(g, K)                                                                                  \
  (g).n = ip[TCP_##K##_BATCHES], (g).h = 1, (g).w_ = 1, (g).c = ip[TCP_##K##_DEPTH], (g).oh = 1, (g).ow = 1,    \
  (g).oc = ip[TCP_##K##_UNITS], (g).kh = 1, (g).kw = 1, (g).sh = 1, (g).sw = 1, (g).dh = 1, (g).dw = 1,         \
  (g).pt = 0, (g).pl = 0

#define TC_S8_OPERANDS(g, K)                                                                                  \
  (g).x = (const int8_t *)buf[TCB_##K##_IN], (g).y = (int8_t *)buf[TCB_##K##_OUT],                            \
  (g).w = (const int8_t *)buf[TCB_##K##_W], (g).bias = (const int32_t *)buf[TCB_##K##_BIAS],                    \
  (g).mult = (const int32_t *)buf[TCB_##K##_MULT], (g).shift = (const int32_t *)buf[TCB_##K##_SHIFT],           \
  (g).act_min = ip[TCP_##K##_ACT_MIN], (g).act_max = ip[TCP_##K##_ACT_MAX], (g).in_zp = ip[TCP_##K##_IN_ZP],    \
  (g).out_zp = ip[TCP_##K##_OUT_ZP]

#define TC_F32_OPERANDS(g, K)                                                                                 \
  (g).x = (const float *)buf[TCB_##K##_IN], (g).y = (float *)buf[TCB_##K##_OUT],                              \
  (g).w = (const float *)buf[TCB_##K##_W], (g).bias = (const float *)buf[TCB_##K##_BIAS],                       \
  (g).act_min = fp[TCF_##K##_ACT_MIN], (g).act_max = fp[TCF_##K##_ACT_MAX]

/* a compile-time check (a negative array size when it fails) */
#define TC_X86_CHECK(name, cond) typedef char tc_x86_check_##name[(cond) ? 1 : -1]

#define TC_HAVE_AVX2 1

/* Keep a loaded vector in a register: without this gcc folds the load into each instruction
 * that uses it (one load per use), which makes the GEMM inner loops load-bound. */
#if defined(__GNUC__)
#define TC_IN_REGISTER(v) __asm__("" : "+x"(v))
#else
#define TC_IN_REGISTER(v) ((void)0)
#endif

#define tc_simd 1 /* the AVX2 paths of the level's code (the portable paths serve odd sizes) */

static inline ptrdiff_t tc_min(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

/* tc_tap_range (tc_internal.h) on ptrdiff_t sizes: filter taps [lo, hi) inside the input */
static inline void tc_tap_range_p(ptrdiff_t start, ptrdiff_t dilation, ptrdiff_t k, ptrdiff_t size, ptrdiff_t *lo,
                                  ptrdiff_t *hi) {
    int32_t l, h;
    tc_tap_range((int64_t)start, (int32_t)dilation, (int32_t)k, (int32_t)size, &l, &h);
    *lo = l, *hi = h;
}

/* The taps of output pixel (oy, ox) of convolution geometry g (a tc_conv_s8 or tc_conv_f32) that
   lie inside the input: rows [ky0, ky1), columns [kx0, kx1), each range empty as lo == hi. */
#define TC_WINDOW(g, oy, ox, ky0, ky1, kx0, kx1)                                                               \
    do {                                                                                                   \
        tc_tap_range_p((oy) * (g)->sh - (g)->pt, (g)->dh, (g)->kh, (g)->h, &(ky0), &(ky1));               \
        tc_tap_range_p((ox) * (g)->sw - (g)->pl, (g)->dw, (g)->kw, (g)->w_, &(kx0), &(kx1));              \
        if ((ky1) < (ky0)) (ky1) = (ky0);                                                                  \
        if ((kx1) < (kx0)) (kx1) = (kx0);                                                                  \
    } while (0)

/* Does a 1x1 convolution with these sizes read, for output pixels 0, 1, 2, ... (batch, row,
 * column order), the input pixels -pt * w, -pt * w + 1, ...: stride 1, no column padding,
 * whole rows, all inside the input? (A row-streamed call has oh = 1 and pt = -row.) */
static inline int tc_contiguous_1x1(ptrdiff_t n, ptrdiff_t h, ptrdiff_t w, ptrdiff_t oh, ptrdiff_t ow, ptrdiff_t kh,
                                    ptrdiff_t kw, ptrdiff_t sh, ptrdiff_t sw, ptrdiff_t pt, ptrdiff_t pl) {
    if (kh != 1 || kw != 1 || sh != 1 || sw != 1 || pl != 0 || ow != w || pt > 0 || oh - pt > h) return 0;
    return n == 1 || (pt == 0 && oh == h);  /* several images: all of each */
}

/* ---- TFLite fixed point ------------------------------------------------------------------------
 *
 * The scalar arithmetic is tc_internal.h's (the portable kernels'). SaturatingRoundingDoublingHighMul
 * is (a*b + nudge) / 2**31 with C division (toward zero) and nudge = 2**30 for a*b >= 0, 1 - 2**30
 * otherwise. For a*b < 0 the numerator is negative and division toward zero is
 * ceil((a*b + 1 - 2**30) / 2**31) = floor((a*b + 2**30) / 2**31); for a*b >= 0 it is
 * floor((a*b + 2**30) / 2**31) directly. So it is one arithmetic shift: (a*b + 2**30) >> 31 (except
 * a = b = INT32_MIN, which saturates). The vector versions below rely on this form; the tests
 * check them against the NumPy reference.
 */
#if TC_HAVE_AVX2
/* Requantization constants of one output: the clamp range without the zero point, and it. */
typedef struct {
    __m256i lo, hi, zp;
} tc_rq8;

static inline tc_rq8 tc_rq8_make(int32_t act_min, int32_t act_max, int32_t zp) {
    tc_rq8 r;
    r.lo = _mm256_set1_epi32(act_min - zp);
    r.hi = _mm256_set1_epi32(act_max - zp);
    r.zp = _mm256_set1_epi32(zp);
    return r;
}

/* MultiplyByQuantizedMultiplier on 8 lanes, each with its own multiplier and shift, in two
 * steps: tc_mbqm8_prepare derives from (multiplier, shift) what does not depend on the value
 * (once per block of channels), tc_mbqm8 applies it (once per output vector). */
typedef struct {
    __m256i mult, mult_odd;  /* the multipliers; those of the odd lanes moved to the even lanes */
    __m256i mult_is_min;     /* -1 where the multiplier is INT32_MIN (the only one that can saturate) */
    __m256i left, right;     /* shift counts, 0..31 (as tc_split_shift) */
    __m256i mask, half;      /* RoundingDivideByPOT: 2**right - 1 and its half */
} tc_mbqm8_c;

static inline tc_mbqm8_c tc_mbqm8_prepare(__m256i mult, __m256i shift) {
    const __m256i zero = _mm256_setzero_si256(), thirty_one = _mm256_set1_epi32(31), one = _mm256_set1_epi32(1);
    tc_mbqm8_c c;
    c.mult = mult;
    c.mult_odd = _mm256_srli_epi64(mult, 32);
    c.mult_is_min = _mm256_cmpeq_epi32(mult, _mm256_set1_epi32(INT32_MIN));
    c.left = _mm256_min_epi32(_mm256_max_epi32(shift, zero), thirty_one);
    c.right = _mm256_min_epi32(_mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero), thirty_one);
    c.mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, c.right), one);
    c.half = _mm256_srli_epi32(c.mask, 1);
    return c;
}

static inline __m256i tc_mbqm8(__m256i acc, const tc_mbqm8_c* c) {
    __m256i x = _mm256_sllv_epi32(acc, c->left);
    /* SaturatingRoundingDoublingHighMul: 64-bit products of the even and of the odd lanes,
     * (a*b + 2**30) >> 31, the low 32 bits of each put back in its lane */
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
    __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, c->mult), nudge);
    __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), c->mult_odd), nudge);
    __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(even, 31), _mm256_slli_epi64(odd, 1), 0xAA);
    /* a = b = INT32_MIN gave INT32_MIN; the saturated result is INT32_MAX = ~INT32_MIN */
    high = _mm256_xor_si256(high, _mm256_and_si256(_mm256_cmpeq_epi32(x, _mm256_set1_epi32(INT32_MIN)), c->mult_is_min));
    /* RoundingDivideByPOT: (x >> e) + ((x & mask) > half + (x < 0)) */
    __m256i threshold = _mm256_sub_epi32(c->half, _mm256_cmpgt_epi32(_mm256_setzero_si256(), high));
    __m256i round_up = _mm256_cmpgt_epi32(_mm256_and_si256(high, c->mask), threshold);
    return _mm256_sub_epi32(_mm256_srav_epi32(high, c->right), round_up);
}

/* tc_requant_s8 on 8 lanes (still int32: the caller packs them to bytes). */
static inline __m256i tc_requant8(__m256i acc, const tc_mbqm8_c* c, const tc_rq8* rq) {
    __m256i v = tc_mbqm8(acc, c);
    v = _mm256_min_epi32(_mm256_max_epi32(v, rq->lo), rq->hi);
    return _mm256_add_epi32(v, rq->zp);
}

/* the same, preparing the constants on the spot (for a vector used once) */
static inline __m256i tc_requant8_avx2(__m256i acc, __m256i mult, __m256i shift, const tc_rq8* rq) {
    tc_mbqm8_c c = tc_mbqm8_prepare(mult, shift);
    return tc_requant8(acc, &c, rq);
}

/* 16 int32 lanes in [-128, 127] (two vectors, channels 0..7 and 8..15) -> 16 bytes in order */
static inline __m128i tc_pack16_s8(__m256i a, __m256i b) {
    __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(a, b), 0xD8);
    return _mm_packs_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
}

/* 8 int32 lanes in [-128, 127] -> 8 bytes in the low half */
static inline __m128i tc_pack8_s8(__m256i a) {
    __m128i w = _mm_packs_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    return _mm_packs_epi16(w, w);
}
#endif /* TC_HAVE_AVX2 */

#endif /* TINYCC_X86_H */
