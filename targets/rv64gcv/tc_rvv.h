/* tinycc RVV 1.0 kernels (rv64gcv, any VLEN): shared static inline helpers.
 *
 * Constants as prepared by tinycc.backend_c (prepare_rv64gcv_*): the bias has the input zero
 * point folded in (bias[o] - in_zp * sum w[o]), so a kernel sums x * w directly and reads a tap
 * outside the image as x = in_zp (from a buffer of in_zp bytes); the shift array is replaced by
 * q = left[oc] | right[oc] | rpos[oc] (TFLite's shift split into left / right shift counts, and
 * rpos[o] = right[o] > 0 ? -1 : 0); GEMM weights are transposed to [taps][c][oc].
 *
 * Requantization is bit-exact with TFLite's MultiplyByQuantizedMultiplier:
 *   vsll (wrapping) ; vsmul with vxrm = rnu is exactly SaturatingRoundingDoublingHighMul
 *   (floor((a*b + 2^30) / 2^31), saturating only INT32_MIN * INT32_MIN) ; RoundingDivideByPOT
 *   (half away from zero) is vssra rnu (half up) applied to x - 1 for negative x when right > 0
 *   (a negative tie then rounds down; no other value changes; the saturating add of rpos & sign
 *   leaves INT32_MIN, never a tie, unchanged).
 */
#ifndef TC_RVV_H
#define TC_RVV_H

#include <riscv_vector.h>

#include "tc_internal.h"

/* requantize one vector of int32 accumulators of channels o0 .. o0 + vl - 1 (parameters loaded
   just before use: fewer live registers); L32 / L16 / L8 / B: LMUL of e32 / e16 / e8 / mask */
#define TC_RVV_DEF_REQUANT(L32, L16, L8)                                                          \
  static inline vint8##L8##_t tc_rvv_requant_##L32(vint32##L32##_t acc, const int32_t *mult,         \
                                                   const int32_t *q, ptrdiff_t oc, ptrdiff_t o0,     \
                                                   int32_t lo, int32_t hi, int32_t zp, size_t vl)    \
  {                                                                                                  \
    const uint32_t *const uq = (const uint32_t *)q;                                                  \
    vint32##L32##_t v = __riscv_vsll_vv_i32##L32(acc, __riscv_vle32_v_u32##L32(uq + o0, vl), vl);    \
    v = __riscv_vsmul_vv_i32##L32(v, __riscv_vle32_v_i32##L32(mult + o0, vl), __RISCV_VXRM_RNU, vl);  \
    v = __riscv_vsadd_vv_i32##L32(                                                                   \
        v, __riscv_vand_vv_i32##L32(__riscv_vsra_vx_i32##L32(v, 31, vl),                             \
                                    __riscv_vle32_v_i32##L32(q + 2 * oc + o0, vl), vl), vl);         \
    v = __riscv_vssra_vv_i32##L32(v, __riscv_vle32_v_u32##L32(uq + oc + o0, vl), __RISCV_VXRM_RNU, vl); \
    v = __riscv_vmax_vx_i32##L32(v, lo, vl);                                                         \
    v = __riscv_vmin_vx_i32##L32(v, hi, vl);                                                         \
    v = __riscv_vadd_vx_i32##L32(v, zp, vl);                                                         \
    return __riscv_vncvt_x_x_w_i8##L8(__riscv_vncvt_x_x_w_i16##L16(v, vl), vl);                      \
  }

TC_RVV_DEF_REQUANT(m8, m4, m2)
TC_RVV_DEF_REQUANT(m4, m2, m1)
TC_RVV_DEF_REQUANT(m2, m1, mf2)

/* e32 m8 accumulators requantized as two m4 halves (fewer live registers) */
static inline vint8m2_t tc_rvv_requant_m8h(vint32m8_t acc, const int32_t *mult, const int32_t *q, ptrdiff_t oc,
                                           ptrdiff_t o0, int32_t lo, int32_t hi, int32_t zp, size_t vl)
{
  const size_t half = __riscv_vsetvlmax_e32m4();
  vint8m2_t r = __riscv_vundefined_i8m2();
  r = __riscv_vset_v_i8m1_i8m2(r, 0, tc_rvv_requant_m4(__riscv_vget_v_i32m8_i32m4(acc, 0), mult, q, oc, o0, lo, hi,
                                                       zp, vl < half ? vl : half));
  if (vl > half)
    r = __riscv_vset_v_i8m1_i8m2(r, 1, tc_rvv_requant_m4(__riscv_vget_v_i32m8_i32m4(acc, 1), mult, q, oc,
                                                         o0 + (ptrdiff_t)half, lo, hi, zp, vl - half));
  return r;
}

