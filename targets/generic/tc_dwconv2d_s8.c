/* tinycc portable kernel: dwconv2d_s8 (NHWC int8 depthwise convolution, depth multiplier dm). */
#include "tc_internal.h"

void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int8_t *restrict const y = (int8_t *)buf[1];
  const int8_t *const w = (const int8_t *)buf[2];
  const int32_t *const bias = (const int32_t *)buf[3];
  const int32_t *const mult = (const int32_t *)buf[4];
  const int32_t *const shift = (const int32_t *)buf[5];
  const ptrdiff_t n = ip[0], h = ip[1], wd = ip[2], c = ip[3], oh = ip[4], ow = ip[5], oc = ip[6];
  const int32_t kh = ip[7], kw = ip[8], sh = ip[9], sw = ip[10], dh = ip[11], dw = ip[12];
  const int32_t pt = ip[13], pl = ip[14];
  const int32_t act_min = ip[15], act_max = ip[16], in_zp = ip[17], out_zp = ip[18];
  const ptrdiff_t dm = ip[19];
  const int16_t zp16 = (int16_t)in_zp;
  uint32_t *restrict const acc = (uint32_t *)scratch; /* oc accumulators */
  ptrdiff_t b, oy, ox, o, i, m;
  (void)fp;
  for (b = 0; b < n; b++) {
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix0 = (int64_t)ox * sw - pl;
        int32_t kx0, kx1, ky, kx;
        int8_t *const yp = y + ((b * oh + oy) * ow + ox) * oc;
        tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
        for (o = 0; o < oc; o++)
          acc[o] = (uint32_t)bias[o];
        for (ky = ky0; ky < ky1; ky++) {
          const ptrdiff_t iy = (ptrdiff_t)(iy0 + (int64_t)ky * dh);
          for (kx = kx0; kx < kx1; kx++) {
            const int8_t *const xp = x + ((b * h + iy) * wd + (ptrdiff_t)(ix0 + (int64_t)kx * dw)) * c;
            const int8_t *const wp = w + ((ptrdiff_t)ky * kw + kx) * oc;
            if (dm == 1) {
              /* |(x - zp) * w| <= 255 * 128 fits int16: 16-bit multiplies */
              for (i = 0; i < c; i++) {
                const int32_t prod = (int16_t)((int16_t)(xp[i] - zp16) * wp[i]);
                acc[i] += (uint32_t)prod;
              }
            } else {
              for (i = 0; i < c; i++) {
                const int32_t xv = (int32_t)xp[i] - in_zp;
                for (m = 0; m < dm; m++)
                  acc[i * dm + m] += (uint32_t)(xv * (int32_t)wp[i * dm + m]);
              }
            }
          }
        }
        for (o = 0; o < oc; o++)
          yp[o] = tc_requant_s8(acc[o], mult[o], shift[o], out_zp, act_min, act_max);
      }
    }
  }
}
