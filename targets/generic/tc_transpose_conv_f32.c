/* tinycc portable kernel: transpose_conv_f32 (TRANSPOSE_CONV over float32, gathered per output
 * element in TFLite's scatter order: input rows, columns, channels ascending).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in [n][h][w][c], out [n][oh][ow][oc], w [oc][kh][kw][c], bias [oc] float32.
   ip: n h w c oh ow oc kh kw sh sw pt pl; fp: act_min act_max */
void tc_transpose_conv_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_TRANSPOSE_CONV_F32_IN];
  float *y = (float *)buf[TCB_TRANSPOSE_CONV_F32_OUT];
  const float *const wt = (const float *)buf[TCB_TRANSPOSE_CONV_F32_W];
  const float *const bias = (const float *)buf[TCB_TRANSPOSE_CONV_F32_BIAS];
  const ptrdiff_t n = ip[TCP_TRANSPOSE_CONV_F32_N], h = ip[TCP_TRANSPOSE_CONV_F32_H], w = ip[TCP_TRANSPOSE_CONV_F32_W],
                  c = ip[TCP_TRANSPOSE_CONV_F32_C], oh = ip[TCP_TRANSPOSE_CONV_F32_OH],
                  ow = ip[TCP_TRANSPOSE_CONV_F32_OW], oc = ip[TCP_TRANSPOSE_CONV_F32_OC];
  const ptrdiff_t kh = ip[TCP_TRANSPOSE_CONV_F32_KH], kw = ip[TCP_TRANSPOSE_CONV_F32_KW],
                  sh = ip[TCP_TRANSPOSE_CONV_F32_SH], sw = ip[TCP_TRANSPOSE_CONV_F32_SW],
                  pt = ip[TCP_TRANSPOSE_CONV_F32_PT], pl = ip[TCP_TRANSPOSE_CONV_F32_PL];
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
          *y++ = tc_clampf(acc + bias[o], fp[TCF_TRANSPOSE_CONV_F32_ACT_MIN], fp[TCF_TRANSPOSE_CONV_F32_ACT_MAX]);
        }
      }
    }
}
