/* tinycc Armv7E-M DSP kernel (Cortex-M4, M7, M33): conv2d_s8 (NHWC int8 convolution,
 * per-channel requantization).
 *
 * Output pixels two at a time: each one's receptive field is widened into an int16 GEMM row in
 * scratch (im2col: x - in_zp, 0 for a tap outside the image; a 1x1 convolution's row is its input
 * pixel's channels; the two rows interleaved), then tc_dsp_gemm computes both pixels' output
 * channels two by two (SMLAD, weights packed by prepare_m4_gemm). Scratch: two rows of Kp int16
 * (Kp = kh * kw * c rounded up to a multiple of 4). */
#include "tc_dsp.h"

/* The GEMM row of output pixel (iy0, ix0) (its top-left tap, possibly outside the image). */
static void tc_dsp_im2col(const tc_dsp_row *row, const int8_t *xb, const int32_t *ip, int64_t iy0, int64_t ix0, uint32_t off2)
{
  const int32_t h = ip[TCP_CONV2D_S8_H], wd = ip[TCP_CONV2D_S8_W], c = ip[TCP_CONV2D_S8_C];
  const int32_t kh = ip[TCP_CONV2D_S8_KH], kw = ip[TCP_CONV2D_S8_KW], dh = ip[TCP_CONV2D_S8_DH],
                dw = ip[TCP_CONV2D_S8_DW], in_zp = ip[TCP_CONV2D_S8_IN_ZP];
  const ptrdiff_t rowlen = (ptrdiff_t)kw * c, k = (ptrdiff_t)kh * rowlen;
  int32_t ky0, ky1, kx0, kx1, ky, kx;
  tc_tap_range(iy0, dh, kh, h, &ky0, &ky1);
  tc_tap_range(ix0, dw, kw, wd, &kx0, &kx1);
  if (kx1 <= kx0)
    ky1 = ky0; /* no column inside the image: every tap is padding */
  tc_dsp_zero16(row, 0, (ptrdiff_t)ky0 * rowlen);
  for (ky = ky0; ky < ky1; ky++) {
    const int8_t *const xr = xb + (ptrdiff_t)(iy0 + (int64_t)ky * dh) * wd * c;
    const ptrdiff_t base = (ptrdiff_t)ky * rowlen;
    if (dw == 1) {
      /* the valid taps of this filter row are contiguous in the input */
      tc_dsp_zero16(row, base, (ptrdiff_t)kx0 * c);
      tc_dsp_widen(row, base + (ptrdiff_t)kx0 * c, xr + (ptrdiff_t)(ix0 + kx0) * c, (ptrdiff_t)(kx1 - kx0) * c,
                   in_zp, off2);
      tc_dsp_zero16(row, base + (ptrdiff_t)kx1 * c, (ptrdiff_t)(kw - kx1) * c);
    } else {
      tc_dsp_zero16(row, base, (ptrdiff_t)kx0 * c);
      for (kx = kx0; kx < kx1; kx++)
        tc_dsp_widen(row, base + (ptrdiff_t)kx * c, xr + (ptrdiff_t)(ix0 + (int64_t)kx * dw) * c, c, in_zp, off2);
      tc_dsp_zero16(row, base + (ptrdiff_t)kx1 * c, (ptrdiff_t)(kw - kx1) * c);
    }
  }
  /* the rows below the image, and the padding of K to Kp */
  tc_dsp_zero16(row, (ptrdiff_t)ky1 * rowlen, k - (ptrdiff_t)ky1 * rowlen + (tc_dsp_kp((int32_t)k) - k));
}

void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_CONV2D_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_CONV2D_S8_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_CONV2D_S8_W];
  const int32_t *const rq = (const int32_t *)buf[TCB_CONV2D_S8_BIAS]; /* bias and requantization, packed */
  const int32_t n = ip[TCP_CONV2D_S8_N], h = ip[TCP_CONV2D_S8_H], wd = ip[TCP_CONV2D_S8_W], c = ip[TCP_CONV2D_S8_C],
                oh = ip[TCP_CONV2D_S8_OH], ow = ip[TCP_CONV2D_S8_OW], oc = ip[TCP_CONV2D_S8_OC];
  const int32_t sh = ip[TCP_CONV2D_S8_SH], sw = ip[TCP_CONV2D_S8_SW], pt = ip[TCP_CONV2D_S8_PT],
                pl = ip[TCP_CONV2D_S8_PL], in_zp = ip[TCP_CONV2D_S8_IN_ZP];
  const int32_t kp = tc_dsp_kp(ip[TCP_CONV2D_S8_KH] * ip[TCP_CONV2D_S8_KW] * c);
  const uint32_t off2 = (uint32_t)(-in_zp & 0xFFFF) * 0x10001u;
  const tc_dsp_row pair = {(tc_dsp_word *)scratch, 4}, one = {(tc_dsp_word *)scratch, 2};
  const tc_dsp_row second = {(tc_dsp_word *)scratch + 2, 4};
  const tc_dsp_q q = {ip[TCP_CONV2D_S8_OUT_ZP], ip[TCP_CONV2D_S8_ACT_MIN], ip[TCP_CONV2D_S8_ACT_MAX]};
  /* 1x1 with every input pixel inside the image: a row is the pixel's channels */
  const int direct = ip[TCP_CONV2D_S8_KH] == 1 && ip[TCP_CONV2D_S8_KW] == 1 && pt <= 0 && pl <= 0 &&
                     (int64_t)(oh - 1) * sh - pt < h && (int64_t)(ow - 1) * sw - pl < wd;
  const int32_t npix = oh * ow;
  int32_t b, p;
  (void)fp;
  for (b = 0; b < n; b++) {
    const int8_t *const xb = x + (ptrdiff_t)b * h * wd * c;
    int8_t *const yb = y + (ptrdiff_t)b * npix * oc;
    for (p = 0; p < npix; p += 2) {
      const int two = p + 1 < npix;
      const tc_dsp_row *const rows = two ? &pair : &one;
      int32_t i;
      for (i = 0; i <= two; i++) {
        const int32_t oy = (p + i) / ow, ox = (p + i) - oy * ow;
        const int64_t iy0 = (int64_t)oy * sh - pt, ix0 = (int64_t)ox * sw - pl;
        const tc_dsp_row *const row = i ? &second : rows;
        if (direct) {
          tc_dsp_widen(row, 0, xb + ((ptrdiff_t)iy0 * wd + (ptrdiff_t)ix0) * c, c, in_zp, off2);
          tc_dsp_zero16(row, c, kp - c);
        } else {
          tc_dsp_im2col(row, xb, ip, iy0, ix0, off2);
        }
      }
      tc_dsp_gemm(rows, kp, w, rq, oc, yb + (ptrdiff_t)p * oc,
                  yb + (ptrdiff_t)(p + 1) * oc, &q);
    }
  }
}
