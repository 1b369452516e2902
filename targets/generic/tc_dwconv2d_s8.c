/* tinycc portable kernel: dwconv2d_s8 (NHWC int8 depthwise convolution, depth multiplier dm). */
#include "tc_internal.h"

void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_DWCONV2D_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_DWCONV2D_S8_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_DWCONV2D_S8_W];
  const int32_t *const bias = (const int32_t *)buf[TCB_DWCONV2D_S8_BIAS];
  const int32_t *const mult = (const int32_t *)buf[TCB_DWCONV2D_S8_MULT];
  const int32_t *const shift = (const int32_t *)buf[TCB_DWCONV2D_S8_SHIFT];
  const ptrdiff_t n = ip[TCP_DWCONV2D_S8_N], h = ip[TCP_DWCONV2D_S8_H], wd = ip[TCP_DWCONV2D_S8_W],
                  c = ip[TCP_DWCONV2D_S8_C], oh = ip[TCP_DWCONV2D_S8_OH], ow = ip[TCP_DWCONV2D_S8_OW],
                  oc = ip[TCP_DWCONV2D_S8_OC];
  const int32_t kh = ip[TCP_DWCONV2D_S8_KH], kw = ip[TCP_DWCONV2D_S8_KW], sh = ip[TCP_DWCONV2D_S8_SH],
                sw = ip[TCP_DWCONV2D_S8_SW], dh = ip[TCP_DWCONV2D_S8_DH], dw = ip[TCP_DWCONV2D_S8_DW];
  const int32_t pt = ip[TCP_DWCONV2D_S8_PT], pl = ip[TCP_DWCONV2D_S8_PL];
  const int32_t act_min = ip[TCP_DWCONV2D_S8_ACT_MIN], act_max = ip[TCP_DWCONV2D_S8_ACT_MAX],
                in_zp = ip[TCP_DWCONV2D_S8_IN_ZP], out_zp = ip[TCP_DWCONV2D_S8_OUT_ZP];
  const ptrdiff_t dm = ip[TCP_DWCONV2D_S8_DM];
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
