/* tinycc Armv7E-M DSP kernels (Cortex-M4, M7, M33): the int8 ADD of two contiguous rows (header only),
 * bit-exact with the portable tc_add_one, for add_s8 (tc_add_s8.c) and the fused ADD epilogue of row
 * streaming (tc_add_row.h). It takes a fast form when the parameters allow it (TFLite's always do).
 *
 * TFLite's element: a = MBQM((x1 + in1_off) << 20, m1, s1), b likewise with in2, then
 * clamp(MBQM(a + b, mo, so), act_min - out_off, act_max - out_off) + out_off, where
 * MBQM(x, m, s) = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x << left, m), right).
 * The fast form computes a stage with multiplier m and right shift r >= 1 as
 *   SMMLAR(xs, m, 2^(r-1) - (xs < 0)) >> r,   xs = 2x (x the value MBQM multiplies),
 * which is the same number because
 *  - the doubling high multiply floor((x m + 2^30) / 2^31) is floor((2x m + 2^31) / 2^32), SMMULR(2x, m),
 *    when 2x fits int32 (its saturation needs m = INT32_MIN: never, m >= 0);
 *  - TFLite's rounding right shift of s by r >= 1 is floor((s + 2^(r-1) - (s < 0)) / 2^r), and SMMLAR
 *    adds its accumulator to SMMULR's result before the shift;
 *  - (xs < 0) differs from (s < 0) only when s = 0 (xs < 0, -2^31 <= xs m <= 0), where both give 0.
 * One input's multiplier is 0.5 (TFLite: the input with the larger scale; m = 2^30, shift 0): its a
 * is exactly (x + off) << 19, so 2a is one shifted add; the other input takes a stage (if its
 * multiplier is 0.5 too, the stage (2^31 - 1, r = 1): SMMULR((x + off) << 21, 2^31 - 1) =
 * (x + off) << 20 while |x + off| < 2^10). The sum needs no check: |2a + 2b| <= 383 * 2^21 + 2 < 2^31
 * (|x + off| <= 383, multipliers below 1). The output stage takes 2 (a + b) (TFLite's left shift 0) and
 * holds out_off << ro in its accumulator (ro <= 22: no overflow), then SSAT to int8; the activation
 * clamp on 4 bytes at once (SSUB8 / SEL). Fast form: left shift 20 for both inputs, one multiplier
 * 0.5, the other's right shift >= 1 (or 0.5 too), output shifts left 0 and right 1 to 22.
 * About 23 instructions an element (the portable code: about 75).
 */
#ifndef TC_DSP_ADD_H
#define TC_DSP_ADD_H

#include "tc_dsp.h"

static inline int32_t tc_dsp_smmlar(int32_t a, int32_t b, int32_t acc)
{
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}

/* A rounding stage: SMMLAR(xs, m, h - (xs < 0)) >> r. */
static inline __attribute__((always_inline)) int32_t tc_dsp_add_stage(int32_t xs, int32_t m, int32_t h, int32_t r)
{
  return tc_asr32(tc_dsp_smmlar(xs, m, h + tc_asr32(xs, 31)), (int)r);
}

/* The input stage (multiplier m, right shift r) is the trivial one: m = 0.5, its result (x + off) << 19. */
static inline int tc_dsp_add_trivial(int32_t m, int r)
{
  return r == 0 && m == (int32_t)1 << 30;
}

/* n elements of the contiguous rows x1, x2 into y (y may be x1 or x2) in the fast form; 0 (nothing
   written) when the parameters p are outside it. a below is the trivial input, b the other; each
   element's byte is shifted into a word from the top, 4 bytes clamped and stored at once (after
   their inputs were read), the last n % 4 one byte at a time. Out of line: one copy per file. */
static __attribute__((noinline, unused)) int tc_dsp_add_row(const int8_t *x1, const int8_t *x2, int8_t *y,
                                                            ptrdiff_t n, const tc_add_s8_params *p)
{
  const int swap = !tc_dsp_add_trivial(p->m1, p->r1);
  const int8_t *a = swap ? x2 : x1;
  const ptrdiff_t db = (swap ? x1 : x2) - a;
  const int32_t offa = tc_shl32(swap ? p->in2_off : p->in1_off, 20), offb = tc_shl32(swap ? p->in1_off : p->in2_off, 21);
  int32_t mb = swap ? p->m1 : p->m2, rb = swap ? p->r1 : p->r2, hb;
  const int32_t mo = p->mo, ro = p->ro, ho = (int32_t)(((uint32_t)1 << ro >> 1) + ((uint32_t)p->out_off << ro));
  const uint32_t min4 = tc_dsp_dup4(p->act_min), max4 = tc_dsp_dup4(p->act_max);
  const int8_t *const end = a + n;
  uint32_t w = 0;
  int k = 4;
  if (p->left_shift + p->l1 != 20 || p->left_shift + p->l2 != 20 ||
      !tc_dsp_add_trivial(swap ? p->m2 : p->m1, swap ? p->r2 : p->r1) || (rb == 0 && mb != (int32_t)1 << 30) ||
      p->lo != 0 || ro < 1 || ro > 22)
    return 0;
  if (rb == 0) { /* both trivial: (2^31 - 1, 1) gives (x + off) << 19 too */
    mb = INT32_MAX;
    rb = 1;
  }
  hb = (int32_t)1 << (rb - 1);
  while (a != end) {
    /* 2 (a + b): 2a = (x + off) << 20, b from its stage */
    const int32_t xs = offa + tc_shl32(*a, 20) + 2 * tc_dsp_add_stage(offb + tc_shl32(a[db], 21), mb, hb, rb);
    a++;
    w = w >> 8 | (uint32_t)__ssat(tc_dsp_add_stage(xs, mo, ho, ro), 8) << 24;
    if (--k == 0) {
      tc_dsp_store32(y, tc_dsp_min4(tc_dsp_max4(w, min4), max4));
      y += 4;
      k = 4;
    }
  }
  if (k < 4) {
    w = tc_dsp_min4(tc_dsp_max4(w >> 8 * k, min4), max4);
    for (; k < 4; k++, w >>= 8)
      *y++ = (int8_t)w;
  }
  return 1;
}

#endif
