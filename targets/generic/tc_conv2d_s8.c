/* tinycc portable kernel: conv2d_s8 (NHWC int8 convolution, per-channel requantization). */
#include "tc_internal.h"

void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
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
  const ptrdiff_t wsize = (ptrdiff_t)kh * kw * c;
  ptrdiff_t b, oy, ox, o;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++) {
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix0 = (int64_t)ox * sw - pl;
        int32_t kx0, kx1;
        int8_t *const yp = y + ((b * oh + oy) * ow + ox) * oc;
        tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
        for (o = 0; o < oc; o++) {
          const int8_t *const wo = w + o * wsize;
          uint32_t acc = (uint32_t)bias[o];
          int32_t ky, kx;
          for (ky = ky0; ky < ky1; ky++) {
            /* the input row of tap ky is inside the image: the index fits */
            const int8_t *const xrow = x + (b * h + (ptrdiff_t)(iy0 + (int64_t)ky * dh)) * wd * c;
            if (dw == 1) {
              /* the valid taps of this filter row are contiguous in input and weights */
              if (kx1 > kx0)
                acc += tc_dot_s8(xrow + (ptrdiff_t)(ix0 + kx0) * c, wo + ((ptrdiff_t)ky * kw + kx0) * c,
                                 (ptrdiff_t)(kx1 - kx0) * c, in_zp);
            } else {
              for (kx = kx0; kx < kx1; kx++)
                acc += tc_dot_s8(xrow + (ptrdiff_t)(ix0 + (int64_t)kx * dw) * c,
                                 wo + ((ptrdiff_t)ky * kw + kx) * c, c, in_zp);
            }
          }
          yp[o] = tc_requant_s8(acc, mult[o], shift[o], out_zp, act_min, act_max);
        }
      }
    }
  }
}
