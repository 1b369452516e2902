/* tinycc RVV kernel: dwconv2d_s8 (NHWC int8 depthwise convolution, depth multiplier dm),
   vectorized across output channels (e32 LMUL 8 accumulators); weights [kh][kw][oc], zero
   point folded into the bias, shift array packed (tc_rvv.h). scratch: c bytes of in_zp (the
   portable kernel's oc * 4 bytes are reserved), read for taps outside the image. */
#include "tc_rvv.h"

/* acc += x * w over the taps of one pixel; x lanes read at xp + o0 (dm 1) or xp + idx (dm > 1) */
#define TC_DW_TAP(XLOAD)                                                                             \
  {                                                                                                  \
    const vint8m2_t xv = XLOAD;                                                                      \
    const vint8m2_t wv = __riscv_vle8_v_i8m2(wp, vl);                                                \
    acc = __riscv_vwadd_wv_i32m8(acc, __riscv_vwmul_vv_i16m4(xv, wv, vl), vl);                       \
    wp += oc;                                                                                        \
  }

void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int8_t *const y = (int8_t *)buf[1];
  const int8_t *const w = (const int8_t *)buf[2];
  const int32_t *const bias = (const int32_t *)buf[3];
  const int32_t *const mult = (const int32_t *)buf[4];
  const int32_t *const q = (const int32_t *)buf[5];
  const ptrdiff_t n = ip[0], h = ip[1], wd = ip[2], c = ip[3], oh = ip[4], ow = ip[5], oc = ip[6];
  const int32_t kh = ip[7], kw = ip[8], sh = ip[9], sw = ip[10], dh = ip[11], dw = ip[12];
  const int32_t pt = ip[13], pl = ip[14];
  const int32_t act_min = ip[15], act_max = ip[16], in_zp = ip[17], out_zp = ip[18];
  const ptrdiff_t dm = ip[19];
  const int32_t lo = act_min - out_zp, hi = act_max - out_zp;
  const int8_t *const zpbuf = (const int8_t *)scratch;
  const ptrdiff_t xstep = (ptrdiff_t)dw * c;
  ptrdiff_t b, oy, ox, o0;
  size_t vl;
  (void)fp;
  if (oh <= 0 || ow <= 0)
    return;
  tc_rvv_fill8((int8_t *)scratch, (int8_t)in_zp, c);
  for (o0 = 0; o0 < oc; o0 += (ptrdiff_t)vl) {
    vint32m8_t bv, mv, pv;
    vuint32m8_t lv, rv, idx;
    vl = __riscv_vsetvl_e32m8((size_t)(oc - o0));
    bv = __riscv_vle32_v_i32m8(bias + o0, vl);
    mv = __riscv_vle32_v_i32m8(mult + o0, vl);
    lv = __riscv_vle32_v_u32m8((const uint32_t *)q + o0, vl);
    rv = __riscv_vle32_v_u32m8((const uint32_t *)q + oc + o0, vl);
    pv = __riscv_vle32_v_i32m8(q + 2 * oc + o0, vl);
    /* dm > 1: the input channel of output channel o is o / dm */
    idx = __riscv_vdivu_vx_u32m8(__riscv_vadd_vx_u32m8(__riscv_vid_v_u32m8(vl), (uint32_t)o0, vl),
                                 (uint32_t)dm, vl);
    for (b = 0; b < n; b++) {
      const int8_t *const xb = x + b * h * wd * c;
      for (oy = 0; oy < oh; oy++) {
        const int64_t iy0 = (int64_t)oy * sh - pt;
        int32_t ky0, ky1;
        int8_t *const yrow = y + ((b * oh + oy) * ow) * oc + o0;
        tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
        for (ox = 0; ox < ow; ox++) {
          const int64_t ix0 = (int64_t)ox * sw - pl;
          int32_t kx0, kx1, ky, kx;
          vint32m8_t acc = bv;
          tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
          if (kx1 < kx0)
            kx1 = kx0;
          for (ky = 0; ky < kh; ky++) {
            const int8_t *wp = w + (ptrdiff_t)ky * kw * oc + o0;
            if (ky < ky0 || ky >= ky1) {
              if (dm == 1)
                for (kx = 0; kx < kw; kx++)
                  TC_DW_TAP(__riscv_vle8_v_i8m2(zpbuf + o0, vl))
              else
                for (kx = 0; kx < kw; kx++)
                  TC_DW_TAP(__riscv_vluxei32_v_i8m2(zpbuf, idx, vl))
            } else {
              const int8_t *xp = kx0 < kx1 ? xb + ((ptrdiff_t)(iy0 + (int64_t)ky * dh) * wd +
                                                   (ptrdiff_t)(ix0 + (int64_t)kx0 * dw)) * c
                                           : xb;
              if (dm == 1) {
                for (kx = 0; kx < kx0; kx++)
                  TC_DW_TAP(__riscv_vle8_v_i8m2(zpbuf + o0, vl))
                for (; kx < kx1; kx++, xp += xstep)
                  TC_DW_TAP(__riscv_vle8_v_i8m2(xp + o0, vl))
                for (; kx < kw; kx++)
                  TC_DW_TAP(__riscv_vle8_v_i8m2(zpbuf + o0, vl))
              } else {
                for (kx = 0; kx < kx0; kx++)
                  TC_DW_TAP(__riscv_vluxei32_v_i8m2(zpbuf, idx, vl))
                for (; kx < kx1; kx++, xp += xstep)
                  TC_DW_TAP(__riscv_vluxei32_v_i8m2(xp, idx, vl))
                for (; kx < kw; kx++)
                  TC_DW_TAP(__riscv_vluxei32_v_i8m2(zpbuf, idx, vl))
              }
            }
          }
          __riscv_vse8_v_i8m2(yrow + ox * oc, tc_rvv_requant_m8(acc, mv, lv, rv, pv, lo, hi, out_zp, vl), vl);
        }
      }
    }
  }
}
