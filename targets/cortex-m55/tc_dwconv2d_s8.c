/* tinycc Cortex-M55 (MVE) kernel: dwconv2d_s8 (NHWC int8 depthwise convolution, depth
 * multiplier dm), vectorized across output channels 8 at a time: inputs and weights widened to
 * int16 by the loads, vmullb / vmullt give the int32 products of the even / odd channels, summed
 * in two int32x4 accumulators; requantized, then narrowed back into channel order (vmovnb/t).
 *
 * Constants prepared at compile time (prepare_m55_dw): the input zero point folded into the bias
 * (a tap inside the image adds x * w, one outside adds in_zp * w); weights [oc8/8][kh*kw][8] (oc
 * padded to a multiple of 8 with zeros: each group's taps in a row); the bias buffer holds per
 * group of 8 channels bias, mult, left shift, right shift, each as even channels then odd ones
 * (the mult and shift buffers unused).
 *
 * 3x3, dm == 1: the pixels of a row whose window is inside the image run unrolled, whole groups
 * of 8 channels. Every other pixel (and the channel tail) takes the general path: the taps inside
 * the image (lanes past oc not loaded; dm > 1 gathers input channel o / dm per lane), then
 * in_zp * w for the taps outside. 3x3 border pixels (dm == 1) run unrolled too, a tap outside
 * the image reading a row of in_zp in scratch (oc rounded up to 8 bytes). */
#include "tc_mve.h"

typedef struct {
  const int8_t *x, *w;
  const int32_t *rq;
  int32_t h, wd, c, oc, kh, kw, dh, dw, dm;
  ptrdiff_t xrow, xcol; /* input step per tap row / column */
  int16x8_t zpv;
  tc_mve_q q;
} tc_dw_args;

/* Requantize the even / odd accumulators of a group (its parameters at rq) and store the first
   n (1..8) channels. */
static inline void tc_dw_store8(int8_t *yp, int32x4_t ae, int32x4_t ao, const int32_t *rq, const tc_mve_q *q,
                                int32_t n)
{
  int16x8_t v = vdupq_n_s16(0);
  ae = tc_mve_requant(ae, vldrwq_s32(rq + 8), vldrwq_s32(rq + 16), vldrwq_s32(rq + 24), q);
  ao = tc_mve_requant(ao, vldrwq_s32(rq + 12), vldrwq_s32(rq + 20), vldrwq_s32(rq + 28), q);
  v = vmovnbq_s32(v, ae);
  v = vmovntq_s32(v, ao);
  if (n >= 8)
    vstrbq_s16(yp, v);
  else
    vstrbq_p_s16(yp, v, vctp16q((uint32_t)n));
}

/* ae / ao += the products of 8 int16 input lanes XV and the weights at WP. */
#define TC_DW_MACV(XV, WP)                                                                          \
  do {                                                                                              \
    const int16x8_t wv_ = vldrbq_s16(WP);                                                           \
    ae = vaddq_s32(ae, vmullbq_int_s16((XV), wv_));                                                 \
    ao = vaddq_s32(ao, vmulltq_int_s16((XV), wv_));                                                 \
  } while (0)

