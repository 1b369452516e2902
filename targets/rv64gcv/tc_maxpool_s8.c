/* tinycc RVV kernel: maxpool_s8 (int8 max pooling), vectorized across channels (e8 LMUL 8).
   Scratch unused. */
#include "tc_rvv.h"

void tc_maxpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_MAXPOOL_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_MAXPOOL_S8_OUT];
  const ptrdiff_t n = ip[TCP_MAXPOOL_S8_N], h = ip[TCP_MAXPOOL_S8_H], wd = ip[TCP_MAXPOOL_S8_W],
                  c = ip[TCP_MAXPOOL_S8_C], oh = ip[TCP_MAXPOOL_S8_OH], ow = ip[TCP_MAXPOOL_S8_OW];
  const int32_t kh = ip[TCP_MAXPOOL_S8_KH], kw = ip[TCP_MAXPOOL_S8_KW], sh = ip[TCP_MAXPOOL_S8_SH],
                sw = ip[TCP_MAXPOOL_S8_SW], pt = ip[TCP_MAXPOOL_S8_PT], pl = ip[TCP_MAXPOOL_S8_PL];
  const int8_t act_min = (int8_t)ip[TCP_MAXPOOL_S8_ACT_MIN], act_max = (int8_t)ip[TCP_MAXPOOL_S8_ACT_MAX];
  ptrdiff_t b, oy, ox, iy, ix, o0;
  size_t vl;
  (void)fp;
  (void)scratch;
  for (b = 0; b < n; b++) {
    for (oy = 0; oy < oh; oy++) {
      ptrdiff_t y0, y1;
      tc_window((int64_t)oy * sh - pt, kh, h, &y0, &y1);
      for (ox = 0; ox < ow; ox++) {
        ptrdiff_t x0, x1;
        tc_window((int64_t)ox * sw - pl, kw, wd, &x0, &x1);
        int8_t *const yp = y + ((b * oh + oy) * ow + ox) * c;
        for (o0 = 0; o0 < c; o0 += (ptrdiff_t)vl) {
          /* clamp(max, lo, hi) == min(max(lo, x...), hi); an empty window gives act_min */
          vint8m8_t m;
          vl = __riscv_vsetvl_e8m8((size_t)(c - o0));
          m = __riscv_vmv_v_x_i8m8(act_min, vl);
          for (iy = y0; iy < y1; iy++) {
            const int8_t *xp = x + ((b * h + iy) * wd + x0) * c + o0;
            for (ix = x0; ix < x1; ix++, xp += c)
              m = __riscv_vmax_vv_i8m8(m, __riscv_vle8_v_i8m8(xp, vl), vl);
          }
          __riscv_vse8_v_i8m8(yp + o0, __riscv_vmin_vx_i8m8(m, act_max, vl), vl);
        }
      }
    }
  }
}
