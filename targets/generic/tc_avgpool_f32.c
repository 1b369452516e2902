/* tinycc portable kernel: avgpool_f32 (float32 average pooling; divisor = the number of input
   pixels the window covers). */
#include "tc_internal.h"

void tc_avgpool_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_AVGPOOL_F32_IN];
  float *restrict const y = (float *)buf[TCB_AVGPOOL_F32_OUT];
  const ptrdiff_t n = ip[TCP_AVGPOOL_F32_N], h = ip[TCP_AVGPOOL_F32_H], wd = ip[TCP_AVGPOOL_F32_W],
                  c = ip[TCP_AVGPOOL_F32_C], oh = ip[TCP_AVGPOOL_F32_OH], ow = ip[TCP_AVGPOOL_F32_OW];
  const int32_t kh = ip[TCP_AVGPOOL_F32_KH], kw = ip[TCP_AVGPOOL_F32_KW], sh = ip[TCP_AVGPOOL_F32_SH],
                sw = ip[TCP_AVGPOOL_F32_SW], pt = ip[TCP_AVGPOOL_F32_PT], pl = ip[TCP_AVGPOOL_F32_PL];
  const float act_min = fp[TCF_AVGPOOL_F32_ACT_MIN], act_max = fp[TCF_AVGPOOL_F32_ACT_MAX];
  float *restrict const acc = (float *)scratch; /* c accumulators */
  ptrdiff_t b, oy, ox, iy, ix, i;
  for (b = 0; b < n; b++) {
    for (oy = 0; oy < oh; oy++) {
      ptrdiff_t y0, y1;
      tc_window((int64_t)oy * sh - pt, kh, h, &y0, &y1);
      for (ox = 0; ox < ow; ox++) {
        ptrdiff_t x0, x1;
        tc_window((int64_t)ox * sw - pl, kw, wd, &x0, &x1);
        float *const yp = y + ((b * oh + oy) * ow + ox) * c;
        float count;
        if (y1 <= y0 || x1 <= x0) { /* excluded by validation */
          for (i = 0; i < c; i++)
            yp[i] = 0;
          continue;
        }
        count = (float)((y1 - y0) * (x1 - x0));
        for (i = 0; i < c; i++)
          acc[i] = 0;
        for (iy = y0; iy < y1; iy++)
          for (ix = x0; ix < x1; ix++) {
            const float *const xp = x + ((b * h + iy) * wd + ix) * c;
            for (i = 0; i < c; i++)
              acc[i] += xp[i];
          }
        for (i = 0; i < c; i++)
          yp[i] = tc_clampf(acc[i] / count, act_min, act_max);
      }
    }
  }
}
