/* tinycc Armv7E-M / Armv8-M DSP kernels (Cortex-M4, M7, M33): shared static inline helpers
 * (header only) for the int8 GEMM of conv2d_s8 and fc_s8.
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
 *    per pair of channels and group of 4, channel 0's word then channel 1's ([oc/2][Kp/4][2][4]).
 * The bias, multiplier and shift buffers are TFLite's, unchanged: requantization is
 * tc_requant_s8 (tc_internal.h), bit for bit TFLite Micro's.
 */
#ifndef TC_DSP_H
#define TC_DSP_H

#include <arm_acle.h>
#include <string.h>

#include "tc_internal.h"

/* conv2d_s8 and fc_s8 share the GEMM: their constant buffers are at the same places */
TC_SAME_BUF(CONV2D_S8, FC_S8, W);
TC_SAME_BUF(CONV2D_S8, FC_S8, BIAS);
TC_SAME_BUF(CONV2D_S8, FC_S8, MULT);
TC_SAME_BUF(CONV2D_S8, FC_S8, SHIFT);

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

/* The word holding values 2j and 2j + 1 of a row. */
static inline tc_dsp_word *tc_dsp_word_at(const tc_dsp_row *r, ptrdiff_t j)
{
  return r->base + (j >> 1) * r->stride + (j & 1);
}

/* Value i of a row. */
static inline void tc_dsp_set16(const tc_dsp_row *r, ptrdiff_t i, int32_t v)
{
  tc_dsp_word *const d = tc_dsp_word_at(r, i >> 1);
  const uint32_t sh = (uint32_t)(i & 1) * 16u;
  *d = (*d & ~(0xFFFFu << sh)) | (((uint32_t)v & 0xFFFFu) << sh);
}

/* n zeros from value i on. */
static inline void tc_dsp_zero16(const tc_dsp_row *r, ptrdiff_t i, ptrdiff_t n)
{
  if (n > 0 && (i & 1)) {
    tc_dsp_set16(r, i++, 0);
    n--;
  }
  for (; n >= 2; n -= 2, i += 2)
    *tc_dsp_word_at(r, i >> 1) = 0;
  if (n > 0)
    tc_dsp_set16(r, i, 0);
}

/* n int8 values of src as int16 x - in_zp (off2: -in_zp in both halfwords) from value i of a row
   on. */
static inline void tc_dsp_widen(const tc_dsp_row *r, ptrdiff_t i, const int8_t *src, ptrdiff_t n, int32_t in_zp,
                                uint32_t off2)
{
  if (n > 0 && (i & 1)) {
    tc_dsp_set16(r, i++, *src++ - in_zp);
    n--;
  }
  if (n >= 4) {
    /* words j and j + 1 (j = i / 2): adjacent when j is even, else across a group boundary */
    tc_dsp_word *d = tc_dsp_word_at(r, i >> 1);
    const ptrdiff_t next = (i & 2) ? r->stride - 1 : 1;
    for (; n >= 4; n -= 4, src += 4, i += 4, d += r->stride) {
      const uint32_t v = tc_dsp_load32(src);
      const uint32_t a = __sadd16(__sxtb16(v), off2);           /* x0, x2 */
      const uint32_t b = __sadd16(tc_dsp_sxtb16_ror8(v), off2); /* x1, x3 */
      d[0] = tc_dsp_pkhbt(a, b);
      d[next] = tc_dsp_pkhtb(b, a);
    }
  }
  for (; n > 0; n--)
    tc_dsp_set16(r, i++, *src++ - in_zp);
}

/* Output bounds of a layer, relative to its zero point. */
typedef struct {
  int32_t out_zp, act_min, act_max;
} tc_dsp_q;

/* The GEMM rows of rows (two interleaved when rows->stride is 4, else one; kp int16 each, kp a
   multiple of 4) times the packed weights: y0[o] (and y1[o] for the second row) for every output
   channel o < oc. */
static inline void tc_dsp_gemm(const tc_dsp_row *rows, int32_t kp, const int8_t *w, const int32_t *bias,
                               const int32_t *mult, const int32_t *shift, int32_t oc, int8_t *y0, int8_t *y1,
                               const tc_dsp_q *q)
{
  const int32_t kq = kp >> 2;
  const tc_dsp_word *wp = (const tc_dsp_word *)(const void *)w;
  int32_t o;
  for (o = 0; o < oc; o += 2) {
    const int last = o + 1 >= oc;
    const tc_dsp_word *p = rows->base;
    int32_t s00 = bias[o], s10 = last ? 0 : bias[o + 1], k;
    if (rows->stride == 4) {
      int32_t s01 = s00, s11 = s10;
      for (k = kq; k > 0; k--, wp += 2, p += 4) {
        const uint32_t x0 = p[0], x1 = p[1], z0 = p[2], z1 = p[3];
        uint32_t lo = wp[0], hi = tc_dsp_sxtb16_ror8(lo);
        lo = __sxtb16(lo);
        s00 = __smlad(x0, lo, s00);
        s00 = __smlad(x1, hi, s00);
        s01 = __smlad(z0, lo, s01);
        s01 = __smlad(z1, hi, s01);
        lo = wp[1];
        hi = tc_dsp_sxtb16_ror8(lo);
        lo = __sxtb16(lo);
        s10 = __smlad(x0, lo, s10);
        s10 = __smlad(x1, hi, s10);
        s11 = __smlad(z0, lo, s11);
        s11 = __smlad(z1, hi, s11);
      }
      y1[o] = tc_requant_s8((uint32_t)s01, mult[o], shift[o], q->out_zp, q->act_min, q->act_max);
      if (!last)
        y1[o + 1] = tc_requant_s8((uint32_t)s11, mult[o + 1], shift[o + 1], q->out_zp, q->act_min, q->act_max);
    } else {
      for (k = kq; k > 0; k--, wp += 2, p += 2) {
        const uint32_t x0 = p[0], x1 = p[1], wa = wp[0], wb = wp[1];
        s00 = __smlad(x0, __sxtb16(wa), s00);
        s00 = __smlad(x1, tc_dsp_sxtb16_ror8(wa), s00);
        s10 = __smlad(x0, __sxtb16(wb), s10);
        s10 = __smlad(x1, tc_dsp_sxtb16_ror8(wb), s10);
      }
    }
    y0[o] = tc_requant_s8((uint32_t)s00, mult[o], shift[o], q->out_zp, q->act_min, q->act_max);
    if (!last)
      y0[o + 1] = tc_requant_s8((uint32_t)s10, mult[o + 1], shift[o + 1], q->out_zp, q->act_min, q->act_max);
  }
}

#endif
