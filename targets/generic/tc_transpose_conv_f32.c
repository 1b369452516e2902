/* tinycc portable kernel: transpose_conv_f32 (TRANSPOSE_CONV over float32, gathered per output
 * element in TFLite's scatter order: input rows, columns, channels ascending).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in [n][h][w][c], out [n][oh][ow][oc], w [oc][kh][kw][c], bias [oc] float32.
   ip: n h w c oh ow oc kh kw sh sw pt pl; fp: act_min act_max */
void tc_transpose_conv_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[0];
  float *y = (float *)buf[1];
  const float *const wt = (const float *)buf[2];
  const float *const bias = (const float *)buf[3];
  const ptrdiff_t n = ip[0], h = ip[1], w = ip[2], c = ip[3], oh = ip[4], ow = ip[5], oc = ip[6];
  const ptrdiff_t kh = ip[7], kw = ip[8], sh = ip[9], sw = ip[10], pt = ip[11], pl = ip[12];
  ptrdiff_t b, oy, ox, o, iy, ix, i;
  (void)scratch;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      const ptrdiff_t ty = oy + pt, y_lo0 = ty - kh + 1 <= 0 ? 0 : (ty - kh + sh) / sh;
      const ptrdiff_t y_hi = ty / sh < h - 1 ? ty / sh : h - 1;
      for (ox = 0; ox < ow; ox++) {
        const ptrdiff_t tx = ox + pl, x_lo0 = tx - kw + 1 <= 0 ? 0 : (tx - kw + sw) / sw;
        const ptrdiff_t x_hi = tx / sw < w - 1 ? tx / sw : w - 1;
        for (o = 0; o < oc; o++) {
          float acc = 0.0f;
          for (iy = y_lo0; iy <= y_hi; iy++)
            for (ix = x_lo0; ix <= x_hi; ix++) {
              const float *const xp = x + ((b * h + iy) * w + ix) * c;
              const float *const wp = wt + ((o * kh + (ty - iy * sh)) * kw + (tx - ix * sw)) * c;
              for (i = 0; i < c; i++)
                acc += xp[i] * wp[i];
            }
          *y++ = tc_clampf(acc + bias[o], fp[0], fp[1]);
        }
      }
    }
}
