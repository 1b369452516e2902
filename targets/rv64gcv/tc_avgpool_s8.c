/* tinycc RVV kernel: avgpool_s8 (int8 average pooling; TFLite rounding, divisor = the number of
   input pixels the window covers), vectorized across channels: int16 partial sums (exact for up
   to 256 taps: |sum| <= 256 * 128) added into int32 every 256 taps. Scratch unused. */
#include "tc_rvv.h"

void tc_avgpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_AVGPOOL_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_AVGPOOL_S8_OUT];
  const ptrdiff_t n = ip[TCP_AVGPOOL_S8_N], h = ip[TCP_AVGPOOL_S8_H], wd = ip[TCP_AVGPOOL_S8_W],
                  c = ip[TCP_AVGPOOL_S8_C], oh = ip[TCP_AVGPOOL_S8_OH], ow = ip[TCP_AVGPOOL_S8_OW];
  const int32_t kh = ip[TCP_AVGPOOL_S8_KH], kw = ip[TCP_AVGPOOL_S8_KW], sh = ip[TCP_AVGPOOL_S8_SH],
                sw = ip[TCP_AVGPOOL_S8_SW], pt = ip[TCP_AVGPOOL_S8_PT], pl = ip[TCP_AVGPOOL_S8_PL];
  const int32_t act_min = ip[TCP_AVGPOOL_S8_ACT_MIN], act_max = ip[TCP_AVGPOOL_S8_ACT_MAX];
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
        int32_t count, half;
        if (y1 <= y0 || x1 <= x0) { /* excluded by validation; keeps a division by 0 impossible */
          tc_rvv_fill8(yp, (int8_t)act_min, c);
          continue;
        }
        count = (int32_t)((y1 - y0) * (x1 - x0));
        half = count / 2;
        for (o0 = 0; o0 < c; o0 += (ptrdiff_t)vl) {
          vint32m8_t acc;
          vint16m4_t s;
          int32_t taps = 0;
          vl = __riscv_vsetvl_e32m8((size_t)(c - o0));
          acc = __riscv_vmv_v_x_i32m8(0, vl);
          s = __riscv_vmv_v_x_i16m4(0, vl);
          for (iy = y0; iy < y1; iy++) {
            const int8_t *xp = x + ((b * h + iy) * wd + x0) * c + o0;
            for (ix = x0; ix < x1; ix++, xp += c) {
              s = __riscv_vwadd_wv_i16m4(s, __riscv_vle8_v_i8m2(xp, vl), vl);
              if (++taps == 256) {
                acc = __riscv_vwadd_wv_i32m8(acc, s, vl);
                s = __riscv_vmv_v_x_i16m4(0, vl);
                taps = 0;
              }
            }
          }
          acc = __riscv_vwadd_wv_i32m8(acc, s, vl);
          {
            /* v > 0 ? (v + half) / count : (v - half) / count, C division */
            const vbool4_t pos = __riscv_vmsgt_vx_i32m8_b4(acc, 0, vl);
            const vint32m8_t adj = __riscv_vmerge_vxm_i32m8(__riscv_vmv_v_x_i32m8(-half, vl), half, pos, vl);
            vint32m8_t v = __riscv_vdiv_vx_i32m8(__riscv_vadd_vv_i32m8(acc, adj, vl), count, vl);
            v = __riscv_vmin_vx_i32m8(__riscv_vmax_vx_i32m8(v, act_min, vl), act_max, vl);
            __riscv_vse8_v_i8m2(yp + o0, __riscv_vncvt_x_x_w_i8m2(__riscv_vncvt_x_x_w_i16m4(v, vl), vl), vl);
          }
        }
      }
    }
  }
}
