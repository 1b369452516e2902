/* tinycc portable kernel: conv2d_f32 (NHWC float32 convolution). */
#include "tc_internal.h"

void tc_conv2d_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_CONV2D_F32_IN];
  float *restrict const y = (float *)buf[TCB_CONV2D_F32_OUT];
  const float *const w = (const float *)buf[TCB_CONV2D_F32_W];
  const float *const bias = (const float *)buf[TCB_CONV2D_F32_BIAS];
  const ptrdiff_t n = ip[TCP_CONV2D_F32_N], h = ip[TCP_CONV2D_F32_H], wd = ip[TCP_CONV2D_F32_W],
                  c = ip[TCP_CONV2D_F32_C], oh = ip[TCP_CONV2D_F32_OH], ow = ip[TCP_CONV2D_F32_OW],
                  oc = ip[TCP_CONV2D_F32_OC];
  const int32_t kh = ip[TCP_CONV2D_F32_KH], kw = ip[TCP_CONV2D_F32_KW], sh = ip[TCP_CONV2D_F32_SH],
                sw = ip[TCP_CONV2D_F32_SW], dh = ip[TCP_CONV2D_F32_DH], dw = ip[TCP_CONV2D_F32_DW];
  const int32_t pt = ip[TCP_CONV2D_F32_PT], pl = ip[TCP_CONV2D_F32_PL];
  const float act_min = fp[TCF_CONV2D_F32_ACT_MIN], act_max = fp[TCF_CONV2D_F32_ACT_MAX];
  const ptrdiff_t wsize = (ptrdiff_t)kh * kw * c;
  ptrdiff_t b, oy, ox, o;
  (void)scratch;
  for (b = 0; b < n; b++) {
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix0 = (int64_t)ox * sw - pl;
        int32_t kx0, kx1;
        float *const yp = y + ((b * oh + oy) * ow + ox) * oc;
        tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
        for (o = 0; o < oc; o++) {
          const float *const wo = w + o * wsize;
          float acc = 0;
          int32_t ky, kx;
          for (ky = ky0; ky < ky1; ky++) {
            const float *const xrow = x + (b * h + (ptrdiff_t)(iy0 + (int64_t)ky * dh)) * wd * c;
            if (dw == 1) {
              if (kx1 > kx0)
                acc += tc_dot_f32(xrow + (ptrdiff_t)(ix0 + kx0) * c, wo + ((ptrdiff_t)ky * kw + kx0) * c,
                                  (ptrdiff_t)(kx1 - kx0) * c);
            } else {
              for (kx = kx0; kx < kx1; kx++)
                acc += tc_dot_f32(xrow + (ptrdiff_t)(ix0 + (int64_t)kx * dw) * c,
                                  wo + ((ptrdiff_t)ky * kw + kx) * c, c);
            }
          }
          yp[o] = tc_clampf(acc + bias[o], act_min, act_max);
        }
      }
    }
  }
}