/* One output pixel, channels [o0, oc), any geometry: the window starts at input (iy0, ix0). */
static void tc_dw_general(const tc_dw_args *a, int8_t *yp, int64_t iy0, int64_t ix0, int32_t o0)
{
  const int32_t kh = a->kh, kw = a->kw, oc = a->oc, dm = a->dm;
  const ptrdiff_t wgroup = (ptrdiff_t)kh * kw * 8, wrow = (ptrdiff_t)kw * 8;
  const int32_t ocf = oc & ~7;
  int32_t ky0, ky1, kx0, kx1, border, o;
  const int8_t *xw, *w0;
  tc_tap_range(iy0, a->dh, kh, a->h, &ky0, &ky1);
  tc_tap_range(ix0, a->dw, kw, a->wd, &kx0, &kx1);
  border = ky0 != 0 || ky1 != kh || kx0 != 0 || kx1 != kw;
  if (ky1 <= ky0 || kx1 <= kx0)
    ky0 = ky1 = kx0 = kx1 = 0; /* no tap inside the image */
  xw = ky1 <= ky0 ? a->x
                  : a->x + ((ptrdiff_t)(iy0 + (int64_t)ky0 * a->dh) * a->wd + (ptrdiff_t)(ix0 + (int64_t)kx0 * a->dw))
                               * a->c;
  w0 = a->w + (ptrdiff_t)(o0 >> 3) * wgroup + ((ptrdiff_t)ky0 * kw + kx0) * 8;
  for (o = o0; o < oc; o += 8, w0 += wgroup) {
    const int32_t *const rg = a->rq + (o >> 3) * 32;
    const mve_pred16_t p = vctp16q((uint32_t)(oc - o));
    int32x4_t ae = vldrwq_s32(rg), ao = vldrwq_s32(rg + 4);
    uint16x8_t offs = vdupq_n_u16(0);
    const int8_t *xr = xw + o, *wr = w0;
    int32_t ky, kx;
    if (dm != 1) {
      /* lane j reads input channel (o + j) / dm */
      const int32_t c0 = o / dm;
      uint16_t lane[8];
      int32_t j;
      for (j = 0; j < 8; j++)
        lane[j] = (uint16_t)((o + j) / dm - c0);
      offs = vldrhq_u16(lane);
      xr = xw + c0;
    }
    for (ky = ky0; ky < ky1; ky++, xr += a->xrow, wr += wrow) {
      const int8_t *xp = xr, *wp = wr;
      for (kx = kx0; kx < kx1; kx++, xp += a->xcol, wp += 8) {
        if (dm != 1)
          TC_DW_MACV(vldrbq_gather_offset_z_s16(xp, offs, p), wp);
        else if (o < ocf)
          TC_DW_MACV(vldrbq_s16(xp), wp);
        else
          TC_DW_MACV(vldrbq_z_s16(xp, p), wp);
      }
    }
    if (border) {
      /* the taps outside the image: x = in_zp */
      const int8_t *wp = w0 - ((ptrdiff_t)ky0 * kw + kx0) * 8;
      for (ky = 0; ky < kh; ky++, wp += wrow) {
        const int inside = ky >= ky0 && ky < ky1;
        const int32_t e0 = inside ? kx0 : kw, e1 = inside ? kx1 : kw; /* skip [e0, e1) */
        for (kx = 0; kx < e0; kx++)
          TC_DW_MACV(a->zpv, wp + kx * 8);
        for (kx = e1; kx < kw; kx++)
          TC_DW_MACV(a->zpv, wp + kx * 8);
      }
    }
    tc_dw_store8(yp + o, ae, ao, rg, &a->q, oc - o);
  }
}

/* Three taps of a 3x3 row: ae / ao += the products of the 8 lanes at R, R + XC, R + 2 XC and the
   weights at W + OFF, + 8, + 16. One asm statement so that GCC neither hoists the loads nor
   reassociates the sums (both make it spill vector registers); widening loads need low
   registers. */
#define TC_DW_ROW3(R, XC, W, OFF)                                                                   \
  do {                                                                                              \
    int16x8_t t0_, t1_;                                                                             \
    int32x4_t t2_, t3_;                                                                             \
    const int8_t *p_;                                                                               \
    __asm__("vldrb.s16 %q0, [%7]\n\t"                                                               \
            "vldrb.s16 %q1, [%9, #" #OFF "]\n\t"                                                    \
            "add %6, %7, %8\n\t"                                                                    \
            "vmullb.s16 %q2, %q0, %q1\n\t"                                                          \
            "vmullt.s16 %q3, %q0, %q1\n\t"                                                          \
            "vadd.i32 %q4, %q4, %q2\n\t"                                                            \
            "vadd.i32 %q5, %q5, %q3\n\t"                                                            \
            "vldrb.s16 %q0, [%6]\n\t"                                                               \
            "vldrb.s16 %q1, [%9, #" #OFF "+8]\n\t"                                                  \
            "add %6, %6, %8\n\t"                                                                    \
            "vmullb.s16 %q2, %q0, %q1\n\t"                                                          \
            "vmullt.s16 %q3, %q0, %q1\n\t"                                                          \
            "vadd.i32 %q4, %q4, %q2\n\t"                                                            \
            "vadd.i32 %q5, %q5, %q3\n\t"                                                            \
            "vldrb.s16 %q0, [%6]\n\t"                                                               \
            "vldrb.s16 %q1, [%9, #" #OFF "+16]\n\t"                                                 \
            "vmullb.s16 %q2, %q0, %q1\n\t"                                                          \
            "vmullt.s16 %q3, %q0, %q1\n\t"                                                          \
            "vadd.i32 %q4, %q4, %q2\n\t"                                                            \
            "vadd.i32 %q5, %q5, %q3"                                                                \
            : "=&w"(t0_), "=&w"(t1_), "=&w"(t2_), "=&w"(t3_), "+w"(ae), "+w"(ao), "=&l"(p_)         \
            : "l"(R), "r"(XC), "l"(W), "m"(*(const int8_t(*)[8])(R)), "m"(*(const int8_t(*)[24])(W))); \
  } while (0)

