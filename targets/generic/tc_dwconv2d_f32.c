/* tinycc portable kernel: dwconv2d_f32 (NHWC float32 depthwise convolution, depth multiplier). */
#include "tc_internal.h"

void tc_dwconv2d_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_DWCONV2D_F32_IN];
  float *restrict const y = (float *)buf[TCB_DWCONV2D_F32_OUT];
  const float *const w = (const float *)buf[TCB_DWCONV2D_F32_W];
  const float *const bias = (const float *)buf[TCB_DWCONV2D_F32_BIAS];
  const ptrdiff_t n = ip[TCP_DWCONV2D_F32_N], h = ip[TCP_DWCONV2D_F32_H], wd = ip[TCP_DWCONV2D_F32_W],
                  c = ip[TCP_DWCONV2D_F32_C], oh = ip[TCP_DWCONV2D_F32_OH], ow = ip[TCP_DWCONV2D_F32_OW],
                  oc = ip[TCP_DWCONV2D_F32_OC];
  const int32_t kh = ip[TCP_DWCONV2D_F32_KH], kw = ip[TCP_DWCONV2D_F32_KW], sh = ip[TCP_DWCONV2D_F32_SH],
                sw = ip[TCP_DWCONV2D_F32_SW], dh = ip[TCP_DWCONV2D_F32_DH], dw = ip[TCP_DWCONV2D_F32_DW];
  const int32_t pt = ip[TCP_DWCONV2D_F32_PT], pl = ip[TCP_DWCONV2D_F32_PL];
  const ptrdiff_t dm = ip[TCP_DWCONV2D_F32_DM];
  const float act_min = fp[TCF_DWCONV2D_F32_ACT_MIN], act_max = fp[TCF_DWCONV2D_F32_ACT_MAX];
  float *restrict const acc = (float *)scratch; /* oc accumulators */
  ptrdiff_t b, oy, ox, o, i, m;
  for (b = 0; b < n; b++) {
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix0 = (int64_t)ox * sw - pl;
        int32_t kx0, kx1, ky, kx;
        float *const yp = y + ((b * oh + oy) * ow + ox) * oc;
        tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
        for (o = 0; o < oc; o++)
          acc[o] = 0;
        for (ky = ky0; ky < ky1; ky++) {
          const ptrdiff_t iy = (ptrdiff_t)(iy0 + (int64_t)ky * dh);
          for (kx = kx0; kx < kx1; kx++) {
            const float *const xp = x + ((b * h + iy) * wd + (ptrdiff_t)(ix0 + (int64_t)kx * dw)) * c;
            const float *const wp = w + ((ptrdiff_t)ky * kw + kx) * oc;
            if (dm == 1) {
              for (i = 0; i < c; i++)
                acc[i] += xp[i] * wp[i];
            } else {
              for (i = 0; i < c; i++) {
                const float xv = xp[i];
                for (m = 0; m < dm; m++)
                  acc[i * dm + m] += xv * wp[i * dm + m];
              }
            }
          }
        }
        for (o = 0; o < oc; o++)
          yp[o] = tc_clampf(acc[o] + bias[o], act_min, act_max);
      }
    }
  }
}
