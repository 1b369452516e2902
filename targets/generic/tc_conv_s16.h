/* tinycc kernels: the body of conv_s16 (16x8 convolution, depthwise and fully connected), shared
   by the portable kernel and the vector targets' ones, which define TC_CONV_S16_DOT (the sum of
   x[i] * w[i] over int16 x and int8 w, i < n, as an int64) before including it. */
#ifndef TC_CONV_S16_H
#define TC_CONV_S16_H
#include "tc_internal.h"

#ifndef TC_CONV_S16_DOT
#define TC_CONV_S16_DOT tc_dot_s16_s8
static inline int64_t tc_dot_s16_s8(const int16_t *x, const int8_t *w, ptrdiff_t n)
{
  int64_t acc = 0;
  ptrdiff_t i;
  for (i = 0; i < n; i++)
    acc += (int32_t)x[i] * w[i];
  return acc;
}
#endif

/* Requantize output channel o's accumulator (bias added). */
static inline int16_t tc_conv_s16_out(int64_t acc, ptrdiff_t o, const int64_t *bias, const int32_t *mult,
                                      const int32_t *shift, int32_t wide, int32_t act_min, int32_t act_max)
{
  int l, r;
  if (wide)
    return tc_requant_s16((uint64_t)acc + (uint64_t)bias[o], mult[o], shift[o], act_min, act_max);
  tc_split_shift(shift[o], &l, &r);
  return (int16_t)tc_clamp32(tc_mbqm(tc_s32((uint32_t)acc + (uint32_t)bias[o]), mult[o], l, r), act_min, act_max);
}

/* depthwise with depth multiplier 1: channels in blocks, summed in int32 (exact: at most 256 taps
   of |x * w| <= 2**22) */
#define TC_CONV_S16_BLOCK 32

/* buffers: in int16 [n][h][w][c], out int16 [n][oh][ow][oc], w int8 (conv: [oc][kh][kw][c];
   depthwise: [kh][kw][oc]), bias int64 [oc], mult, shift int32 [oc].
   ip (conv_s16's): n h w c oh ow oc kh kw sh sw dh dw pt pl dm act_min act_max wide.
   dm 0: a convolution; dm >= 1: depthwise with oc = c * dm. wide 1: an int64 accumulator and
   TFLite's int64 rounding (an int64 bias or none); 0: int32 (an int32 bias). */
static void tc_conv_s16_body(void *const *buf, const int32_t *ip)
{
  const int16_t *const x = (const int16_t *)buf[TCB_CONV_S16_IN];
  int16_t *const y = (int16_t *)buf[TCB_CONV_S16_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_CONV_S16_W];
  const int64_t *const bias = (const int64_t *)buf[TCB_CONV_S16_BIAS];
  const int32_t *const mult = (const int32_t *)buf[TCB_CONV_S16_MULT];
  const int32_t *const shift = (const int32_t *)buf[TCB_CONV_S16_SHIFT];
  const ptrdiff_t n = ip[TCP_CONV_S16_N], h = ip[TCP_CONV_S16_H], wd = ip[TCP_CONV_S16_W], c = ip[TCP_CONV_S16_C],
                  oh = ip[TCP_CONV_S16_OH], ow = ip[TCP_CONV_S16_OW], oc = ip[TCP_CONV_S16_OC];
  const int32_t kh = ip[TCP_CONV_S16_KH], kw = ip[TCP_CONV_S16_KW], sh = ip[TCP_CONV_S16_SH], sw = ip[TCP_CONV_S16_SW],
                dh = ip[TCP_CONV_S16_DH], dw = ip[TCP_CONV_S16_DW];
  const int32_t pt = ip[TCP_CONV_S16_PT], pl = ip[TCP_CONV_S16_PL], dm = ip[TCP_CONV_S16_DM],
                act_min = ip[TCP_CONV_S16_ACT_MIN], act_max = ip[TCP_CONV_S16_ACT_MAX], wide = ip[TCP_CONV_S16_WIDE];
  /* element steps between taps (used for taps inside the image only, where they fit) */
  const ptrdiff_t ystep = (ptrdiff_t)((int64_t)dh * wd * c), xstep = (ptrdiff_t)((int64_t)dw * c);
  ptrdiff_t b, oy, ox, o;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix0 = (int64_t)ox * sw - pl;
        int32_t kx0, kx1;
        int16_t *const yp = y + ((b * oh + oy) * ow + ox) * oc;
        const int16_t *x0 = x; /* the first tap inside the image, when there is one */
        tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
        if (ky0 < ky1 && kx0 < kx1)
          x0 = x + ((b * h + (ptrdiff_t)(iy0 + (int64_t)ky0 * dh)) * wd + (ptrdiff_t)(ix0 + (int64_t)kx0 * dw)) * c;
        if (dm == 1 && (int64_t)(ky1 - ky0) * (kx1 - kx0) <= 256) {
          for (o = 0; o < oc; o += TC_CONV_S16_BLOCK) {
            const ptrdiff_t nb = oc - o < TC_CONV_S16_BLOCK ? oc - o : TC_CONV_S16_BLOCK;
            int32_t acc[TC_CONV_S16_BLOCK], ky, kx;
            ptrdiff_t j;
            for (j = 0; j < nb; j++)
              acc[j] = 0;
            for (ky = ky0; ky < ky1 && kx0 < kx1; ky++)
              for (kx = 0; kx < kx1 - kx0; kx++) {
                const int16_t *const xp = x0 + (ky - ky0) * ystep + kx * xstep + o;
                const int8_t *const wp = w + ((ptrdiff_t)ky * kw + kx0 + kx) * oc + o;
                for (j = 0; j < nb; j++)
                  acc[j] += (int32_t)xp[j] * wp[j];
              }
            for (j = 0; j < nb; j++)
              yp[o + j] = tc_conv_s16_out(acc[j], o + j, bias, mult, shift, wide, act_min, act_max);
          }
          continue;
        }
        for (o = 0; o < oc; o++) {
          int64_t acc = 0; /* wide: the sum; narrow: wrapped to 32 bits below */
          int32_t ky, kx;
          for (ky = ky0; ky < ky1 && kx0 < kx1; ky++) {
            const int16_t *const xr = x0 + (ky - ky0) * ystep;
            if (dm == 0) {
              const int8_t *const wr = w + ((o * kh + ky) * (ptrdiff_t)kw + kx0) * c;
              if (dw == 1) /* the row's taps are adjacent in the input and in the filter: one dot */
                acc += TC_CONV_S16_DOT(xr, wr, (kx1 - kx0) * c);
              else
                for (kx = 0; kx < kx1 - kx0; kx++)
                  acc += TC_CONV_S16_DOT(xr + kx * xstep, wr + (ptrdiff_t)kx * c, c);
            } else {
              const int16_t *const xc = xr + o / dm;
              const int8_t *const wr = w + ((ptrdiff_t)ky * kw + kx0) * oc + o;
              for (kx = 0; kx < kx1 - kx0; kx++)
                acc += (int32_t)xc[kx * xstep] * wr[(ptrdiff_t)kx * oc];
            }
          }
          yp[o] = tc_conv_s16_out(acc, o, bias, mult, shift, wide, act_min, act_max);
        }
      }
    }
}

#endif
