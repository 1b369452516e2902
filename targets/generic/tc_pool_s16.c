/* tinycc portable kernel: pool_s16 (int16 average or max pooling as TFLite Micro's: the average
 * rounds half away from zero over the input pixels the window covers).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in int16 [n][h][w][c], out int16 [n][oh][ow][c].
   ip: n h w c oh ow kh kw sh sw pt pl act_min act_max mode (0 average, 1 max) */
void tc_pool_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *const x = (const int16_t *)buf[TCB_POOL_S16_IN];
  int16_t *const y = (int16_t *)buf[TCB_POOL_S16_OUT];
  const ptrdiff_t n = ip[TCP_POOL_S16_N], h = ip[TCP_POOL_S16_H], wd = ip[TCP_POOL_S16_W], c = ip[TCP_POOL_S16_C],
                  oh = ip[TCP_POOL_S16_OH], ow = ip[TCP_POOL_S16_OW];
  const int32_t kh = ip[TCP_POOL_S16_KH], kw = ip[TCP_POOL_S16_KW], sh = ip[TCP_POOL_S16_SH], sw = ip[TCP_POOL_S16_SW],
                pt = ip[TCP_POOL_S16_PT], pl = ip[TCP_POOL_S16_PL];
  const int32_t act_min = ip[TCP_POOL_S16_ACT_MIN], act_max = ip[TCP_POOL_S16_ACT_MAX], is_max = ip[TCP_POOL_S16_MODE];
  ptrdiff_t b, oy, ox, iy, ix, i;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      ptrdiff_t y0, y1;
      tc_window((int64_t)oy * sh - pt, kh, h, &y0, &y1);
      for (ox = 0; ox < ow; ox++) {
        ptrdiff_t x0, x1;
        int16_t *const yp = y + ((b * oh + oy) * ow + ox) * c;
        tc_window((int64_t)ox * sw - pl, kw, wd, &x0, &x1);
        for (i = 0; i < c; i++) {
          int64_t acc = is_max ? -32768 : 0, v;
          const int64_t count = (int64_t)(y1 - y0) * (x1 - x0);
          for (iy = y0; iy < y1; iy++)
            for (ix = x0; ix < x1; ix++) {
              const int16_t xv = x[((b * h + iy) * wd + ix) * c + i];
              if (!is_max)
                acc += xv;
              else if (xv > acc)
                acc = xv;
            }
          if (count <= 0) /* excluded by validation; keeps a division by 0 impossible */
            v = act_min;
          else if (is_max)
            v = acc;
          else if (count <= 65535) { /* |acc| <= 32768 count < 2**31: a 32-bit division (no library call on a
                                        32-bit core), the same quotient */
            const int32_t a32 = (int32_t)acc, c32 = (int32_t)count;
            v = a32 > 0 ? (a32 + c32 / 2) / c32 : (a32 - c32 / 2) / c32; /* C division */
          } else
            v = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          yp[i] = (int16_t)(v < act_min ? act_min : (v > act_max ? act_max : v));
        }
      }
    }
}
