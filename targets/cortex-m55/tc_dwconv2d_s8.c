/* tinycc Cortex-M55 (MVE) kernel: dwconv2d_s8 (NHWC int8 depthwise convolution, depth
 * multiplier dm), vectorized across output channels 8 at a time: inputs and weights widened to
 * int16 by the loads, vmullb / vmullt give the int32 products of the even / odd channels, summed
 * in two int32x4 accumulators; requantized, then narrowed back into channel order (vmovnb/t).
 *
 * Constants prepared at compile time (prepare_m55_dw): the input zero point folded into the bias
 * (a tap inside the image adds x * w, one outside adds in_zp * w); weights [kh*kw][oc8] (oc
 * padded to a multiple of 8 with zeros); bias, mult and shift padded to oc8 and, in each group of
 * 8 channels, ordered even channels first (0 2 4 6 1 3 5 7). Windows inside the image with dm == 1
 * take the fast path; the channel tail, windows crossing the border and dm > 1 (a gather of the
 * input channel o / dm per lane) the general one. Scratch: none. */
#include "tc_mve.h"

/* Requantize the even / odd accumulators of channels o..o+7 and store the first `n` of them. */
static inline void tc_dw_store8(int8_t *yp, int32x4_t ae, int32x4_t ao, const int32_t *mult, const int32_t *shift,
                                const tc_mve_q *q, int32_t n)
{
  int16x8_t v = vdupq_n_s16(0);
  ae = tc_mve_requant(ae, vldrwq_s32(mult), vldrwq_s32(shift), q);
  ao = tc_mve_requant(ao, vldrwq_s32(mult + 4), vldrwq_s32(shift + 4), q);
  v = vmovnbq_s32(v, ae);
  v = vmovntq_s32(v, ao);
  if (n >= 8)
    vstrbq_s16(yp, v);
  else
    vstrbq_p_s16(yp, v, vctp16q((uint32_t)n));
}

void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int8_t *restrict const y = (int8_t *)buf[1];
  const int8_t *const w = (const int8_t *)buf[2];
  const int32_t *const bias = (const int32_t *)buf[3];
  const int32_t *const mult = (const int32_t *)buf[4];
  const int32_t *const shift = (const int32_t *)buf[5];
  const int32_t n = ip[0], h = ip[1], wd = ip[2], c = ip[3], oh = ip[4], ow = ip[5], oc = ip[6];
  const int32_t kh = ip[7], kw = ip[8], sh = ip[9], sw = ip[10], dh = ip[11], dw = ip[12];
  const int32_t pt = ip[13], pl = ip[14];
  const int32_t act_min = ip[15], act_max = ip[16], in_zp = ip[17], out_zp = ip[18];
  const int32_t dm = ip[19];
  const int32_t oc8 = (oc + 7) & ~7, ocf = oc & ~7; /* padded / whole groups */
  const ptrdiff_t xrow = (ptrdiff_t)dh * wd * c, xcol = (ptrdiff_t)dw * c; /* input step per tap */
  const int16x8_t zpv = vdupq_n_s16((int16_t)in_zp);
  tc_mve_q q;
  int32_t b, oy, ox, o;
  (void)fp;
  (void)scratch;
  tc_mve_q_init(&q, out_zp, act_min, act_max);
  for (b = 0; b < n; b++) {
    const int8_t *const xb = x + (ptrdiff_t)b * h * wd * c;
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, h, &ky0, &ky1);
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix0 = (int64_t)ox * sw - pl;
        int8_t *const yp = y + (((ptrdiff_t)b * oh + oy) * ow + ox) * oc;
        int32_t kx0, kx1, gstart = 0;
        tc_tap_range(ix0, dw, kw, wd, &kx0, &kx1);
        if (dm == 1 && ky0 == 0 && ky1 == kh && kx0 == 0 && kx1 == kw) {
          /* inside the image: the window starts at pixel (iy0, ix0) */
          const int8_t *const xw = xb + ((ptrdiff_t)iy0 * wd + (ptrdiff_t)ix0) * c;
          for (o = 0; o < ocf; o += 8) {
            int32x4_t ae = vldrwq_s32(bias + o), ao = vldrwq_s32(bias + o + 4);
            const int8_t *xr = xw + o, *wr = w + o;
            int32_t ky, kx;
            for (ky = 0; ky < kh; ky++) {
              const int8_t *xp = xr;
              for (kx = 0; kx < kw; kx++) {
                const int16x8_t xv = vldrbq_s16(xp), wv = vldrbq_s16(wr);
                ae = vaddq_s32(ae, vmullbq_int_s16(xv, wv));
                ao = vaddq_s32(ao, vmulltq_int_s16(xv, wv));
                xp += xcol;
                wr += oc8;
              }
              xr += xrow;
            }
            tc_dw_store8(yp + o, ae, ao, mult + o, shift + o, &q, 8);
          }
          gstart = ocf;
        }
        /* general path: taps outside the image count x = in_zp; lanes past oc not loaded */
        for (o = gstart; o < oc; o += 8) {
          const mve_pred16_t p = vctp16q((uint32_t)(oc - o));
          int32x4_t ae = vldrwq_s32(bias + o), ao = vldrwq_s32(bias + o + 4);
          const int32_t c0 = o / dm;
          uint16_t lane[8];
          uint16x8_t offs;
          int32_t ky, kx, j;
          for (j = 0; j < 8; j++)
            lane[j] = (uint16_t)((o + j) / dm - c0);
          offs = vldrhq_u16(lane);
          for (ky = 0; ky < kh; ky++) {
            const int iny = ky >= ky0 && ky < ky1;
            const int8_t *const xr = iny ? xb + (ptrdiff_t)(iy0 + (int64_t)ky * dh) * wd * c : xb;
            for (kx = 0; kx < kw; kx++) {
              const int16x8_t wv = vldrbq_s16(w + ((ptrdiff_t)ky * kw + kx) * oc8 + o);
              int16x8_t xv = zpv;
              if (iny && kx >= kx0 && kx < kx1) {
                const int8_t *const xp = xr + (ptrdiff_t)(ix0 + (int64_t)kx * dw) * c + c0;
                xv = dm == 1 ? vldrbq_z_s16(xp, p) : vldrbq_gather_offset_z_s16(xp, offs, p);
              }
              ae = vaddq_s32(ae, vmullbq_int_s16(xv, wv));
              ao = vaddq_s32(ao, vmulltq_int_s16(xv, wv));
            }
          }
          tc_dw_store8(yp + o, ae, ao, mult + o, shift + o, &q, oc - o);
        }
      }
    }
  }
}
