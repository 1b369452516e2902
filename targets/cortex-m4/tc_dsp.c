/* tinycc Armv7E-M / Armv8-M DSP kernels (Cortex-M4, M7, M33): the int8 GEMM of conv2d_s8 and
 * fc_s8 and its row helpers (declared in tc_dsp.h, which documents the operands), compiled once
 * and shared by the two kernels. At -O2 the GEMM has one copy per requantization form (fast or
 * general; clamped or not); at -Os one copy takes the form as arguments. */
#include "tc_dsp.h"

/* The word holding values 2j and 2j + 1 of a row. */
static inline tc_dsp_word *tc_dsp_word_at(const tc_dsp_row *r, ptrdiff_t j)
{
  return r->base + (j >> 1) * r->stride + (j & 1);
}

/* Value i of a row. */
static void tc_dsp_set16(const tc_dsp_row *r, ptrdiff_t i, int32_t v)
{
  tc_dsp_word *const d = tc_dsp_word_at(r, i >> 1);
  const uint32_t sh = (uint32_t)(i & 1) * 16u;
  *d = (*d & ~(0xFFFFu << sh)) | (((uint32_t)v & 0xFFFFu) << sh);
}

/* n zeros from value i on. */
void tc_dsp_zero16(const tc_dsp_row *r, ptrdiff_t i, ptrdiff_t n)
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
void tc_dsp_widen(const tc_dsp_row *r, ptrdiff_t i, const int8_t *src, ptrdiff_t n, int32_t in_zp,
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

/* A channel's int8 output from its accumulator (record r); full: act_min, act_max are -128, 127. */
TC_DSP_HOT int8_t tc_dsp_out(int32_t acc, const int32_t *r, const tc_dsp_q *q, const int fast, const int full)
{
  const int32_t v = tc_dsp_requant(acc, r, q->out_zp, fast);
  return (int8_t)(full ? v : tc_clamp32(v, q->act_min, q->act_max));
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
  const tc_dsp_word *const end = rows->base + (ptrdiff_t)kq * rows->stride;
  int32_t o = 0;
#ifdef __OPTIMIZE__ /* 13 registers: none left for a frame pointer (-O0) */
  if (rows->stride == 2) {
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
    uint32_t x0, x1, w0, w1, t;
    const int32_t *const r0 = rq + 2, *const r1 = rq + 2 + TC_DSP_RQ;
    if (rows->stride == 4) {
      int32_t s01 = s00, s11 = s10;
      uint32_t z0, z1;
      /* an odd group first, then two groups per iteration */
      if (kq & 1)
        __asm__(TC_DSP_GROUP_2X2 : TC_DSP_OPERANDS_2X2 : [end] "r"(end) : "cc", "memory");
#ifdef __OPTIMIZE__
      if (kq > 1)
        __asm__("1:\n\t" TC_DSP_GROUP_2X2_D TC_DSP_GROUP_2X2_D "cmp %[p], %[end]\n\tbne 1b"
                : TC_DSP_OPERANDS_2X2, [w1] "=&r"(w1) : [end] "r"(end) : "cc", "memory");
#else
      if (kq > 1)
        __asm__("1:\n\t" TC_DSP_GROUP_2X2 TC_DSP_GROUP_2X2 "cmp %[p], %[end]\n\tbne 1b"
                : TC_DSP_OPERANDS_2X2 : [end] "r"(end) : "cc", "memory");
#endif
      y1[o] = tc_dsp_out(s01, r0, q, fast, full);
      if (!last)
        y1[o + 1] = tc_dsp_out(s11, r1, q, fast, full);
    } else {
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
    }
    y0[o] = tc_dsp_out(s00, r0, q, fast, full);
    if (!last)
      y0[o + 1] = tc_dsp_out(s10, r1, q, fast, full);
  }
}

void tc_dsp_gemm(const tc_dsp_row *rows, int32_t kp, const int8_t *w, const int32_t *rq, int32_t oc, int8_t *y0,
                 int8_t *y1, const tc_dsp_q *q)
{
#ifdef __OPTIMIZE_SIZE__
  tc_dsp_gemm_k(rows, kp, w, rq + 1, oc, y0, y1, q, rq[0] & TC_DSP_FAST, q->act_min == -128 && q->act_max == 127);
#else
  if (!(rq[0] & TC_DSP_FAST))
    tc_dsp_gemm_k(rows, kp, w, rq + 1, oc, y0, y1, q, 0, 0);
  else if (q->act_min == -128 && q->act_max == 127)
    tc_dsp_gemm_k(rows, kp, w, rq + 1, oc, y0, y1, q, 1, 1);
  else
    tc_dsp_gemm_k(rows, kp, w, rq + 1, oc, y0, y1, q, 1, 0);
#endif
}