/* One tap: ae / ao += the products of the 8 lanes at P and the weights at W + OFF. */
#define TC_DW_TAP(P, W, OFF)                                                                        \
  do {                                                                                              \
    int16x8_t t0_, t1_;                                                                             \
    int32x4_t t2_, t3_;                                                                             \
    __asm__("vldrb.s16 %q0, [%6]\n\t"                                                               \
            "vldrb.s16 %q1, [%7, #" #OFF "]\n\t"                                                    \
            "vmullb.s16 %q2, %q0, %q1\n\t"                                                          \
            "vmullt.s16 %q3, %q0, %q1\n\t"                                                          \
            "vadd.i32 %q4, %q4, %q2\n\t"                                                            \
            "vadd.i32 %q5, %q5, %q3"                                                                \
            : "=&w"(t0_), "=&w"(t1_), "=&w"(t2_), "=&w"(t3_), "+w"(ae), "+w"(ao)                    \
            : "l"(P), "l"(W), "m"(*(const int8_t(*)[8])(P)), "m"(*(const int8_t(*)[8])((W) + (OFF)))); \
  } while (0)

/* A 3x3 (dm == 1) pixel whose window crosses the border, whole groups: a tap outside the image
   reads zrow (oc8 bytes of in_zp) instead of the input. */
static void tc_dw_border3x3(const tc_dw_args *a, int8_t *yp, int64_t iy0, int64_t ix0, const int8_t *zrow)
{
  const int8_t *src[9];
  const int32_t ocf = a->oc & ~7;
  const int8_t *wg = a->w;
  const int32_t *rg = a->rq;
  int32_t t, o;
  for (t = 0; t < 9; t++) {
    const int64_t iy = iy0 + (int64_t)(t / 3) * a->dh, ix = ix0 + (int64_t)(t % 3) * a->dw;
    src[t] = iy >= 0 && iy < a->h && ix >= 0 && ix < a->wd ? a->x + ((ptrdiff_t)iy * a->wd + (ptrdiff_t)ix) * a->c
                                                           : zrow;
  }
  for (o = 0; o < ocf; o += 8, wg += 72, rg += 32) {
    int32x4_t ae = vldrwq_s32(rg), ao = vldrwq_s32(rg + 4);
    TC_DW_TAP(src[0] + o, wg, 0);
    TC_DW_TAP(src[1] + o, wg, 8);
    TC_DW_TAP(src[2] + o, wg, 16);
    TC_DW_TAP(src[3] + o, wg, 24);
    TC_DW_TAP(src[4] + o, wg, 32);
    TC_DW_TAP(src[5] + o, wg, 40);
    TC_DW_TAP(src[6] + o, wg, 48);
    TC_DW_TAP(src[7] + o, wg, 56);
    TC_DW_TAP(src[8] + o, wg, 64);
    tc_dw_store8(yp + o, ae, ao, rg, &a->q, 8);
  }
  if (ocf < a->oc)
    tc_dw_general(a, yp, iy0, ix0, ocf);
}

