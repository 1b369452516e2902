/* tinycc portable kernel: conv2d_s8 (NHWC int8 convolution, per-channel requantization). */
#include "tc_internal.h"

void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_CONV2D_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_CONV2D_S8_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_CONV2D_S8_W];
  const int32_t *const bias = (const int32_t *)buf[TCB_CONV2D_S8_BIAS];
  const int32_t *const mult = (const int32_t *)buf[TCB_CONV2D_S8_MULT];
  const int32_t *const shift = (const int32_t *)buf[TCB_CONV2D_S8_SHIFT];
  const ptrdiff_t n = ip[TCP_CONV2D_S8_N], h = ip[TCP_CONV2D_S8_H], wd = ip[TCP_CONV2D_S8_W], c = ip[TCP_CONV2D_S8_C],
                  oh = ip[TCP_CONV2D_S8_OH], ow = ip[TCP_CONV2D_S8_OW], oc = ip[TCP_CONV2D_S8_OC];
  const int32_t kh = ip[TCP_CONV2D_S8_KH], kw = ip[TCP_CONV2D_S8_KW], sh = ip[TCP_CONV2D_S8_SH],
                sw = ip[TCP_CONV2D_S8_SW], dh = ip[TCP_CONV2D_S8_DH], dw = ip[TCP_CONV2D_S8_DW];
  const int32_t pt = ip[TCP_CONV2D_S8_PT], pl = ip[TCP_CONV2D_S8_PL];
  const int32_t act_min = ip[TCP_CONV2D_S8_ACT_MIN], act_max = ip[TCP_CONV2D_S8_ACT_MAX],
                in_zp = ip[TCP_CONV2D_S8_IN_ZP], out_zp = ip[TCP_CONV2D_S8_OUT_ZP];
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