/* n bytes of value v at p */
static inline void tc_rvv_fill8(int8_t *p, int8_t v, ptrdiff_t n)
{
  while (n > 0) {
    const size_t vl = __riscv_vsetvl_e8m8((size_t)n);
    __riscv_vse8_v_i8m8(p, __riscv_vmv_v_x_i8m8(v, vl), vl);
    p += vl;
    n -= (ptrdiff_t)vl;
  }
}

/* ---- GEMM blocks: P output pixels x all output channels ------------------------------------- */

typedef struct {
  const int8_t *x;       /* input image [h][wd][c] */
  const int8_t *w;       /* weights [kh][kw][c][oc] */
  const int32_t *bias;   /* folded bias [oc] */
  const int32_t *mult;   /* [oc] */
  const int32_t *q;      /* left[oc] right[oc] rpos[oc] */
  const int8_t *zpbuf;   /* kw * c bytes of in_zp: read only for taps outside the image */
  ptrdiff_t h, wd, c, oc;
  int32_t kh, kw, sw, dh, dw;
  int64_t pl;
  int32_t lo, hi, out_zp; /* clamp bounds minus out_zp, out_zp */
} tc_rvv_gemm;

#define TC_RVV_P1(M) M(0)
#define TC_RVV_P2(M) M(0) M(1)
#define TC_RVV_P3(M) M(0) M(1) M(2)
#define TC_RVV_P4(M) M(0) M(1) M(2) M(3)
#define TC_RVV_P6(M) M(0) M(1) M(2) M(3) M(4) M(5)
#define TC_RVV_P12(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11)

/* Pixels ox0 .. ox0 + np - 1 (1 <= np <= P) of the output row whose first tap row is iy0; y is
   the output of pixel ox0. Pixels past np repeat the last one (computed, not stored). */
