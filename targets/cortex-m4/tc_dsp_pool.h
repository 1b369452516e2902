/* tinycc Armv7E-M DSP kernels (Cortex-M4, M7, M33): the body of maxpool_s8 and avgpool_s8 (header
 * only, included by their two files; avgpool_s8's parameter names, maxpool_s8's checked to be the
 * same).
 *
 * NHWC, channels innermost: 4 channels are one 32-bit load (any alignment) at every tap of the
 * window, and a group of 4 channels stays in registers over the whole window:
 *  - maximum: the 4 lanes' running maximum (SSUB8 sets the GE flags of the lanes where the input is
 *    the larger, SEL takes them), from act_min (clamp(max, lo, hi) = min(max(lo, x...), hi), as the
 *    portable kernel), then the minimum with act_max, stored as one word;
 *  - average: the lanes summed in int16 pairs (SXTAB16: channels 0 and 2; SXTAB16 ROR #8: 1 and 3),
 *    at most 256 taps at a time (|256 * -128| fits int16), then added to four int32 sums; the
 *    quotient TFLite's rounding division (tc_avg_s8, the portable kernel's).
 * A channel count that is no multiple of 4 ends with the group of its last 4 channels, overlapping
 * the group before it (the same outputs written twice; the output never overlaps the input), so
 * no load goes past a pixel; fewer than 4 channels take a scalar loop, one channel at a time.
 * The scratch is not used. Row-streamed calls (oh = 1, pt moved) need nothing else.
 */
#ifndef TC_DSP_POOL_H
#define TC_DSP_POOL_H

#include "tc_dsp.h"

#define TC_DSP_POOL_SAME(P) TC_SAME_IP(AVGPOOL_S8, MAXPOOL_S8, P)
TC_SAME_BUF(AVGPOOL_S8, MAXPOOL_S8, IN);
TC_SAME_BUF(AVGPOOL_S8, MAXPOOL_S8, OUT);
TC_DSP_POOL_SAME(N);
TC_DSP_POOL_SAME(H);
TC_DSP_POOL_SAME(W);
TC_DSP_POOL_SAME(C);
TC_DSP_POOL_SAME(OH);
TC_DSP_POOL_SAME(OW);
TC_DSP_POOL_SAME(KH);
TC_DSP_POOL_SAME(KW);
TC_DSP_POOL_SAME(SH);
TC_DSP_POOL_SAME(SW);
TC_DSP_POOL_SAME(PT);
TC_DSP_POOL_SAME(PL);
TC_DSP_POOL_SAME(ACT_MIN);
TC_DSP_POOL_SAME(ACT_MAX);

/* Taps summed in int16 lanes before they go to the int32 sums. */
#define TC_DSP_POOL_RUN 256

/* The int16 pairs p02 (channels 0 and 2) and p13 (1 and 3) added to the int32 sums s[0..3]. */
static inline void tc_dsp_pool_flush(int32_t *s, int32_t p02, int32_t p13)
{
  s[0] += (int16_t)p02;
  s[1] += (int16_t)p13;
  s[2] += tc_asr32(p02, 16);
  s[3] += tc_asr32(p13, 16);
}

/* k taps from x on (c bytes apart) added to the int16 pairs p02, p13. */
#define TC_DSP_POOL_SUM(x, k)                        \
  do {                                              \
    const int8_t *xp_ = (x);                        \
    int32_t k_;                                     \
    for (k_ = (k); k_ > 0; k_--, xp_ += c) {        \
      const uint32_t v_ = tc_dsp_load32(xp_);       \
      p02 = __sxtab16(p02, (int32_t)v_);            \
      p13 = tc_dsp_sxtab16_ror8(p13, v_);           \
    }                                               \
  } while (0)

/* One output pixel's window (ny rows of nx pixels, its first pixel's channel 0 at xw, rows xrow
   bytes apart, pixels c bytes apart) -> its c outputs at yp. avg: average, else maximum. */
