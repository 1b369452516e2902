/* tinycc Cortex-M4/M7/M33 (Armv7E-M / Armv8-M DSP extension) kernel: dwconv2d_s8 (NHWC int8
 * depthwise convolution, depth multiplier dm), with the packed 16-bit SIMD instructions.
 *
 * dm == 1, channels 4 at a time: one 32-bit load takes 4 input channels, SXTAB16 splits them into
 * two registers of two int16 lanes (channels 0 and 2, then 1 and 3 with the rotation by 8) and
 * adds the packed -in_zp to both lanes in the same instruction; the weights, widened to int16 and
 * packed at compile time in the same lane order, come in as two words per tap; SMLABB / SMLATT
 * multiply-accumulate each lane into its channel's int32 accumulator (wrapping, as the portable
 * kernel's uint32 sums). A tap outside the image contributes (in_zp - in_zp) * w = 0, so a border
 * pixel runs the same loop over the taps inside the image only: the interior pixels (whole window
 * inside, a column range computed once per call) need no tap range, the others one per pixel.
 * The last oc % 4 channels, and every channel when dm > 1 (input channel o / dm), take a scalar
 * loop over the same taps.
 *
 * Requantization: tc_dsp_requant (tc_dsp.h, shared with the GEMM kernels; its fast form when the
 * layer allows it), the output zero point added with QADD and saturated to int8, the 4 bytes of a
 * group clamped at once (SSUB8 / SEL) unless the activation bounds are the whole int8 range.
 *
 * Constants prepared at compile time (tinycc.backend_c.prepare_m4_dw):
 *   w    int32 words: for each group g of 4 channels (dm == 1 only; G = oc / 4 groups), for each
 *        tap (ky, kx): (w[c0] | w[c2] << 16), (w[c1] | w[c3] << 16) as int16 lanes; then for each
 *        remaining channel o (all of them when dm > 1) its kh * kw taps, one int32 each.
 *   bias the flags word (TC_DSP_FAST), then for each group of 4 channels (the last one padded with
 *        zeros): bias[4], then the 4 channels' requantization records (tc_dsp.h; 20 words).
 *   mult, shift: unused (one zero). */
#include "tc_dsp.h"

#define TC_M4DW_RQ (4 + 4 * TC_DSP_RQ) /* int32 requantization words per group of 4 channels */

typedef struct {
  const int32_t *w, *wtail, *rq;
  int32_t kh, kw, oc, dm, groups, in_zp, out_zp, act_min, act_max;
  int32_t nzp;                   /* -in_zp in both int16 lanes */
  int fast, full;                /* tc_dsp_requant's fast form; act_min, act_max = -128, 127 */
  uint32_t min4, max4;           /* act_min, act_max in the four bytes */
  ptrdiff_t xrow, xcol;          /* input step per tap row / column */
} tc_m4dw;

/* The 4 outputs of a group (accumulators a0..a3, its requantization words at rq): requantized with
   the zero point, saturated to int8 (tc_dsp_requant), packed into one word. */
static inline __attribute__((always_inline)) uint32_t tc_m4dw_pack4(const int32_t *rq, int32_t out_zp, int32_t a0,
                                                                   int32_t a1, int32_t a2, int32_t a3, const int fast)
{
  const uint32_t q0 = (uint32_t)tc_dsp_requant(a0, rq + 4, out_zp, fast);
  const uint32_t q1 = (uint32_t)tc_dsp_requant(a1, rq + 4 + TC_DSP_RQ, out_zp, fast);
  const uint32_t q2 = (uint32_t)tc_dsp_requant(a2, rq + 4 + 2 * TC_DSP_RQ, out_zp, fast);
  const uint32_t q3 = (uint32_t)tc_dsp_requant(a3, rq + 4 + 3 * TC_DSP_RQ, out_zp, fast);
  /* bytes 0 and 2 from q0 and q2, 1 and 3 from q1 and q3 (PKHBT, UXTB16) */
  return __uxtb16(tc_dsp_pkhbt(q0, q2)) | __uxtb16(tc_dsp_pkhbt(q1, q3)) << 8;
}

/* tc_m4dw_pack4 stored at yp, the 4 bytes clamped at once (SSUB8 / SEL) unless the bounds are the
   whole int8 range. */
TC_DSP_HOT void tc_m4dw_store4(const tc_m4dw *a, int8_t *yp, const int32_t *rq, int32_t a0, int32_t a1, int32_t a2,
                              int32_t a3)
{
  uint32_t v = a->fast ? tc_m4dw_pack4(rq, a->out_zp, a0, a1, a2, a3, 1)
                       : tc_m4dw_pack4(rq, a->out_zp, a0, a1, a2, a3, 0);
  if (!a->full) {
    v = tc_dsp_max4(v, a->min4);
    v = tc_dsp_min4(v, a->max4);
  }
  tc_dsp_store32(yp, v);
}

