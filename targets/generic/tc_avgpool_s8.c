/* tinycc portable kernel: avgpool_s8 (int8 average pooling; TFLite rounding, divisor = the
   number of input pixels the window covers). */
#include "tc_internal.h"

void tc_avgpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_AVGPOOL_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_AVGPOOL_S8_OUT];
  const ptrdiff_t n = ip[TCP_AVGPOOL_S8_N], h = ip[TCP_AVGPOOL_S8_H], wd = ip[TCP_AVGPOOL_S8_W],
                  c = ip[TCP_AVGPOOL_S8_C], oh = ip[TCP_AVGPOOL_S8_OH], ow = ip[TCP_AVGPOOL_S8_OW];
  const int32_t kh = ip[TCP_AVGPOOL_S8_KH], kw = ip[TCP_AVGPOOL_S8_KW], sh = ip[TCP_AVGPOOL_S8_SH],
                sw = ip[TCP_AVGPOOL_S8_SW], pt = ip[TCP_AVGPOOL_S8_PT], pl = ip[TCP_AVGPOOL_S8_PL];
  const int32_t act_min = ip[TCP_AVGPOOL_S8_ACT_MIN], act_max = ip[TCP_AVGPOOL_S8_ACT_MAX];
  int32_t *restrict const acc = (int32_t *)scratch; /* c accumulators */
  ptrdiff_t b, oy, ox, iy, ix, i;
  (void)fp;
  for (b = 0; b < n; b++) {
    for (oy = 0; oy < oh; oy++) {
      ptrdiff_t y0, y1;
      tc_window((int64_t)oy * sh - pt, kh, h, &y0, &y1);
      for (ox = 0; ox < ow; ox++) {
        ptrdiff_t x0, x1;
        tc_window((int64_t)ox * sw - pl, kw, wd, &x0, &x1);
        int8_t *const yp = y + ((b * oh + oy) * ow + ox) * c;
        int32_t count;
        if (y1 <= y0 || x1 <= x0) { /* excluded by validation; keeps a division by 0 impossible */
          for (i = 0; i < c; i++)
            yp[i] = (int8_t)act_min;
          continue;
        }
        count = (int32_t)((y1 - y0) * (x1 - x0));
        for (i = 0; i < c; i++)
          acc[i] = 0;
        for (iy = y0; iy < y1; iy++)
          for (ix = x0; ix < x1; ix++) {
            const int8_t *const xp = x + ((b * h + iy) * wd + ix) * c;
            for (i = 0; i < c; i++)
              acc[i] += xp[i];
          }
        for (i = 0; i < c; i++)
          yp[i] = tc_avg_s8(acc[i], count, act_min, act_max);
      }
    }
  }
}