static inline __attribute__((always_inline)) void tc_dsp_pool_pixel(const int8_t *xw, int8_t *yp, int32_t ny,
                                                                   int32_t nx, int32_t c, ptrdiff_t xrow,
                                                                   int32_t act_min, int32_t act_max, const int avg)
{
  const int32_t count = ny * nx;
  int32_t o, iy, ix;
  if (c < 4) {
    for (o = 0; o < c; o++) {
      const int8_t *xr = xw + o;
      int32_t acc = avg ? 0 : act_min;
      for (iy = 0; iy < ny; iy++, xr += xrow)
        for (ix = 0; ix < nx; ix++) {
          const int32_t v = xr[(ptrdiff_t)ix * c];
          acc = avg ? acc + v : (v > acc ? v : acc);
        }
      yp[o] = (int8_t)(avg ? tc_avg_s8(acc, count, act_min, act_max) : (acc < act_max ? acc : act_max));
    }
    return;
  }
  for (o = 0;; o += 4) {
    const int8_t *xr;
    if (o > c - 4)
      o = c - 4; /* the last group overlaps the one before */
    xr = xw + o;
    if (avg) {
      int32_t s[4] = {0, 0, 0, 0}, j;
      int32_t p02 = 0, p13 = 0; /* int16 pairs: channels 0 and 2, 1 and 3 */
      if (count <= TC_DSP_POOL_RUN) {
        for (iy = 0; iy < ny; iy++, xr += xrow)
          TC_DSP_POOL_SUM(xr, nx);
      } else { /* runs of 256 taps across the rows */
        int32_t left = TC_DSP_POOL_RUN;
        for (iy = 0; iy < ny; iy++, xr += xrow) {
          const int8_t *xp = xr;
          for (ix = nx; ix > 0;) {
            const int32_t k = ix < left ? ix : left;
            TC_DSP_POOL_SUM(xp, k);
            xp += (ptrdiff_t)k * c;
            ix -= k;
            left -= k;
            if (left == 0) {
              tc_dsp_pool_flush(s, p02, p13);
              p02 = p13 = 0;
              left = TC_DSP_POOL_RUN;
            }
          }
        }
      }
      tc_dsp_pool_flush(s, p02, p13);
      for (j = 0; j < 4; j++)
        yp[o + j] = tc_avg_s8(s[j], count, act_min, act_max);
    } else {
      uint32_t m = tc_dsp_dup4(act_min);
      for (iy = 0; iy < ny; iy++, xr += xrow) {
        const int8_t *xp = xr;
        for (ix = nx; ix > 0; ix--, xp += c)
          m = tc_dsp_max4(tc_dsp_load32(xp), m);
      }
      tc_dsp_store32(yp + o, tc_dsp_min4(m, tc_dsp_dup4(act_max)));
    }
    if (o == c - 4)
      return;
  }
}

/* The pooling kernel (avg: avgpool_s8, else maxpool_s8): every output pixel's window inside the
   image (tc_window, as the portable kernels), an empty one (excluded by validation) act_min. */
static inline __attribute__((always_inline)) void tc_dsp_pool(void *const *buf, const int32_t *ip, const int avg)
{
  const int8_t *const x = (const int8_t *)buf[TCB_AVGPOOL_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_AVGPOOL_S8_OUT];
  TC_POOL_S8_PARAMS(AVGPOOL_S8, ip);
  const ptrdiff_t xrow = (ptrdiff_t)wd * c;
  int8_t *yp = y;
  int32_t b, oy, ox;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      ptrdiff_t y0, y1;
      tc_window((int64_t)oy * sh - pt, kh, h, &y0, &y1);
      for (ox = 0; ox < ow; ox++, yp += c) {
        ptrdiff_t x0, x1;
        tc_window((int64_t)ox * sw - pl, kw, wd, &x0, &x1);
        if (y1 <= y0 || x1 <= x0)
          memset(yp, act_min, (size_t)c);
        else
          tc_dsp_pool_pixel(x + (((ptrdiff_t)b * h + y0) * wd + x0) * c, yp, (int32_t)(y1 - y0),
                            (int32_t)(x1 - x0), c, xrow, act_min, act_max, avg);
      }
    }
}

#endif
