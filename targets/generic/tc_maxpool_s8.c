/* tinycc portable kernel: maxpool_s8 (int8 max pooling). The running maximum lives in the output
   pixel itself (the output does not overlap the input), so the scratch is not used. */
#include "tc_internal.h"

void tc_maxpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_MAXPOOL_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_MAXPOOL_S8_OUT];
  const ptrdiff_t n = ip[TCP_MAXPOOL_S8_N], h = ip[TCP_MAXPOOL_S8_H], wd = ip[TCP_MAXPOOL_S8_W],
                  c = ip[TCP_MAXPOOL_S8_C], oh = ip[TCP_MAXPOOL_S8_OH], ow = ip[TCP_MAXPOOL_S8_OW];
  const int32_t kh = ip[TCP_MAXPOOL_S8_KH], kw = ip[TCP_MAXPOOL_S8_KW], sh = ip[TCP_MAXPOOL_S8_SH],
                sw = ip[TCP_MAXPOOL_S8_SW], pt = ip[TCP_MAXPOOL_S8_PT], pl = ip[TCP_MAXPOOL_S8_PL];
  const int8_t act_min = (int8_t)ip[TCP_MAXPOOL_S8_ACT_MIN], act_max = (int8_t)ip[TCP_MAXPOOL_S8_ACT_MAX];
  ptrdiff_t b, oy, ox, iy, ix, i;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++) {
    for (oy = 0; oy < oh; oy++) {
      ptrdiff_t y0, y1;
      tc_window((int64_t)oy * sh - pt, kh, h, &y0, &y1);
      for (ox = 0; ox < ow; ox++) {
        ptrdiff_t x0, x1;
        tc_window((int64_t)ox * sw - pl, kw, wd, &x0, &x1);
        int8_t *const yp = y + ((b * oh + oy) * ow + ox) * c;
        /* clamp(max, lo, hi) == min(max(lo, x...), hi): start from act_min. An empty window
           (excluded by validation) gives act_min, as the host executor. */
        for (i = 0; i < c; i++)
          yp[i] = act_min;
        for (iy = y0; iy < y1; iy++)
          for (ix = x0; ix < x1; ix++) {
            const int8_t *const xp = x + ((b * h + iy) * wd + ix) * c;
            for (i = 0; i < c; i++)
              yp[i] = xp[i] > yp[i] ? xp[i] : yp[i];
          }
        for (i = 0; i < c; i++)
          yp[i] = yp[i] < act_max ? yp[i] : act_max;
      }
    }
  }
}