void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_DWCONV2D_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_DWCONV2D_S8_OUT];
  TC_DWCONV2D_S8_GEOMETRY(ip);
  const int32_t ocf = oc & ~7; /* channels in whole groups of 8 */
  /* the interior columns [oxa, oxb): 0 <= ox * sw - pl and ox * sw - pl + (kw - 1) * dw < wd
     (32-bit divisions: 0 <= xe < 2^32, wd and pl being int32; no library call) */
  const int64_t xa = pl <= 0 ? 0 : (pl - 1) / sw + 1;
  const int64_t xe = (int64_t)wd - 1 - (int64_t)(kw - 1) * dw + pl;
  const int64_t xb_ = xe < 0 ? 0 : (int64_t)((uint32_t)xe / (uint32_t)sw) + 1;
  const int32_t oxa = (int32_t)(xa < ow ? xa : ow);
  const int32_t oxb = (int32_t)(xb_ < oxa ? oxa : (xb_ < ow ? xb_ : ow));
  const int fast = ip[TCP_DWCONV2D_S8_DM] == 1 && kh == 3 && kw == 3 && ocf > 0;
  tc_dw_args a;
  int32_t b, oy, ox;
  (void)fp;
  if (fast) /* in_zp for the taps of border pixels outside the image */
    tc_mve_fill((int8_t *)scratch, vdupq_n_s8((int8_t)ip[TCP_DWCONV2D_S8_IN_ZP]), (oc + 7) & ~7);
  a.w = (const int8_t *)buf[TCB_DWCONV2D_S8_W];
  a.rq = (const int32_t *)buf[TCB_DWCONV2D_S8_BIAS]; /* bias and requantization, packed */
  a.h = h;
  a.wd = wd;
  a.c = c;
  a.oc = oc;
  a.kh = kh;
  a.kw = kw;
  a.dh = dh;
  a.dw = dw;
  a.dm = ip[TCP_DWCONV2D_S8_DM];
  a.xrow = (ptrdiff_t)dh * wd * c;
  a.xcol = (ptrdiff_t)dw * c;
  a.zpv = vdupq_n_s16((int16_t)ip[TCP_DWCONV2D_S8_IN_ZP]);
  tc_mve_q_init(&a.q, ip[TCP_DWCONV2D_S8_OUT_ZP], ip[TCP_DWCONV2D_S8_ACT_MIN], ip[TCP_DWCONV2D_S8_ACT_MAX]);
  for (b = 0; b < n; b++) {
    a.x = x + (ptrdiff_t)b * h * wd * c;
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int8_t *const yrow = y + ((ptrdiff_t)b * oh + oy) * ow * oc;
      const int rowin = iy0 >= 0 && iy0 + (int64_t)(kh - 1) * dh < h;
      for (ox = 0; ox < ow; ox++) {
        if (fast && rowin && ox == oxa && oxa < oxb) {
          /* 3x3 windows inside the image, whole groups */
          const ptrdiff_t xcol = a.xcol, xrow = a.xrow;
          const int8_t *xp = a.x + ((ptrdiff_t)iy0 * wd + (ptrdiff_t)((int64_t)ox * sw - pl)) * c;
          for (; ox < oxb; ox++, xp += (ptrdiff_t)sw * c) {
            int8_t *const yp = yrow + (ptrdiff_t)ox * oc;
            const int8_t *wg = a.w, *r0 = xp;
            const int32_t *rg = a.rq;
            int32_t o;
            for (o = 0; o < ocf; o += 8, wg += 72, rg += 32, r0 += 8) {
              int32x4_t ae = vldrwq_s32(rg), ao = vldrwq_s32(rg + 4);
              const int8_t *const r1 = r0 + xrow, *const r2 = r1 + xrow;
              TC_DW_ROW3(r0, xcol, wg, 0);
              TC_DW_ROW3(r1, xcol, wg, 24);
              TC_DW_ROW3(r2, xcol, wg, 48);
              tc_dw_store8(yp + o, ae, ao, rg, &a.q, 8);
            }
            if (ocf < oc)
              tc_dw_general(&a, yp, iy0, (int64_t)ox * sw - pl, ocf);
          }
          ox--;
          continue;
        }
        if (fast)
          tc_dw_border3x3(&a, yrow + (ptrdiff_t)ox * oc, iy0, (int64_t)ox * sw - pl, (const int8_t *)scratch);
        else
          tc_dw_general(&a, yrow + (ptrdiff_t)ox * oc, iy0, (int64_t)ox * sw - pl, 0);
      }
    }
  }
}
