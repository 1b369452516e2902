/* tinycc RVV kernel: conv2d_s8 (NHWC int8 convolution, per-channel requantization) as a GEMM
   over output channels: weights [kh][kw][c][oc], zero point folded into the bias (tc_rvv.h).
   scratch (only when a tap can fall outside the image): kh * Wp * c bytes of padded input rows
   (Wp = (ow - 1) * sw + (kw - 1) * dw + 1) when at most TC_CONV_STAGE, else kw * c bytes of in_zp. */
#include "tc_rvv.h"

/* the most bytes of staged padded input rows (scratch_rv64gcv_conv in tinycc/backend_c.py) */
#define TC_CONV_STAGE 1024

void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t n = ip[TCP_CONV2D_S8_N], h = ip[TCP_CONV2D_S8_H], wd = ip[TCP_CONV2D_S8_W], c = ip[TCP_CONV2D_S8_C],
                  oh = ip[TCP_CONV2D_S8_OH], ow = ip[TCP_CONV2D_S8_OW], oc = ip[TCP_CONV2D_S8_OC];
  const int32_t kh = ip[TCP_CONV2D_S8_KH], kw = ip[TCP_CONV2D_S8_KW], sh = ip[TCP_CONV2D_S8_SH],
                sw = ip[TCP_CONV2D_S8_SW], dh = ip[TCP_CONV2D_S8_DH], dw = ip[TCP_CONV2D_S8_DW];
  const int32_t pt = ip[TCP_CONV2D_S8_PT], pl = ip[TCP_CONV2D_S8_PL];
  const int32_t act_min = ip[TCP_CONV2D_S8_ACT_MIN], act_max = ip[TCP_CONV2D_S8_ACT_MAX],
                in_zp = ip[TCP_CONV2D_S8_IN_ZP], out_zp = ip[TCP_CONV2D_S8_OUT_ZP];
  int8_t *const y = (int8_t *)buf[TCB_CONV2D_S8_OUT];
  tc_rvv_gemm g;
  ptrdiff_t b, oy;
  (void)fp;
  g.w = (const int8_t *)buf[TCB_CONV2D_S8_W];
  g.bias = (const int32_t *)buf[TCB_CONV2D_S8_BIAS];
  g.mult = (const int32_t *)buf[TCB_CONV2D_S8_MULT];
  g.q = (const int32_t *)buf[TCB_CONV2D_S8_SHIFT];
  g.zpbuf = (const int8_t *)scratch;
  g.h = h;
  g.wd = wd;
  g.c = c;
  g.oc = oc;
  g.kh = kh;
  g.kw = kw;
  g.sw = sw;
  g.dh = dh;
  g.dw = dw;
  g.pl = pl;
  g.lo = act_min - out_zp;
  g.hi = act_max - out_zp;
  g.out_zp = out_zp;
  {
    /* taps outside the image read in_zp: staged padded input rows (each output row's kh rows,
       Wp columns) when they fit TC_CONV_STAGE bytes, else zpbuf (the planner reserved either) */
    const int pad = pt > 0 || pl > 0 || (int64_t)(oh - 1) * sh - pt + (int64_t)(kh - 1) * dh >= h ||
                    (int64_t)(ow - 1) * sw - pl + (int64_t)(kw - 1) * dw >= wd;
    const int64_t wp = (int64_t)(ow - 1) * sw + (int64_t)(kw - 1) * dw + 1;
    if (oh <= 0 || ow <= 0)
      return;
    if (pad && pl >= 0 && (int64_t)kh * wp * c <= TC_CONV_STAGE) {
      int8_t *const st = (int8_t *)scratch;
      const ptrdiff_t rowb = (ptrdiff_t)wp * c;
      /* columns pl .. pl + ncopy - 1 of a staged row hold image columns 0 .. ncopy - 1 */
      const ptrdiff_t ncopy = wp - pl <= 0 ? 0 : (wp - pl < wd ? (ptrdiff_t)(wp - pl) : wd);
      const ptrdiff_t left = pl < wp ? (ptrdiff_t)pl : (ptrdiff_t)wp;
      tc_rvv_gemm s = g;
      s.h = kh;
      s.wd = (ptrdiff_t)wp;
      s.dh = 1;
      s.pl = 0;
      s.x = st;
      for (b = 0; b < n; b++) {
        const int8_t *const xb = (const int8_t *)buf[TCB_CONV2D_S8_IN] + b * h * wd * c;
        for (oy = 0; oy < oh; oy++) {
          int32_t ky;
          for (ky = 0; ky < kh; ky++) {
            const int64_t iy = (int64_t)oy * sh - pt + (int64_t)ky * dh;
            int8_t *const r = st + ky * rowb;
            if (iy < 0 || iy >= h) {
              tc_rvv_fill8(r, (int8_t)in_zp, rowb);
            } else {
              const int8_t *src = xb + (ptrdiff_t)iy * wd * c;
              int8_t *dst = r + left * c;
              ptrdiff_t m = ncopy * c;
              tc_rvv_fill8(r, (int8_t)in_zp, left * c);
              while (m > 0) {
                const size_t vl = __riscv_vsetvl_e8m8((size_t)m);
                __riscv_vse8_v_i8m8(dst, __riscv_vle8_v_i8m8(src, vl), vl);
                src += vl;
                dst += vl;
                m -= (ptrdiff_t)vl;
              }
              tc_rvv_fill8(r + (left + ncopy) * c, (int8_t)in_zp, rowb - (left + ncopy) * c);
            }
          }
          tc_rvv_gemm_row(&s, 0, ow, y + ((b * oh + oy) * ow) * oc);
        }
      }
      return;
    }
    if (pad)
      tc_rvv_fill8((int8_t *)scratch, (int8_t)in_zp, (ptrdiff_t)kw * c);
  }
  for (b = 0; b < n; b++) {
    g.x = (const int8_t *)buf[TCB_CONV2D_S8_IN] + b * h * wd * c;
    for (oy = 0; oy < oh; oy++)
      tc_rvv_gemm_row(&g, (int64_t)oy * sh - pt, ow, y + ((b * oh + oy) * ow) * oc);
  }
}
