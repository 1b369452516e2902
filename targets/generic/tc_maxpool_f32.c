/* tinycc portable kernel: maxpool_f32 (float32 max pooling; the first pixel of the window seeds
   the maximum, so NaN propagates as in the host executor). */
#include "tc_internal.h"

void tc_maxpool_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[0];
  float *restrict const y = (float *)buf[1];
  const ptrdiff_t n = ip[0], h = ip[1], wd = ip[2], c = ip[3], oh = ip[4], ow = ip[5];
  const int32_t kh = ip[6], kw = ip[7], sh = ip[8], sw = ip[9], pt = ip[10], pl = ip[11];
  const float act_min = fp[0], act_max = fp[1];
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
