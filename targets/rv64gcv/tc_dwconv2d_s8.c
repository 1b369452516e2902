/* tinycc RVV kernel: dwconv2d_s8 (NHWC int8 depthwise convolution, depth multiplier dm),
   vectorized across output channels (e32 LMUL 8 accumulators); weights [kh][kw][oc], zero
   point folded into the bias, shift array packed (tc_rvv.h). scratch: c bytes of in_zp (the
   portable kernel's oc * 4 bytes are reserved), read for taps outside the image.
   dm 1 with at most TC_DW_TAPS taps: pixels whose taps all lie inside the image take a fast
   path (two pixels per weight load, tap offsets from a table); the others sum their valid taps
   and add in_zp * (the weights' sum over all taps, kept in scratch, - the valid taps' sum).
   With c at most half a vector (stride 1), interior pixels go several to a vector. */
#include "tc_rvv.h"

#define TC_DW_TAPS 64

void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_DWCONV2D_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_DWCONV2D_S8_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_DWCONV2D_S8_W];
  const int32_t *const bias = (const int32_t *)buf[TCB_DWCONV2D_S8_BIAS];
  const int32_t *const mult = (const int32_t *)buf[TCB_DWCONV2D_S8_MULT];
  const int32_t *const q = (const int32_t *)buf[TCB_DWCONV2D_S8_SHIFT];
  const ptrdiff_t n = ip[TCP_DWCONV2D_S8_N], h = ip[TCP_DWCONV2D_S8_H], wd = ip[TCP_DWCONV2D_S8_W],
                  c = ip[TCP_DWCONV2D_S8_C], oh = ip[TCP_DWCONV2D_S8_OH], ow = ip[TCP_DWCONV2D_S8_OW],
                  oc = ip[TCP_DWCONV2D_S8_OC];
  const int32_t kh = ip[TCP_DWCONV2D_S8_KH], kw = ip[TCP_DWCONV2D_S8_KW], sh = ip[TCP_DWCONV2D_S8_SH],
                sw = ip[TCP_DWCONV2D_S8_SW], dh = ip[TCP_DWCONV2D_S8_DH], dw = ip[TCP_DWCONV2D_S8_DW];
  const int32_t pt = ip[TCP_DWCONV2D_S8_PT], pl = ip[TCP_DWCONV2D_S8_PL];
  const int32_t act_min = ip[TCP_DWCONV2D_S8_ACT_MIN], act_max = ip[TCP_DWCONV2D_S8_ACT_MAX],
                in_zp = ip[TCP_DWCONV2D_S8_IN_ZP], out_zp = ip[TCP_DWCONV2D_S8_OUT_ZP];
  const ptrdiff_t dm = ip[TCP_DWCONV2D_S8_DM];
  const int32_t lo = act_min - out_zp, hi = act_max - out_zp;
  const int8_t *const zpbuf = (const int8_t *)scratch;
  const int32_t ntaps = kh * kw;
  const int table = dm == 1 && ntaps <= TC_DW_TAPS;
  ptrdiff_t tofs[TC_DW_TAPS];
  ptrdiff_t b, oy, ox, o0, oxa, oxb;
  size_t vl;
  (void)fp;
  if (oh <= 0 || ow <= 0)
    return;
  tc_rvv_fill8((int8_t *)scratch, (int8_t)in_zp, c);
  if (table) {
    int32_t ky, kx;
    for (ky = 0; ky < kh; ky++)
      for (kx = 0; kx < kw; kx++)
        tofs[ky * kw + kx] = ((ptrdiff_t)ky * dh * wd + (ptrdiff_t)kx * dw) * c;
  }
  /* table: wsum[o] = sum over taps of w[t][o] (int16: at most TC_DW_TAPS * 128), after the
     c bytes of zpbuf in scratch (c + 2 * oc <= 4 * oc bytes) */
  if (table) {
    int16_t *const wsum = (int16_t *)scratch + oc;
    for (o0 = 0; o0 < oc; o0 += (ptrdiff_t)vl) {
      const int8_t *wp = w + o0;
      vint16m4_t s;
      int32_t t;
      vl = __riscv_vsetvl_e16m4((size_t)(oc - o0));
      s = __riscv_vmv_v_x_i16m4(0, vl);
      for (t = 0; t < ntaps; t++, wp += oc)
        s = __riscv_vadd_vv_i16m4(s, __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(wp, vl), vl), vl);
      __riscv_vse16_v_i16m4(wsum + o0, s, vl);
    }
  }
  /* several pixels per vector when c is small (dm 1, stride 1; oc = c < VLMAX: one chunk) */
  const ptrdiff_t group = (ptrdiff_t)__riscv_vsetvlmax_e32m8() / (c > 0 ? c : 1);
  const int flat = table && sw == 1 && group >= 2 && c <= 16383;
  /* pixels oxa <= ox < oxb have every tap column inside the image */
  {
    const int64_t first = pl <= 0 ? 0 : ((int64_t)pl + sw - 1) / sw;
    const int64_t num = (int64_t)wd - 1 + pl - (int64_t)(kw - 1) * dw;
    const int64_t last = num < 0 ? 0 : num / sw + 1;
    oxa = first < ow ? (ptrdiff_t)first : ow;
    oxb = last < ow ? (ptrdiff_t)last : ow;
  }
  for (o0 = 0; o0 < oc; o0 += (ptrdiff_t)vl) {
    vl = __riscv_vsetvl_e32m8((size_t)(oc - o0));
    for (b = 0; b < n; b++) {
      const int8_t *const xb = x + b * h * wd * c;
      for (oy = 0; oy < oh; oy++) {
        const int64_t iy0 = (int64_t)oy * sh - pt;
        int32_t ky0, ky1;
        int8_t *const yrow = y + ((b * oh + oy) * ow) * oc + o0;
        int rowfull;
        tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
        rowfull = table && ky0 == 0 && ky1 == kh;
        for (ox = 0; ox < ow; ox++) {
          const int64_t ix0 = (int64_t)ox * sw - pl;
          vint32m8_t acc;
          if (flat && rowfull && ox >= oxa && ox + 1 < oxb) {
            /* small c, stride 1: np interior pixels side by side in one vector (lane j is
               channel j % c), per-channel constants gathered */
            const ptrdiff_t np = oxb - ox < group ? oxb - ox : group;
            const size_t fl = __riscv_vsetvl_e32m8((size_t)(np * c));
            const vuint16m4_t cidx = __riscv_vremu_vx_u16m4(__riscv_vid_v_u16m4(fl), (uint16_t)c, fl);
            const vuint16m4_t bidx = __riscv_vsll_vx_u16m4(cidx, 2, fl);
            const int8_t *const xa = xb + ((ptrdiff_t)iy0 * wd + (ptrdiff_t)ix0) * c;
            const int8_t *wp = w;
            const uint32_t *const uq = (const uint32_t *)q;
            vint32m8_t v;
            int32_t t;
            acc = __riscv_vluxei16_v_i32m8(bias, bidx, fl);
            for (t = 0; t < ntaps; t++, wp += oc)
              acc = __riscv_vwmacc_vv_i32m8(
                  acc, __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(xa + tofs[t], fl), fl),
                  __riscv_vsext_vf2_i16m4(__riscv_vluxei16_v_i8m2(wp, cidx, fl), fl), fl);
            v = __riscv_vsll_vv_i32m8(acc, __riscv_vluxei16_v_u32m8(uq, bidx, fl), fl);
            v = __riscv_vsmul_vv_i32m8(v, __riscv_vluxei16_v_i32m8(mult, bidx, fl), __RISCV_VXRM_RNU, fl);
            v = __riscv_vsadd_vv_i32m8(v, __riscv_vand_vv_i32m8(__riscv_vsra_vx_i32m8(v, 31, fl),
                                                                __riscv_vluxei16_v_i32m8(q + 2 * oc, bidx, fl), fl),
                                       fl);
            v = __riscv_vssra_vv_i32m8(v, __riscv_vluxei16_v_u32m8(uq + oc, bidx, fl), __RISCV_VXRM_RNU, fl);
            v = __riscv_vadd_vx_i32m8(__riscv_vmin_vx_i32m8(__riscv_vmax_vx_i32m8(v, lo, fl), hi, fl), out_zp, fl);
            __riscv_vse8_v_i8m2(yrow + ox * oc, __riscv_vncvt_x_x_w_i8m2(__riscv_vncvt_x_x_w_i16m4(v, fl), fl), fl);
            ox += np - 1;
            continue;
          }
          acc = __riscv_vle32_v_i32m8(bias + o0, vl);
          if (rowfull && ox >= oxa && ox < oxb) {
            /* every tap inside the image; a second pixel when it is too */
            const int8_t *const xa = xb + ((ptrdiff_t)iy0 * wd + (ptrdiff_t)ix0) * c + o0;
            const int8_t *wp = w + o0;
            int32_t t;
            if (ox + 1 < oxb) {
              const int8_t *const xa2 = xa + (ptrdiff_t)sw * c;
              vint32m8_t acc2 = acc;
              for (t = 0; t < ntaps; t++) {
                const vint16m4_t wv = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(wp, vl), vl);
                acc = __riscv_vwmacc_vv_i32m8(acc, __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(xa + tofs[t], vl), vl),
                                              wv, vl);
                acc2 = __riscv_vwmacc_vv_i32m8(
                    acc2, __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(xa2 + tofs[t], vl), vl), wv, vl);
                wp += oc;
              }
              __riscv_vse8_v_i8m2(yrow + ox * oc, tc_rvv_requant_m8h(acc, mult, q, oc, o0, lo, hi, out_zp, vl), vl);
              ox++;
              __riscv_vse8_v_i8m2(yrow + ox * oc, tc_rvv_requant_m8(acc2, mult, q, oc, o0, lo, hi, out_zp, vl), vl);
              continue;
            }
            for (t = 0; t < ntaps; t++) {
              const vint16m4_t wv = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(wp, vl), vl);
              acc = __riscv_vwmacc_vv_i32m8(acc, __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(xa + tofs[t], vl), vl),
                                            wv, vl);
              wp += oc;
            }
          } else if (table) {
            /* taps outside the image count x = in_zp: in_zp * (wsum - the valid taps' sum) */
            int32_t kx0, kx1, ky, kx;
            vint16m4_t ws = __riscv_vmv_v_x_i16m4(0, vl);
            tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
            for (ky = ky0; ky < ky1; ky++) {
              const int8_t *xp;
              const int8_t *wp = w + ((ptrdiff_t)ky * kw + kx0) * oc + o0;
              if (kx1 <= kx0)
                break;
              xp = xb + ((ptrdiff_t)(iy0 + (int64_t)ky * dh) * wd + (ptrdiff_t)(ix0 + (int64_t)kx0 * dw)) * c + o0;
              for (kx = kx0; kx < kx1; kx++) {
                const vint16m4_t wv = __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(wp, vl), vl);
                acc = __riscv_vwmacc_vv_i32m8(acc, __riscv_vsext_vf2_i16m4(__riscv_vle8_v_i8m2(xp, vl), vl),
                                              wv, vl);
                ws = __riscv_vadd_vv_i16m4(ws, wv, vl);
                xp += (ptrdiff_t)dw * c;
                wp += oc;
              }
            }
            acc = __riscv_vwmacc_vx_i32m8(
                acc, (int16_t)in_zp,
                __riscv_vsub_vv_i16m4(__riscv_vle16_v_i16m4((const int16_t *)scratch + oc + o0, vl), ws, vl), vl);
          } else {
            int32_t kx0, kx1, ky, kx;
            vuint32m8_t idx;
            const int8_t *wp = w + o0;
            tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
            /* dm > 1: the input channel of output channel o is o / dm (a byte offset) */
            if (dm > 1)
              idx = __riscv_vdivu_vx_u32m8(__riscv_vadd_vx_u32m8(__riscv_vid_v_u32m8(vl), (uint32_t)o0, vl),
                                           (uint32_t)dm, vl);
            else
              idx = __riscv_vmv_v_x_u32m8(0, vl);
            for (ky = 0; ky < kh; ky++) {
              const int rowok = ky >= ky0 && ky < ky1;
              const int8_t *const xr = rowok ? xb + (ptrdiff_t)(iy0 + (int64_t)ky * dh) * wd * c : xb;
              for (kx = 0; kx < kw; kx++) {
                const int8_t *const xp =
                    rowok && kx >= kx0 && kx < kx1 ? xr + (ptrdiff_t)(ix0 + (int64_t)kx * dw) * c : zpbuf;
                const vint8m2_t xv =
                    dm == 1 ? __riscv_vle8_v_i8m2(xp + o0, vl) : __riscv_vluxei32_v_i8m2(xp, idx, vl);
                const vint8m2_t wv = __riscv_vle8_v_i8m2(wp, vl);
                acc = __riscv_vwadd_wv_i32m8(acc, __riscv_vwmul_vv_i16m4(xv, wv, vl), vl);
                wp += oc;
              }
            }
          }
          __riscv_vse8_v_i8m2(yrow + ox * oc, tc_rvv_requant_m8h(acc, mult, q, oc, o0, lo, hi, out_zp, vl), vl);
        }
      }
    }
  }
}