#define TC_RVV_DEF_BLOCK(NAME, P, FORP, L32, L16, L8)                                                \
  static inline void NAME(const tc_rvv_gemm *g, int64_t iy0, ptrdiff_t ox0, ptrdiff_t np, int8_t *y) \
  {                                                                                                  \
    const ptrdiff_t c = g->c, oc = g->oc, wd = g->wd;                                                \
    const int32_t kh = g->kh, kw = g->kw, dw = g->dw;                                                \
    const int64_t ixf = (int64_t)ox0 * g->sw - g->pl, ixl = (int64_t)(ox0 + np - 1) * g->sw - g->pl; \
    const int full = dw == 1 && ixf >= 0 && ixl + kw <= wd;                                          \
    ptrdiff_t o0;                                                                                    \
    size_t vl;                                                                                       \
    FORP(TC_RVV_IX)                                                                                  \
    for (o0 = 0; o0 < oc; o0 += (ptrdiff_t)vl) {                                                     \
      vint32##L32##_t bv;                                                                            \
      FORP(TC_RVV_ACC_DECL_##L32)                                                                    \
      int32_t ky;                                                                                    \
      vl = __riscv_vsetvl_e32##L32((size_t)(oc - o0));                                               \
      bv = __riscv_vle32_v_i32##L32(g->bias + o0, vl);                                               \
      FORP(TC_RVV_ACC_INIT)                                                                          \
      for (ky = 0; ky < kh; ky++) {                                                                  \
        const int64_t iy = iy0 + (int64_t)ky * g->dh;                                                \
        const int rowok = iy >= 0 && iy < g->h;                                                      \
        const int8_t *const xr = rowok ? g->x + (ptrdiff_t)iy * wd * c : g->x;                       \
        if (full) {                                                                                  \
          const int8_t *const wp = g->w + (ptrdiff_t)ky * kw * c * oc + o0;                          \
          const ptrdiff_t n = (ptrdiff_t)kw * c;                                                     \
          FORP(TC_RVV_XP_FULL)                                                                       \
          TC_RVV_INNER(FORP, L32, L16, L8)                                                           \
        } else {                                                                                     \
          int32_t kx;                                                                                \
          for (kx = 0; kx < kw; kx++) {                                                              \
            const int8_t *const wp = g->w + ((ptrdiff_t)ky * kw + kx) * c * oc + o0;                 \
            const ptrdiff_t n = c;                                                                   \
            FORP(TC_RVV_XP_TAP)                                                                      \
            TC_RVV_INNER(FORP, L32, L16, L8)                                                         \
          }                                                                                          \
        }                                                                                            \
      }                                                                                              \
      FORP(TC_RVV_STORE_##L32)                                                                       \
    }                                                                                                \
  }

#define TC_RVV_IX(p) const int64_t ix##p = (int64_t)(ox0 + ((p) < np ? (p) : np - 1)) * g->sw - g->pl;
#define TC_RVV_ACC_DECL_m8(p) vint32m8_t a##p;
#define TC_RVV_ACC_DECL_m4(p) vint32m4_t a##p;
#define TC_RVV_ACC_DECL_m2(p) vint32m2_t a##p;
#define TC_RVV_ACC_INIT(p) a##p = bv;
#define TC_RVV_XP_FULL(p) const int8_t *const x##p = rowok ? xr + (ptrdiff_t)ix##p * c : g->zpbuf;
#define TC_RVV_XP_TAP(p)                                                                             \
  const int64_t ixt##p = ix##p + (int64_t)kx * dw;                                                   \
  const int8_t *const x##p = rowok && ixt##p >= 0 && ixt##p < wd ? xr + (ptrdiff_t)ixt##p * c : g->zpbuf;
#define TC_RVV_STORE_m8(p)                                                                           \
  if ((p) < np)                                                                                      \
    __riscv_vse8_v_i8m2(y + (p) * oc + o0, tc_rvv_requant_m8h(a##p, g->mult, g->q, oc, o0, g->lo, g->hi, g->out_zp, vl), vl);
#define TC_RVV_STORE_m4(p)                                                                           \
  if ((p) < np)                                                                                      \
    __riscv_vse8_v_i8m1(y + (p) * oc + o0, tc_rvv_requant_m4(a##p, g->mult, g->q, oc, o0, g->lo, g->hi, g->out_zp, vl), vl);
#define TC_RVV_STORE_m2(p)                                                                           \
  if ((p) < np)                                                                                      \
    __riscv_vse8_v_i8mf2(y + (p) * oc + o0, tc_rvv_requant_m2(a##p, g->mult, g->q, oc, o0, g->lo, g->hi, g->out_zp, vl), vl);

/* sum over i < n of x_p[i] * wp[i * oc .. + vl) into a_p, 4 steps at a time */
#define TC_RVV_INNER(FORP, L32, L16, L8)                                                             \
  {                                                                                                  \
    ptrdiff_t i = 0;                                                                                 \
    const int8_t *wq = wp;                                                                           \
    vint16##L16##_t wv;                                                                              \
    for (; i + 4 <= n; i += 4) {                                                                     \
      wv = __riscv_vsext_vf2_i16##L16(__riscv_vle8_v_i8##L8(wq, vl), vl);                            \
      FORP(TC_RVV_MAC0_##L32)                                                                        \
      wv = __riscv_vsext_vf2_i16##L16(__riscv_vle8_v_i8##L8(wq + oc, vl), vl);                       \
      FORP(TC_RVV_MAC1_##L32)                                                                        \
      wv = __riscv_vsext_vf2_i16##L16(__riscv_vle8_v_i8##L8(wq + 2 * oc, vl), vl);                   \
      FORP(TC_RVV_MAC2_##L32)                                                                        \
      wv = __riscv_vsext_vf2_i16##L16(__riscv_vle8_v_i8##L8(wq + 3 * oc, vl), vl);                   \
      FORP(TC_RVV_MAC3_##L32)                                                                        \
      wq += 4 * oc;                                                                                  \
    }                                                                                                \
    for (; i < n; i++) {                                                                             \
      wv = __riscv_vsext_vf2_i16##L16(__riscv_vle8_v_i8##L8(wq, vl), vl);                            \
      FORP(TC_RVV_MAC0_##L32)                                                                        \
      wq += oc;                                                                                      \
    }                                                                                                \
  }
#define TC_RVV_MAC0_m8(p) a##p = __riscv_vwmacc_vx_i32m8(a##p, (int16_t)x##p[i], wv, vl);
#define TC_RVV_MAC1_m8(p) a##p = __riscv_vwmacc_vx_i32m8(a##p, (int16_t)x##p[i + 1], wv, vl);
#define TC_RVV_MAC2_m8(p) a##p = __riscv_vwmacc_vx_i32m8(a##p, (int16_t)x##p[i + 2], wv, vl);
#define TC_RVV_MAC3_m8(p) a##p = __riscv_vwmacc_vx_i32m8(a##p, (int16_t)x##p[i + 3], wv, vl);
#define TC_RVV_MAC0_m4(p) a##p = __riscv_vwmacc_vx_i32m4(a##p, (int16_t)x##p[i], wv, vl);
#define TC_RVV_MAC1_m4(p) a##p = __riscv_vwmacc_vx_i32m4(a##p, (int16_t)x##p[i + 1], wv, vl);
#define TC_RVV_MAC2_m4(p) a##p = __riscv_vwmacc_vx_i32m4(a##p, (int16_t)x##p[i + 2], wv, vl);
#define TC_RVV_MAC3_m4(p) a##p = __riscv_vwmacc_vx_i32m4(a##p, (int16_t)x##p[i + 3], wv, vl);
#define TC_RVV_MAC0_m2(p) a##p = __riscv_vwmacc_vx_i32m2(a##p, (int16_t)x##p[i], wv, vl);
#define TC_RVV_MAC1_m2(p) a##p = __riscv_vwmacc_vx_i32m2(a##p, (int16_t)x##p[i + 1], wv, vl);
#define TC_RVV_MAC2_m2(p) a##p = __riscv_vwmacc_vx_i32m2(a##p, (int16_t)x##p[i + 2], wv, vl);
#define TC_RVV_MAC3_m2(p) a##p = __riscv_vwmacc_vx_i32m2(a##p, (int16_t)x##p[i + 3], wv, vl);

TC_RVV_DEF_BLOCK(tc_rvv_block_m8p3, 3, TC_RVV_P3, m8, m4, m2)
TC_RVV_DEF_BLOCK(tc_rvv_block_m8p2, 2, TC_RVV_P2, m8, m4, m2)
TC_RVV_DEF_BLOCK(tc_rvv_block_m8p1, 1, TC_RVV_P1, m8, m4, m2)
TC_RVV_DEF_BLOCK(tc_rvv_block_m4p6, 6, TC_RVV_P6, m4, m2, m1)
TC_RVV_DEF_BLOCK(tc_rvv_block_m4p2, 2, TC_RVV_P2, m4, m2, m1)
TC_RVV_DEF_BLOCK(tc_rvv_block_m4p1, 1, TC_RVV_P1, m4, m2, m1)
TC_RVV_DEF_BLOCK(tc_rvv_block_m2p12, 12, TC_RVV_P12, m2, m1, mf2)
TC_RVV_DEF_BLOCK(tc_rvv_block_m2p4, 4, TC_RVV_P4, m2, m1, mf2)
TC_RVV_DEF_BLOCK(tc_rvv_block_m2p1, 1, TC_RVV_P1, m2, m1, mf2)

/* One output row (ow pixels, first tap row iy0) into y: pixel blocks sized for oc. */
static inline void tc_rvv_gemm_row(const tc_rvv_gemm *g, int64_t iy0, ptrdiff_t ow, int8_t *y)
{
  const ptrdiff_t oc = g->oc;
  ptrdiff_t ox = 0;
  if ((size_t)oc <= __riscv_vsetvlmax_e32m2()) {
    for (; ox + 12 <= ow; ox += 12)
      tc_rvv_block_m2p12(g, iy0, ox, 12, y + ox * oc);
    for (; ox + 4 <= ow; ox += 4)
      tc_rvv_block_m2p4(g, iy0, ox, 4, y + ox * oc);
    if (ow - ox == 3)
      tc_rvv_block_m2p4(g, iy0, ox, 3, y + ox * oc), ox = ow;
    for (; ox < ow; ox++)
      tc_rvv_block_m2p1(g, iy0, ox, 1, y + ox * oc);
  } else if ((size_t)oc <= __riscv_vsetvlmax_e32m4()) {
    for (; ox + 6 <= ow; ox += 6)
      tc_rvv_block_m4p6(g, iy0, ox, 6, y + ox * oc);
    if (ow - ox >= 3)
      tc_rvv_block_m4p6(g, iy0, ox, ow - ox, y + ox * oc), ox = ow;
    for (; ox + 2 <= ow; ox += 2)
      tc_rvv_block_m4p2(g, iy0, ox, 2, y + ox * oc);
    for (; ox < ow; ox++)
      tc_rvv_block_m4p1(g, iy0, ox, 1, y + ox * oc);
  } else {
    for (; ox + 3 <= ow; ox += 3)
      tc_rvv_block_m8p3(g, iy0, ox, 3, y + ox * oc);
    if (ow - ox == 2)
      tc_rvv_block_m8p2(g, iy0, ox, 2, y + ox * oc), ox = ow;
    for (; ox < ow; ox++)
      tc_rvv_block_m8p1(g, iy0, ox, 1, y + ox * oc);
  }
}

#endif /* TC_RVV_H */