/* One tap of 4 channels: the input bytes at XC, the weight words at WP. */
#define TC_M4DW_TAP(XC, WP)                                                                         \
  do {                                                                                              \
    const uint32_t xv_ = tc_dsp_load32(XC);                                                         \
    int32_t x02_, x13_;                                                                             \
    x02_ = __sxtab16(nzp, (int32_t)xv_);                                                            \
    x13_ = tc_dsp_sxtab16_ror8(nzp, xv_);                                                            \
    a0 = __smlabb(x02_, (WP)[0], a0);                                                               \
    a2 = __smlatt(x02_, (WP)[0], a2);                                                               \
    a1 = __smlabb(x13_, (WP)[1], a1);                                                               \
    a3 = __smlatt(x13_, (WP)[1], a3);                                                               \
  } while (0)

/* The channels past the groups of 4 (every channel when dm > 1), one at a time: the same taps
   as tc_m4dw_pixel; yp and xp point at the first of those channels' output and (for dm == 1) input. */
static void tc_m4dw_tail(const tc_m4dw *a, int8_t *yp, const int8_t *xp, int32_t ky0, int32_t nky, int32_t kx0,
                         int32_t nkx)
{
  const int32_t kw = a->kw, taps = a->kh * kw, first = ky0 * kw + kx0, o0 = a->groups * 4;
  const ptrdiff_t xrow = a->xrow, xcol = a->xcol;
  int32_t o, ky, kx;
  const int32_t out_zp = a->out_zp;
  xp -= o0;
  for (o = o0; o < a->oc; o++) {
    const int32_t *const r = a->rq + (o >> 2) * TC_M4DW_RQ;
    const int32_t *wp = a->wtail + (ptrdiff_t)(o - o0) * taps + first;
    const int8_t *xr = xp + o / a->dm;
    uint32_t acc = (uint32_t)r[o & 3];
    for (ky = 0; ky < nky; ky++, xr += xrow, wp += kw - nkx) {
      const int8_t *xc = xr;
      for (kx = 0; kx < nkx; kx++, xc += xcol, wp++)
        acc += (uint32_t)(((int32_t)*xc - a->in_zp) * *wp);
    }
    const int32_t *const rec = r + 4 + TC_DSP_RQ * (o & 3);
    const int32_t v =
        a->fast ? tc_dsp_requant(tc_s32(acc), rec, out_zp, 1) : tc_dsp_requant(tc_s32(acc), rec, out_zp, 0);
    yp[o - o0] = (int8_t)tc_clamp32(v, a->act_min, a->act_max);
  }
}

/* One output pixel: the taps [ky0, ky0 + nky) x [kx0, kx0 + nkx) are inside the image, the first
   of them at xp (channel 0) in the input. */
static void tc_m4dw_pixel(const tc_m4dw *a, int8_t *yp, const int8_t *xp, int32_t ky0, int32_t nky, int32_t kx0,
                          int32_t nkx)
{
  const int32_t kw = a->kw, taps = a->kh * kw, first = ky0 * kw + kx0;
  const ptrdiff_t xrow = a->xrow, xcol = a->xcol, wskip = (ptrdiff_t)(kw - nkx) * 2;
  const int32_t nzp = a->nzp;
  const int32_t *wg = a->w + (ptrdiff_t)first * 2, *rq = a->rq;
  int32_t g, ky, kx;
  for (g = 0; g < a->groups; g++, wg += (ptrdiff_t)taps * 2, rq += TC_M4DW_RQ, xp += 4, yp += 4) {
    int32_t a0 = rq[0], a1 = rq[1], a2 = rq[2], a3 = rq[3];
    const int8_t *xr = xp;
    const int32_t *wp = wg;
    for (ky = 0; ky < nky; ky++, xr += xrow, wp += wskip) {
      const int8_t *xc = xr;
      for (kx = nkx; kx >= 3; kx -= 3, xc += 3 * xcol, wp += 6) {
        TC_M4DW_TAP(xc, wp);
        TC_M4DW_TAP(xc + xcol, wp + 2);
        TC_M4DW_TAP(xc + 2 * xcol, wp + 4);
      }
      for (; kx > 0; kx--, xc += xcol, wp += 2)
        TC_M4DW_TAP(xc, wp);
    }
    tc_m4dw_store4(a, yp, rq, a0, a1, a2, a3);
  }
  if (a->groups * 4 < a->oc)
    tc_m4dw_tail(a, yp, xp, ky0, nky, kx0, nkx);
}

/* A 3x3 window inside the image (dm == 1), whole groups: the 9 taps unrolled, the input rows
   and columns addressed from one pointer. */
