/* tinycc portable kernel: transpose_conv_s8 (TRANSPOSE_CONV over int8, per-channel weights,
 * gathered per output element; TFLite Micro's accumulation and requantization).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in [n][h][w][c], out [n][oh][ow][oc], w [oc][kh][kw][c] int8, bias / mult / shift
   [oc] int32. out[b][oy][ox][o] = requant(bias[o] + sum of (in[b][iy][ix][i] - in_zp) *
   w[o][oy + pt - iy * sh][ox + pl - ix * sw][i] over the taps inside the filter).
   ip: n h w c oh ow oc kh kw sh sw pt pl act_min act_max in_zp out_zp */
void tc_transpose_conv_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int8_t *y = (int8_t *)buf[1];
  const int8_t *const wt = (const int8_t *)buf[2];
  const int32_t *const bias = (const int32_t *)buf[3];
  const int32_t *const mult = (const int32_t *)buf[4];
  const int32_t *const shift = (const int32_t *)buf[5];
  const ptrdiff_t n = ip[0], h = ip[1], w = ip[2], c = ip[3], oh = ip[4], ow = ip[5], oc = ip[6];
  const ptrdiff_t kh = ip[7], kw = ip[8], sh = ip[9], sw = ip[10], pt = ip[11], pl = ip[12];
  const int32_t act_min = ip[13], act_max = ip[14], in_zp = ip[15], out_zp = ip[16];
  ptrdiff_t b, oy, ox, o, iy, ix, i;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      /* input rows iy with 0 <= oy + pt - iy * sh < kh */
      const ptrdiff_t ty = oy + pt, y_lo0 = ty - kh + 1 <= 0 ? 0 : (ty - kh + sh) / sh;
      const ptrdiff_t y_hi = ty / sh < h - 1 ? ty / sh : h - 1;
      for (ox = 0; ox < ow; ox++) {
        const ptrdiff_t tx = ox + pl, x_lo0 = tx - kw + 1 <= 0 ? 0 : (tx - kw + sw) / sw;
        const ptrdiff_t x_hi = tx / sw < w - 1 ? tx / sw : w - 1;
        for (o = 0; o < oc; o++) {
          uint32_t acc = (uint32_t)bias[o];
          for (iy = y_lo0; iy <= y_hi; iy++)
            for (ix = x_lo0; ix <= x_hi; ix++) {
              const int8_t *const xp = x + ((b * h + iy) * w + ix) * c;
              const int8_t *const wp = wt + ((o * kh + (ty - iy * sh)) * kw + (tx - ix * sw)) * c;
              for (i = 0; i < c; i++)
                acc += (uint32_t)(((int32_t)xp[i] - in_zp) * (int32_t)wp[i]);
            }
          *y++ = tc_requant_s8(acc, mult[o], shift[o], out_zp, act_min, act_max);
        }
      }
    }
}
