/* tinycc Armv7E-M / Armv8-M DSP kernels (Cortex-M4, M7, M33): the int8 GEMM of conv2d_s8 and fc_s8
 * (tinycc-source: tc_dsp.c -- a library whose kernels include this header compiles that file once
 * beside them) and the requantization all three kernels share (static inline).
 *
 * The packed 16-bit SIMD multiply-accumulate SMLAD adds two 16 x 16 products to a 32-bit
 * accumulator (wrapping, as the portable kernels' uint32 sums). Its operands:
 *  - activations minus the input zero point as int16 (x - in_zp fits: -255..255), widened once per
 *    GEMM row (an output pixel's receptive field, im2col; a fully connected layer's input row)
 *    into scratch, in their natural order, each row's length K padded with zeros to a multiple
 *    of 4 (Kp); a tap outside the image is 0, so nothing about padding reaches the bias;
 *  - weights as int8 packed at compile time (tinycc/backend_c.py, prepare_m4_gemm): output
 *    channels in pairs (an odd count padded with a zero channel), each row padded with zeros to
 *    Kp, every 4 weights w0 w1 w2 w3 stored as w0 w2 w1 w3 so that one 32-bit load gives
 *    SXTB16 -> (w0, w1) and SXTB16 ROR #8 -> (w2, w3), the pairs of the activations' two words;
 *    per pair of channels and group of 4, channel 0's word then channel 1's ([oc/2][Kp/4][2][4]);
 *  - the per-channel parameters in the bias buffer (the multiplier and shift buffers then unused),
 *    a flags word, then per pair of channels bias[2] and each channel's requantization record
 *    (tc_dsp_requant below, bit for bit TFLite Micro's).
 * The GEMM's inner loops are inline assembly (LDRD with write-back, SXTB16 ROR #8, SMLAD), since
 * the compiler spills with this many live registers: two rows, two channels, four accumulators (one
 * row, four channels, for a pixel left over).
 */
#ifndef TC_DSP_H
#define TC_DSP_H

#include <arm_acle.h>
#include <string.h>

#include "tc_internal.h"

/* SXTB16 with its operand rotated right by 8: bytes 1 and 3 sign-extended to two halfwords. */
static inline uint32_t tc_dsp_sxtb16_ror8(uint32_t x)
{
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}

/* The low halfwords of lo (bottom) and hi (top). */
static inline uint32_t tc_dsp_pkhbt(uint32_t lo, uint32_t hi)
{
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}

/* The high halfwords of lo (bottom) and hi (top). */
static inline uint32_t tc_dsp_pkhtb(uint32_t hi, uint32_t lo)
{
  uint32_t r;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(hi), "r"(lo));
  return r;
}

