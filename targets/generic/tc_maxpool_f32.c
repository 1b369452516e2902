/* tinycc portable kernel: maxpool_f32 (float32 max pooling; the first pixel of the window seeds
   the maximum, so NaN propagates as in the host executor). */
#include "tc_internal.h"

void tc_maxpool_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_MAXPOOL_F32_IN];
  float *restrict const y = (float *)buf[TCB_MAXPOOL_F32_OUT];
  const ptrdiff_t n = ip[TCP_MAXPOOL_F32_N], h = ip[TCP_MAXPOOL_F32_H], wd = ip[TCP_MAXPOOL_F32_W],
                  c = ip[TCP_MAXPOOL_F32_C], oh = ip[TCP_MAXPOOL_F32_OH], ow = ip[TCP_MAXPOOL_F32_OW];
  const int32_t kh = ip[TCP_MAXPOOL_F32_KH], kw = ip[TCP_MAXPOOL_F32_KW], sh = ip[TCP_MAXPOOL_F32_SH],
                sw = ip[TCP_MAXPOOL_F32_SW], pt = ip[TCP_MAXPOOL_F32_PT], pl = ip[TCP_MAXPOOL_F32_PL];
  const float act_min = fp[TCF_MAXPOOL_F32_ACT_MIN], act_max = fp[TCF_MAXPOOL_F32_ACT_MAX];
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
        const float *xp;
        if (y1 <= y0 || x1 <= x0) { /* excluded by validation */
          for (i = 0; i < c; i++)
            yp[i] = 0;
          continue;
        }
        xp = x + ((b * h + y0) * wd + x0) * c;
        for (i = 0; i < c; i++)
          acc[i] = xp[i];
        for (iy = y0; iy < y1; iy++)
          for (ix = x0; ix < x1; ix++) {
            xp = x + ((b * h + iy) * wd + ix) * c;
            for (i = 0; i < c; i++)
              acc[i] = xp[i] > acc[i] ? xp[i] : acc[i];
          }
        for (i = 0; i < c; i++)
          yp[i] = tc_clampf(acc[i], act_min, act_max);
      }
    }
  }
}
