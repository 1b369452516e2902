/* tinycc Armv7E-M / Armv8-M DSP kernels (Cortex-M4, M7, M33): the GEMM rows and the int8 GEMM of
 * conv2d_s8, fc_s8 and conv_s16, and the requantization they and dwconv2d_s8 share; at -Os the row
 * builders and the GEMM are compiled once, in tc_dsp.c (tinycc-source: tc_dsp.c -- a library whose
 * kernels include this header compiles that file beside them).
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

/* SXTAB16 with its second operand rotated right by 8 bits: bytes 1 and 3 of b, sign-extended, added
   to the two halfwords of a (the rotation is part of the instruction, which GCC's intrinsic does not
   fold). */
static inline int32_t tc_dsp_sxtab16_ror8(int32_t a, uint32_t b)
{
  int32_t r;
  __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

/* 32-bit loads and stores at any alignment (a single LDR / STR: the core allows unaligned ones). */
static inline uint32_t tc_dsp_load32(const void *p)
{
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static inline void tc_dsp_store32(void *p, uint32_t v)
{
  memcpy(p, &v, 4);
}

/* An int8 value in the four bytes of a word. */
static inline uint32_t tc_dsp_dup4(int32_t v)
{
  return ((uint32_t)v & 0xFFu) * 0x01010101u;
}

/* The lane-wise maximum and minimum of 4 int8 lanes: SSUB8 sets the GE flag of the lanes where a >= b,
   SEL takes those lanes from its first operand. */
static inline __attribute__((always_inline)) uint32_t tc_dsp_max4(uint32_t a, uint32_t b)
{
  (void)__ssub8((int32_t)a, (int32_t)b);
  return __sel(a, b);
}

static inline __attribute__((always_inline)) uint32_t tc_dsp_min4(uint32_t a, uint32_t b)
{
  (void)__ssub8((int32_t)a, (int32_t)b);
  return __sel(b, a);
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

/* A convolution's im2col (conv2d_s8, and conv_s16 with dm 0, whose geometry parameters have the same
   indices), read once per call: es 1, int8 x widened to x - in_zp (off2: -in_zp in both halfwords);
   es 2, int16 x copied. */
typedef struct {
  const int8_t *x;
  int32_t h, wd, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl, in_zp, kp;
  uint32_t off2;
  int direct; /* 1x1, every input pixel inside the image: a row is the pixel's channels */
} tc_dsp_conv;

/* A helper of the inner loops: inlined into each caller (its constant arguments folded) for speed,
   one function at -Os for size. */
#ifdef __OPTIMIZE_SIZE__
#define TC_DSP_HOT static __attribute__((noinline, unused))
#else
#define TC_DSP_HOT static inline __attribute__((always_inline))
#endif

/* One channel's weight word W (4 weights) times one group of both rows (x0 x1, z0 z1): SXTB16 twice,
   4 SMLAD onto the channel's accumulators S0 (row 0) and S1 (row 1). */
#define TC_DSP_CHANNEL_2X(W, S0, S1)                                                                               \
  "sxtb16 %[t], %[" W "]\n\t"                                                                                      \
  "sxtb16 %[" W "], %[" W "], ror #8\n\t"                                                                           \
  "smlad %[" S0 "], %[x0], %[t], %[" S0 "]\n\t"                                                                     \
  "smlad %[" S1 "], %[z0], %[t], %[" S1 "]\n\t"                                                                     \
  "smlad %[" S0 "], %[x1], %[" W "], %[" S0 "]\n\t"                                                                 \
  "smlad %[" S1 "], %[z1], %[" W "], %[" S1 "]\n\t"
#define TC_DSP_ROWS_2X                                                                                             \
  "ldrd %[x0], %[x1], [%[p]], #8\n\t"                                                                              \
  "ldrd %[z0], %[z1], [%[p]], #8\n\t"

/* One group of 4 values of two interleaved rows times a pair of channels: both rows' words, each
   channel's weight word, 8 SMLAD (13 registers: fits with a frame pointer too, -O0). */
#define TC_DSP_GROUP_2X2                                                                                           \
  TC_DSP_ROWS_2X "ldr %[w0], [%[wp]], #4\n\t" TC_DSP_CHANNEL_2X("w0", "s00", "s01")                              \
  "ldr %[w0], [%[wp]], #4\n\t" TC_DSP_CHANNEL_2X("w0", "s10", "s11")
/* The same with both channels' weight words in one LDRD (14 registers: optimized builds only). */
#define TC_DSP_GROUP_2X2_D                                                                                         \
  TC_DSP_ROWS_2X "ldrd %[w0], %[w1], [%[wp]], #8\n\t" TC_DSP_CHANNEL_2X("w0", "s00", "s01")                      \
  TC_DSP_CHANNEL_2X("w1", "s10", "s11")
#define TC_DSP_OPERANDS_2X2                                                                                        \
  [s00] "+r"(s00), [s01] "+r"(s01), [s10] "+r"(s10), [s11] "+r"(s11), [p] "+r"(p), [wp] "+r"(wp), [x0] "=&r"(x0), \
      [x1] "=&r"(x1), [z0] "=&r"(z0), [z1] "=&r"(z1), [w0] "=&r"(w0), [t] "=&r"(t)

/* Kq groups of two interleaved GEMM rows from p (stride 4) times a pair of output channels' packed
   weights from *wpp (advanced past them), added to the accumulators: *a00, *a01 channel 0's of rows
   0 and 1, *a10, *a11 channel 1's. An odd group first, then two groups per iteration. */
TC_DSP_HOT void tc_dsp_dot_2x2(const tc_dsp_word *p, int32_t kq, const tc_dsp_word **wpp, int32_t *a00, int32_t *a01,
                               int32_t *a10, int32_t *a11)
{
  const tc_dsp_word *const end = p + 4 * (ptrdiff_t)kq;
  const tc_dsp_word *wp = *wpp;
  int32_t s00 = *a00, s01 = *a01, s10 = *a10, s11 = *a11;
  uint32_t x0, x1, z0, z1, w0, t;
  if (kq & 1)
    __asm__(TC_DSP_GROUP_2X2 : TC_DSP_OPERANDS_2X2 : [end] "r"(end) : "cc", "memory");
#ifdef __OPTIMIZE__
  if (kq > 1) {
    uint32_t w1;
    __asm__("1:\n\t" TC_DSP_GROUP_2X2_D TC_DSP_GROUP_2X2_D "cmp %[p], %[end]\n\tbne 1b"
            : TC_DSP_OPERANDS_2X2, [w1] "=&r"(w1) : [end] "r"(end) : "cc", "memory");
  }
#else
  if (kq > 1)
    __asm__("1:\n\t" TC_DSP_GROUP_2X2 TC_DSP_GROUP_2X2 "cmp %[p], %[end]\n\tbne 1b"
            : TC_DSP_OPERANDS_2X2 : [end] "r"(end) : "cc", "memory");
#endif
  *a00 = s00, *a01 = s01, *a10 = s10, *a11 = s11;
  *wpp = wp;
}

/* Kq groups of one GEMM row from p (stride 2) times a pair of output channels' packed weights from
   *wpp (advanced past them), added to the accumulators *a00 (channel 0) and *a10 (channel 1); kq >= 1. */
TC_DSP_HOT void tc_dsp_dot_1x2(const tc_dsp_word *p, int32_t kq, const tc_dsp_word **wpp, int32_t *a00, int32_t *a10)
{
  const tc_dsp_word *const end = p + 2 * (ptrdiff_t)kq;
  const tc_dsp_word *wp = *wpp;
  int32_t s00 = *a00, s10 = *a10;
  uint32_t x0, x1, w0, w1, t;
  __asm__("1:\n\t"
          "ldrd %[x0], %[x1], [%[p]], #8\n\t"
          "ldrd %[w0], %[w1], [%[wp]], #8\n\t"
          "sxtb16 %[t], %[w0]\n\t"
          "sxtb16 %[w0], %[w0], ror #8\n\t"
          "smlad %[s00], %[x0], %[t], %[s00]\n\t"
          "sxtb16 %[t], %[w1]\n\t"
          "sxtb16 %[w1], %[w1], ror #8\n\t"
          "smlad %[s00], %[x1], %[w0], %[s00]\n\t"
          "smlad %[s10], %[x0], %[t], %[s10]\n\t"
          "smlad %[s10], %[x1], %[w1], %[s10]\n\t"
          "cmp %[p], %[end]\n\t"
          "bne 1b"
          : [s00] "+r"(s00), [s10] "+r"(s10), [p] "+r"(p), [wp] "+r"(wp), [x0] "=&r"(x0), [x1] "=&r"(x1),
            [w0] "=&r"(w0), [w1] "=&r"(w1), [t] "=&r"(t)
          : [end] "r"(end)
          : "cc", "memory");
  *a00 = s00, *a10 = s10;
  *wpp = wp;
}

/* A channel's int8 output from its accumulator (record r); full: act_min, act_max are -128, 127. */
TC_DSP_HOT int8_t tc_dsp_out(int32_t acc, const int32_t *r, const tc_dsp_q *q, const int fast, const int full)
{
  const int32_t v = tc_dsp_requant(acc, r, q->out_zp, fast);
  return (int8_t)(full ? v : tc_clamp32(v, q->act_min, q->act_max));
}

/* The row builders and the GEMM, shared by conv2d_s8, fc_s8 and conv_s16: inlined into them for speed
   (the GEMM with one copy per requantization form: fast or general, clamped or not); at -Os defined
   once, in tc_dsp.c, the GEMM taking the form as arguments. */
#if defined(__OPTIMIZE_SIZE__) && !defined(TC_DSP_HERE)
/* n zeros from value i of a row on. */
void tc_dsp_zero16(const tc_dsp_row *r, ptrdiff_t i, ptrdiff_t n);
/* n values of src from value i of a row on: es 1, int8 widened to int16 x - in_zp (off2: -in_zp in
   both halfwords); es 2, int16 copied (any alignment of src). */
void tc_dsp_fill(const tc_dsp_row *r, ptrdiff_t i, const void *src, ptrdiff_t n, int32_t in_zp, uint32_t off2,
                 const int es);
/* A convolution's im2col geometry from its parameters. */
void tc_dsp_conv_init(tc_dsp_conv *g, const void *x, const int32_t *ip, int32_t in_zp);
/* The GEMM row of output pixel pix. */
void tc_dsp_conv_row(const tc_dsp_conv *g, const tc_dsp_row *row, int32_t pix, const int es);
/* The GEMM rows of output pixels pix and, when pix + 1 < npix, pix + 1 in scratch. */
tc_dsp_row tc_dsp_conv_rows(const tc_dsp_conv *g, void *scratch, int32_t pix, int32_t npix, const int es);
/* The GEMM rows of rows times the packed weights (the bias buffer rq: its flags word, then per pair
   of channels TC_DSP_PAIR words): y0[o] (and y1[o]) for every output channel o < oc. */
void tc_dsp_gemm(const tc_dsp_row *rows, int32_t kp, const int8_t *w, const int32_t *rq, int32_t oc, int8_t *y0,
                 int8_t *y1, const tc_dsp_q *q);
#else
#ifdef __OPTIMIZE_SIZE__
#define TC_DSP_FN /* tc_dsp.c: the one definition */
#else
#define TC_DSP_FN static inline
#endif

/* n zeros from value i on. */
TC_DSP_FN void tc_dsp_zero16(const tc_dsp_row *r, ptrdiff_t i, ptrdiff_t n)
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

/* n values of src from value i of a row on: es 1, int8 widened to int16 x - in_zp (off2: -in_zp in
   both halfwords); es 2, int16 copied (any alignment of src). */
TC_DSP_FN void tc_dsp_fill(const tc_dsp_row *r, ptrdiff_t i, const void *src, ptrdiff_t n, int32_t in_zp,
                               uint32_t off2, const int es)
{
  const int8_t *s8 = (const int8_t *)src;
  const int16_t *s16 = (const int16_t *)src;
  if (n > 0 && (i & 1)) {
    tc_dsp_set16(r, i++, es == 1 ? *s8++ - in_zp : *s16++);
    n--;
  }
  if (n >= 4) {
    /* words j and j + 1 (j = i / 2): adjacent when j is even, else across a group boundary */
    tc_dsp_word *d = tc_dsp_word_at(r, i >> 1);
    const ptrdiff_t next = (i & 2) ? r->stride - 1 : 1;
    for (; n >= 4; n -= 4, s8 += 4, s16 += 4, i += 4, d += r->stride) {
      if (es == 1) {
        const uint32_t v = tc_dsp_load32(s8);
        const uint32_t a = __sadd16(__sxtb16(v), off2);           /* x0, x2 */
        const uint32_t b = __sadd16(tc_dsp_sxtb16_ror8(v), off2); /* x1, x3 */
        d[0] = tc_dsp_pkhbt(a, b);
        d[next] = tc_dsp_pkhtb(b, a);
      } else {
        d[0] = tc_dsp_load32(s16);
        d[next] = tc_dsp_load32(s16 + 2);
      }
    }
  }
  for (; n > 0; n--)
    tc_dsp_set16(r, i++, es == 1 ? *s8++ - in_zp : *s16++);
}

TC_DSP_FN void tc_dsp_conv_init(tc_dsp_conv *g, const void *x, const int32_t *ip, int32_t in_zp)
{
  g->x = (const int8_t *)x;
  g->h = ip[TCP_CONV2D_S8_H], g->wd = ip[TCP_CONV2D_S8_W], g->c = ip[TCP_CONV2D_S8_C];
  g->oh = ip[TCP_CONV2D_S8_OH], g->ow = ip[TCP_CONV2D_S8_OW], g->kh = ip[TCP_CONV2D_S8_KH];
  g->kw = ip[TCP_CONV2D_S8_KW], g->sh = ip[TCP_CONV2D_S8_SH], g->sw = ip[TCP_CONV2D_S8_SW];
  g->dh = ip[TCP_CONV2D_S8_DH], g->dw = ip[TCP_CONV2D_S8_DW], g->pt = ip[TCP_CONV2D_S8_PT];
  g->pl = ip[TCP_CONV2D_S8_PL], g->in_zp = in_zp, g->kp = tc_dsp_kp(g->kh * g->kw * g->c);
  g->off2 = (uint32_t)(-in_zp & 0xFFFF) * 0x10001u;
  g->direct = g->kh == 1 && g->kw == 1 && g->pt <= 0 && g->pl <= 0 && (int64_t)(g->oh - 1) * g->sh - g->pt < g->h &&
              (int64_t)(g->ow - 1) * g->sw - g->pl < g->wd;
}

/* The GEMM row of output pixel `pix` (of n * oh * ow): its receptive field (a tap outside the image
   is 0), kh * kw * c values padded with zeros to Kp. */
TC_DSP_FN void tc_dsp_conv_row(const tc_dsp_conv *g, const tc_dsp_row *row, int32_t pix, const int es)
{
  const int32_t wd = g->wd, c = g->c, kw = g->kw, dw = g->dw;
  const int32_t b = pix / (g->oh * g->ow), oy = (pix - b * g->oh * g->ow) / g->ow, ox = pix - (b * g->oh + oy) * g->ow;
  const int64_t iy0 = (int64_t)oy * g->sh - g->pt, ix0 = (int64_t)ox * g->sw - g->pl;
  const ptrdiff_t rowlen = (ptrdiff_t)kw * c, k = (ptrdiff_t)g->kh * rowlen;
  const int8_t *const xb = g->x + (ptrdiff_t)b * g->h * wd * c * es; /* the pixel's image */
  int32_t ky0, ky1, kx0, kx1, ky, kx;
  if (g->direct) {
    tc_dsp_fill(row, 0, xb + ((ptrdiff_t)iy0 * wd + (ptrdiff_t)ix0) * c * es, c, g->in_zp, g->off2, es);
    tc_dsp_zero16(row, c, g->kp - c);
    return;
  }
  tc_tap_range(iy0, g->dh, g->kh, g->h, &ky0, &ky1);
  tc_tap_range(ix0, dw, kw, wd, &kx0, &kx1);
  if (kx1 <= kx0)
    ky1 = ky0; /* no column inside the image: every tap is padding */
  tc_dsp_zero16(row, 0, (ptrdiff_t)ky0 * rowlen);
  for (ky = ky0; ky < ky1; ky++) {
    const int8_t *const xr = xb + (ptrdiff_t)(iy0 + (int64_t)ky * g->dh) * wd * c * es;
    const ptrdiff_t base = (ptrdiff_t)ky * rowlen;
    tc_dsp_zero16(row, base, (ptrdiff_t)kx0 * c);
    if (dw == 1) /* the valid taps of this filter row are contiguous in the input */
      tc_dsp_fill(row, base + (ptrdiff_t)kx0 * c, xr + (ptrdiff_t)(ix0 + kx0) * c * es, (ptrdiff_t)(kx1 - kx0) * c,
                  g->in_zp, g->off2, es);
    else
      for (kx = kx0; kx < kx1; kx++)
        tc_dsp_fill(row, base + (ptrdiff_t)kx * c, xr + (ptrdiff_t)(ix0 + (int64_t)kx * dw) * c * es, c, g->in_zp,
                    g->off2, es);
    tc_dsp_zero16(row, base + (ptrdiff_t)kx1 * c, (ptrdiff_t)(kw - kx1) * c);
  }
  /* the rows below the image, and the padding of K to Kp */
  tc_dsp_zero16(row, (ptrdiff_t)ky1 * rowlen, k - (ptrdiff_t)ky1 * rowlen + (g->kp - k));
}

/* The GEMM rows of output pixels pix and, when pix + 1 < npix, pix + 1 in scratch (interleaved:
   stride 4; else one row, stride 2). */
TC_DSP_FN tc_dsp_row tc_dsp_conv_rows(const tc_dsp_conv *g, void *scratch, int32_t pix, int32_t npix,
                                          const int es)
{
  const int two = pix + 1 < npix;
  const tc_dsp_row rows = {(tc_dsp_word *)scratch, two ? 4 : 2}, second = {(tc_dsp_word *)scratch + 2, 4};
  int i;
  for (i = 0; i <= two; i++)
    tc_dsp_conv_row(g, i ? &second : &rows, pix + i, es);
  return rows;
}

/* The GEMM rows of rows (two interleaved when rows->stride is 4, else one; kp int16 each, kp a
   multiple of 4 and > 0) times the packed weights: y0[o] (and y1[o] for the second row) for every
   output channel o < oc. rq: per pair of channels TC_DSP_PAIR words. The rows and the weights are
   word aligned (LDRD). */
static inline __attribute__((always_inline)) void tc_dsp_gemm_k(const tc_dsp_row *rows, int32_t kp, const int8_t *w,
                                                                const int32_t *rq, int32_t oc, int8_t *y0, int8_t *y1,
                                                                const tc_dsp_q *q, const int fast, const int full)
{
  const tc_dsp_word *wp = (const tc_dsp_word *)(const void *)w;
  const int32_t kq = kp >> 2;
  int32_t o = 0;
#if defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__) /* 13 registers: no frame pointer (-O0); not at -Os (size) */
  if (rows->stride == 2) {
    const tc_dsp_word *const end = rows->base + (ptrdiff_t)kq * 2;
    /* one row: four channels (two pairs, their weights kq groups apart) a pass over the row, one
       load of each row word for 16 products */
    for (; o + 4 <= oc; o += 4, rq += 2 * TC_DSP_PAIR, wp += 2 * 2 * kq) {
      const tc_dsp_word *p = rows->base, *wa = wp, *wb = wp + 2 * kq;
      int32_t s0 = rq[0], s1 = rq[1], s2 = rq[TC_DSP_PAIR], s3 = rq[TC_DSP_PAIR + 1];
      uint32_t x0, x1, w0, w1, t;
      __asm__("1:\n\t"
              "ldrd %[x0], %[x1], [%[p]], #8\n\t"
              "ldrd %[w0], %[w1], [%[wa]], #8\n\t"
              "sxtb16 %[t], %[w0]\n\t"
              "sxtb16 %[w0], %[w0], ror #8\n\t"
              "smlad %[s0], %[x0], %[t], %[s0]\n\t"
              "sxtb16 %[t], %[w1]\n\t"
              "sxtb16 %[w1], %[w1], ror #8\n\t"
              "smlad %[s0], %[x1], %[w0], %[s0]\n\t"
              "smlad %[s1], %[x0], %[t], %[s1]\n\t"
              "smlad %[s1], %[x1], %[w1], %[s1]\n\t"
              "ldrd %[w0], %[w1], [%[wb]], #8\n\t"
              "sxtb16 %[t], %[w0]\n\t"
              "sxtb16 %[w0], %[w0], ror #8\n\t"
              "smlad %[s2], %[x0], %[t], %[s2]\n\t"
              "sxtb16 %[t], %[w1]\n\t"
              "sxtb16 %[w1], %[w1], ror #8\n\t"
              "smlad %[s2], %[x1], %[w0], %[s2]\n\t"
              "smlad %[s3], %[x0], %[t], %[s3]\n\t"
              "smlad %[s3], %[x1], %[w1], %[s3]\n\t"
              "cmp %[p], %[end]\n\t"
              "bne 1b"
              : [s0] "+r"(s0), [s1] "+r"(s1), [s2] "+r"(s2), [s3] "+r"(s3), [p] "+r"(p), [wa] "+r"(wa),
                [wb] "+r"(wb), [x0] "=&r"(x0), [x1] "=&r"(x1), [w0] "=&r"(w0), [w1] "=&r"(w1), [t] "=&r"(t)
              : [end] "r"(end)
              : "cc", "memory");
      y0[o] = tc_dsp_out(s0, rq + 2, q, fast, full);
      y0[o + 1] = tc_dsp_out(s1, rq + 2 + TC_DSP_RQ, q, fast, full);
      y0[o + 2] = tc_dsp_out(s2, rq + TC_DSP_PAIR + 2, q, fast, full);
      y0[o + 3] = tc_dsp_out(s3, rq + TC_DSP_PAIR + 2 + TC_DSP_RQ, q, fast, full);
    }
  }
#endif
  for (; o < oc; o += 2, rq += TC_DSP_PAIR) {
    const int last = o + 1 >= oc;
    const tc_dsp_word *p = rows->base;
    int32_t s00 = rq[0], s10 = rq[1];
    const int32_t *const r0 = rq + 2, *const r1 = rq + 2 + TC_DSP_RQ;
    if (rows->stride == 4) {
      int32_t s01 = s00, s11 = s10;
      tc_dsp_dot_2x2(p, kq, &wp, &s00, &s01, &s10, &s11);
      y1[o] = tc_dsp_out(s01, r0, q, fast, full);
      if (!last)
        y1[o + 1] = tc_dsp_out(s11, r1, q, fast, full);
    } else {
      tc_dsp_dot_1x2(p, kq, &wp, &s00, &s10);
    }
    y0[o] = tc_dsp_out(s00, r0, q, fast, full);
    if (!last)
      y0[o + 1] = tc_dsp_out(s10, r1, q, fast, full);
  }
}

/* tc_dsp_gemm_k for a layer's bias buffer (its flags word, then the pairs' words). */
TC_DSP_FN void tc_dsp_gemm(const tc_dsp_row *rows, int32_t kp, const int8_t *w, const int32_t *rq, int32_t oc,
                               int8_t *y0, int8_t *y1, const tc_dsp_q *q)
{
  if (!(rq[0] & TC_DSP_FAST))
    tc_dsp_gemm_k(rows, kp, w, rq + 1, oc, y0, y1, q, 0, 0);
  else if (q->act_min == -128 && q->act_max == 127)
    tc_dsp_gemm_k(rows, kp, w, rq + 1, oc, y0, y1, q, 1, 1);
  else
    tc_dsp_gemm_k(rows, kp, w, rq + 1, oc, y0, y1, q, 1, 0);
}
#endif /* the row builders and the GEMM */

#endif
