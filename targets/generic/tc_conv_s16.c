/* tinycc portable kernel: conv_s16 (16x8: int16 NHWC activations with zero point 0, int8 weights,
 * per-channel requantization, as TFLite Micro's int16 CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED; a fully connected layer is a 1x1 convolution over [batches, 1, 1, depth]).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in int16 [n][h][w][c], out int16 [n][oh][ow][oc], w int8 (conv: [oc][kh][kw][c];
   depthwise: [kh][kw][oc]), bias int64 [oc], mult, shift int32 [oc].
   ip: n h w c oh ow oc kh kw sh sw dh dw pt pl dm act_min act_max wide.
   dm 0: a convolution; dm >= 1: depthwise with oc = c * dm. wide 1: an int64 accumulator and
   TFLite's int64 rounding (an int64 bias or none); 0: int32 (an int32 bias). */
void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *const x = (const int16_t *)buf[0];
  int16_t *const y = (int16_t *)buf[1];
  const int8_t *const w = (const int8_t *)buf[2];
  const int64_t *const bias = (const int64_t *)buf[3];
  const int32_t *const mult = (const int32_t *)buf[4];
  const int32_t *const shift = (const int32_t *)buf[5];
  const ptrdiff_t n = ip[0], h = ip[1], wd = ip[2], c = ip[3], oh = ip[4], ow = ip[5], oc = ip[6];
  const int32_t kh = ip[7], kw = ip[8], sh = ip[9], sw = ip[10], dh = ip[11], dw = ip[12];
  const int32_t pt = ip[13], pl = ip[14], dm = ip[15], act_min = ip[16], act_max = ip[17], wide = ip[18];
  ptrdiff_t b, oy, ox, o;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix0 = (int64_t)ox * sw - pl;
        int32_t kx0, kx1;
        int16_t *const yp = y + ((b * oh + oy) * ow + ox) * oc;
        tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
        for (o = 0; o < oc; o++) {
          int64_t acc = 0; /* wide: the sum; narrow: wrapped to 32 bits below */
          int32_t ky, kx, v;
          for (ky = ky0; ky < ky1; ky++)
            for (kx = kx0; kx < kx1; kx++) {
              const int16_t *const xp =
                  x + ((b * h + (ptrdiff_t)(iy0 + (int64_t)ky * dh)) * wd + (ptrdiff_t)(ix0 + (int64_t)kx * dw)) * c;
              if (dm == 0) {
                const int8_t *const wp = w + ((o * kh + ky) * (ptrdiff_t)kw + kx) * c;
                ptrdiff_t i;
                for (i = 0; i < c; i++)
                  acc += (int32_t)xp[i] * wp[i];
              } else {
                acc += (int32_t)xp[o / dm] * w[((ptrdiff_t)ky * kw + kx) * oc + o];
              }
            }
          if (wide)
            v = tc_mbqm64((int64_t)((uint64_t)acc + (uint64_t)bias[o]), mult[o], shift[o]);
          else {
            int l, r;
            tc_split_shift(shift[o], &l, &r);
            v = tc_mbqm(tc_s32((uint32_t)acc + (uint32_t)bias[o]), mult[o], l, r);
          }
          yp[o] = (int16_t)tc_clamp32(v, act_min, act_max);
        }
      }
    }
}