static inline uint32_t tc_dsp_load32(const void *p)
{
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* A 32-bit word of memory that may hold any type (packed weights, widened rows). */
typedef uint32_t tc_dsp_word __attribute__((may_alias));

/* The padded GEMM depth: K rounded up to a multiple of 4. */
static inline int32_t tc_dsp_kp(int32_t k)
{
  return (k + 3) & ~3;
}

/* GEMM rows in scratch: for every group of 4 int16 (2 words), row 0's words then, when there are
   two rows, row 1's (stride: 2 or 4 words per group), so that one pointer walks both. */
typedef struct {
  tc_dsp_word *base;  /* the row's first word */
  ptrdiff_t stride;   /* words per group of 4 values: 2 (one row) or 4 (two interleaved rows) */
} tc_dsp_row;

/* n zeros from value i of a row on. */
void tc_dsp_zero16(const tc_dsp_row *r, ptrdiff_t i, ptrdiff_t n);

/* n int8 values of src as int16 x - in_zp (off2: -in_zp in both halfwords) from value i of a row
   on. */
void tc_dsp_widen(const tc_dsp_row *r, ptrdiff_t i, const int8_t *src, ptrdiff_t n, int32_t in_zp, uint32_t off2);

/* A helper of the inner loops: inlined into each caller (its constant arguments folded) for speed,
   one function at -Os for size. */
#ifdef __OPTIMIZE_SIZE__
#define TC_DSP_HOT static __attribute__((noinline, unused))
#else
#define TC_DSP_HOT static inline __attribute__((always_inline))
#endif

/* Requantization, shared by the GEMM (conv2d_s8, fc_s8) and dwconv2d_s8. Every output channel
   has a record of TC_DSP_RQ int32 words, prepared at compile time (tinycc/backend_c.py,
   _m4_requant), with right and left TFLite's shift split (0..31 each):
     general: mult, left, right, mask = (1 << right) - 1;
     fast:    mult, right - 1, and the int64 2^30 + 2^(30 + right) + out_zp * 2^(31 + right) (low
              word, high word),
   "fast" when no channel shifts left, every channel shifts right by 1 to 23 (TFLite's shifts are
   mostly small and negative) and no multiplier is negative (TFLite's never are). The first word of
   the bias buffer says which (TC_DSP_FAST). */
#define TC_DSP_RQ 4
#define TC_DSP_FAST 1

/* MultiplyByQuantizedMultiplier of acc with the channel's record at r, bit-exact with tc_mbqm, plus
   the output zero point, saturated to int8 (SSAT); unclamped further when the activation bounds are
   the whole int8 range.
   General: the saturating rounding doubling high multiply is (v * mult + 2^30) >> 31 with the int64
   product, its only overflow (both operands INT32_MIN) saturated by a doubling QADD of the high word;
   the rounding right shift TFLite's (remainder against the half, one more for negatives); the zero
   point added with QADD.
   Fast (no left shift, 1 <= right <= 23, mult >= 0): with p = acc * mult + 2^30 and
   s = floor(p / 2^31), TFLite's result is floor((s + half - (s < 0)) / 2^right), half =
   2^(right - 1), which is floor((p + (half - (s < 0)) * 2^31) / 2^(31 + right)) (nested floors);
   plus out_zp it is the high word of the int64 acc * mult + 2^30 + 2^(30 + right) +
   out_zp * 2^(31 + right) - (acc < 0) * 2^31 (SMLAL onto the prepared constant, the sign correction
   with two shifted operands) shifted right by right - 1: that high word stays within int32 for
   right <= 23. (acc < 0) may differ from (s < 0) only when -2^30 <= acc * mult <= 0, where both give
   0; for acc = mult = INT32_MIN both forms give 2^(31 - right); so no remainder, no overflow check,
   no zero-point add. One assembly text (8 instructions, the record's two LDRD included). */
static inline __attribute__((always_inline)) int32_t tc_dsp_requant(int32_t acc, const int32_t *r, int32_t out_zp,
                                                                    const int fast)
{
  if (fast) {
    int32_t lo, hi, m, sh;
    __asm__("ldrd %[lo], %[hi], [%[r], #8]\n\t"
            "ldrd %[m], %[sh], [%[r]]\n\t"
            "smlal %[lo], %[hi], %[a], %[m]\n\t"
            "asr %[m], %[a], #31\n\t"
            "adds %[lo], %[lo], %[m], lsl #31\n\t"
            "adc %[hi], %[hi], %[m], asr #1\n\t"
            "asr %[hi], %[hi], %[sh]\n\t"
            "ssat %[hi], #8, %[hi]"
            : [lo] "=&r"(lo), [hi] "=&r"(hi), [m] "=&r"(m), [sh] "=&r"(sh)
            : [a] "r"(acc), [r] "r"(r), "m"(*(const int32_t(*)[TC_DSP_RQ])r)
            : "cc");
    return hi;
  } else {
    const int32_t v = tc_shl32(acc, (int)r[1]);
    const int64_t p = (int64_t)v * r[0] + ((int64_t)1 << 30);
    const int32_t hi = tc_s32((uint32_t)((uint64_t)p >> 32));
    const int32_t s = tc_s32((uint32_t)__qadd(hi, hi) | ((uint32_t)p >> 31));
    const int32_t mask = r[3];
    return __ssat(__qadd(tc_asr32(s, (int)r[2]) + ((s & mask) > (mask >> 1) - tc_asr32(s, 31)), out_zp), 8);
  }
}

/* Output bounds of a layer. */
typedef struct {
  int32_t out_zp, act_min, act_max;
} tc_dsp_q;

/* Words per pair of output channels in the GEMM's bias buffer: bias[2], then each channel's
   requantization record. */
#define TC_DSP_PAIR (2 + 2 * TC_DSP_RQ)

/* The GEMM rows of rows (two interleaved when rows->stride is 4, else one; kp int16 each, kp a
   multiple of 4 and > 0) times the packed weights (w, word aligned): y0[o] (and y1[o] for the
   second row) for every output channel o < oc; rq: the layer's bias buffer (its flags word, then
   per pair of channels TC_DSP_PAIR words). */
void tc_dsp_gemm(const tc_dsp_row *rows, int32_t kp, const int8_t *w, const int32_t *rq, int32_t oc, int8_t *y0,
                 int8_t *y1, const tc_dsp_q *q);

#endif
