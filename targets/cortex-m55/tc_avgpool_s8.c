/* tinycc Cortex-M55 (MVE) kernel: avgpool_s8 (int8 average pooling; TFLite rounding, divisor =
   the number of input pixels the window covers). Sums 4 channels at a time in int32 lanes
   (widening loads); the rounded division is per channel (scalar). Scratch: none. */
#include "tc_mve.h"

void tc_avgpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_AVGPOOL_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_AVGPOOL_S8_OUT];
  TC_POOL_S8_PARAMS(AVGPOOL_S8, ip);
  const ptrdiff_t xstride = (ptrdiff_t)wd * c;
  int32_t b, oy, ox, o, iy, ix, j;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++) {
    const int8_t *const xb = x + (ptrdiff_t)b * h * xstride;
    for (oy = 0; oy < oh; oy++) {
      ptrdiff_t y0, y1;
      tc_window((int64_t)oy * sh - pt, kh, h, &y0, &y1);
      for (ox = 0; ox < ow; ox++) {
        ptrdiff_t x0, x1;
        int8_t *yp;
        int32_t count, half;
        tc_window((int64_t)ox * sw - pl, kw, wd, &x0, &x1);
        yp = y + (((ptrdiff_t)b * oh + oy) * ow + ox) * c;
        if (y1 <= y0 || x1 <= x0) { /* excluded by validation; keeps a division by 0 impossible */
          for (o = 0; o < c; o++)
            yp[o] = (int8_t)act_min;
          continue;
        }
        count = (int32_t)((y1 - y0) * (x1 - x0));
        half = count / 2;
        for (o = 0; o < c; o += 4) {
          const mve_pred16_t p = vctp32q((uint32_t)(c - o));
          int32x4_t acc = vdupq_n_s32(0);
          int32_t lane[4];
          const int8_t *xr = xb + (ptrdiff_t)y0 * xstride + (ptrdiff_t)x0 * c + o;
          for (iy = y0; iy < y1; iy++, xr += xstride) {
            const int8_t *xp = xr;
            for (ix = x0; ix < x1; ix++, xp += c)
              acc = vaddq_s32(acc, vldrbq_z_s32(xp, p));
          }
          vst1q_s32(lane, acc);
          for (j = 0; j < 4 && o + j < c; j++) {
            const int32_t v = lane[j];
            const int32_t q = v > 0 ? (v + half) / count : (v - half) / count; /* C division */
            yp[o + j] = (int8_t)tc_clamp32(q, act_min, act_max);
          }
        }
      }
    }
  }
}