static void tc_m4dw_pixel3x3(const tc_m4dw *a, int8_t *yp, const int8_t *xp)
{
  const ptrdiff_t xrow = a->xrow, xc1 = a->xcol, xc2 = 2 * a->xcol;
  const int32_t nzp = a->nzp;
  const int32_t *wp = a->w, *rq = a->rq;
  int32_t g;
  for (g = 0; g < a->groups; g++, wp += 18, rq += TC_M4DW_RQ, xp += 4, yp += 4) {
    int32_t a0 = rq[0], a1 = rq[1], a2 = rq[2], a3 = rq[3];
    const int8_t *xr = xp;
    TC_M4DW_TAP(xr, wp);
    TC_M4DW_TAP(xr + xc1, wp + 2);
    TC_M4DW_TAP(xr + xc2, wp + 4);
    xr += xrow;
    TC_M4DW_TAP(xr, wp + 6);
    TC_M4DW_TAP(xr + xc1, wp + 8);
    TC_M4DW_TAP(xr + xc2, wp + 10);
    xr += xrow;
    TC_M4DW_TAP(xr, wp + 12);
    TC_M4DW_TAP(xr + xc1, wp + 14);
    TC_M4DW_TAP(xr + xc2, wp + 16);
    tc_m4dw_store4(a, yp, rq, a0, a1, a2, a3);
  }
}

void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_DWCONV2D_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_DWCONV2D_S8_OUT];
  TC_DWCONV2D_S8_GEOMETRY(ip);
  /* the interior columns [oxa, oxb): 0 <= ox * sw - pl and ox * sw - pl + (kw - 1) * dw < wd
     (32-bit divisions: 0 <= xe < 2^32, wd and pl being int32; no library call) */
  const int64_t xa = pl <= 0 ? 0 : (pl - 1) / sw + 1;
  const int64_t xe = (int64_t)wd - 1 - (int64_t)(kw - 1) * dw + pl;
  const int64_t xb = xe < 0 ? 0 : (int64_t)((uint32_t)xe / (uint32_t)sw) + 1;
  const int32_t oxa = (int32_t)(xa < ow ? xa : ow);
  const int32_t oxb = (int32_t)(xb < oxa ? oxa : (xb < ow ? xb : ow));
#ifdef __OPTIMIZE_SIZE__
  const int full3 = 0; /* -Os: every pixel through tc_m4dw_pixel */
#else
  const int full3 = kh == 3 && kw == 3 && ip[TCP_DWCONV2D_S8_DM] == 1;
#endif
  tc_m4dw a;
  int32_t b, oy, ox;
  (void)fp;
  (void)scratch;
  a.kh = kh;
  a.kw = kw;
  a.oc = oc;
  a.dm = ip[TCP_DWCONV2D_S8_DM];
  a.groups = a.dm == 1 ? oc / 4 : 0;
  a.w = (const int32_t *)buf[TCB_DWCONV2D_S8_W];
  a.wtail = a.w + (ptrdiff_t)a.groups * kh * kw * 2;
  a.rq = (const int32_t *)buf[TCB_DWCONV2D_S8_BIAS] + 1;
  a.fast = a.rq[-1] & TC_DSP_FAST;
  a.in_zp = ip[TCP_DWCONV2D_S8_IN_ZP];
  a.out_zp = ip[TCP_DWCONV2D_S8_OUT_ZP];
  a.act_min = ip[TCP_DWCONV2D_S8_ACT_MIN];
  a.act_max = ip[TCP_DWCONV2D_S8_ACT_MAX];
  a.full = a.act_min == -128 && a.act_max == 127;
  a.nzp = tc_s32(((uint32_t)-a.in_zp & 0xFFFFu) * 0x10001u);
  a.min4 = tc_dsp_dup4(a.act_min);
  a.max4 = tc_dsp_dup4(a.act_max);
  a.xrow = (ptrdiff_t)dh * wd * c;
  a.xcol = (ptrdiff_t)dw * c;
  for (b = 0; b < n; b++) {
    const int8_t *const xb0 = x + (ptrdiff_t)b * h * wd * c;
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int8_t *yp = y + ((ptrdiff_t)b * oh + oy) * ow * oc;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, h, &ky0, &ky1);
      if (ky1 <= ky0) {
        ky0 = ky1 = 0; /* no tap row inside the image: the bias alone */
      }
      {
        const ptrdiff_t row = (ptrdiff_t)(iy0 + (int64_t)ky0 * dh) * wd * c;
        for (ox = 0; ox < ow; ox++, yp += oc) {
          const int64_t ix0 = (int64_t)ox * sw - pl;
          int32_t kx0 = 0, kx1 = kw;
          if (ox < oxa || ox >= oxb)
            tc_tap_range(ix0, dw, kw, wd, &kx0, &kx1);
          if (kx1 <= kx0)
            kx0 = kx1 = 0;
          if (full3 && ky1 - ky0 == 3 && kx1 - kx0 == 3) {
            const int8_t *const xp = xb0 + row + (ptrdiff_t)ix0 * c;
            tc_m4dw_pixel3x3(&a, yp, xp);
            if (a.groups * 4 < oc) /* the last oc % 4 channels */
              tc_m4dw_tail(&a, yp + a.groups * 4, xp + a.groups * 4, 0, 3, 0, 3);
            continue;
          }
          tc_m4dw_pixel(&a, yp,
                        ky1 > ky0 && kx1 > kx0 ? xb0 + row + (ptrdiff_t)(ix0 + (int64_t)kx0 * dw) * c : xb0, ky0,
                        ky1 - ky0, kx0, kx1 - kx0);
        }
      }
    }
  }
}
