/* tinycc Cortex-M55 (MVE) kernel: conv2d_s8 (NHWC int8 convolution, per-channel requantization).
 *
 * Each output pixel is one GEMM row (tc_mve_gemm_row: 4 output channels at a time sharing each
 * 16-byte input load, vmladava). The row is the input itself where the receptive field is
 * contiguous in memory (1x1 convolutions, full-width kernels) and inside the image; otherwise it
 * is gathered into scratch (kh * kw * c bytes; a tap outside the image is in_zp, the bias
 * having been folded with in_zp * sum w at compile time). Weights and the per-channel
 * parameters packed by prepare_m55_gemm (in the bias buffer; mult and shift unused). */
#include "tc_mve.h"

void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_CONV2D_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_CONV2D_S8_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_CONV2D_S8_W];
  const int32_t *const rq = (const int32_t *)buf[TCB_CONV2D_S8_BIAS]; /* bias and requantization, packed */
  const int32_t n = ip[TCP_CONV2D_S8_N], h = ip[TCP_CONV2D_S8_H], wd = ip[TCP_CONV2D_S8_W], c = ip[TCP_CONV2D_S8_C],
                oh = ip[TCP_CONV2D_S8_OH], ow = ip[TCP_CONV2D_S8_OW], oc = ip[TCP_CONV2D_S8_OC];
  const int32_t kh = ip[TCP_CONV2D_S8_KH], kw = ip[TCP_CONV2D_S8_KW], sh = ip[TCP_CONV2D_S8_SH],
                sw = ip[TCP_CONV2D_S8_SW], dh = ip[TCP_CONV2D_S8_DH], dw = ip[TCP_CONV2D_S8_DW];
  const int32_t pt = ip[TCP_CONV2D_S8_PT], pl = ip[TCP_CONV2D_S8_PL];
  const int32_t act_min = ip[TCP_CONV2D_S8_ACT_MIN], act_max = ip[TCP_CONV2D_S8_ACT_MAX],
                in_zp = ip[TCP_CONV2D_S8_IN_ZP], out_zp = ip[TCP_CONV2D_S8_OUT_ZP];
  const int32_t K = kh * kw * c;
  const int32_t rowlen = kw * c; /* bytes of one filter row */
  /* the window is one contiguous run of the input when inside the image */
  const int contiguous = (kw == 1 || dw == 1) && (kh == 1 || (int64_t)dh * wd == kw);
  const int8x16_t zpv = vdupq_n_s8((int8_t)in_zp);
  const int shortrow = dw == 1 && rowlen <= 16;       /* a filter row is one vector */
  const mve_pred16_t prow = vctp8q((uint32_t)rowlen);
  int8_t *const col = (int8_t *)scratch;
  tc_mve_q q;
  int32_t b, oy, ox;
  (void)fp;
  tc_mve_q_init(&q, out_zp, act_min, act_max);
  if (kh == 1 && kw == 1 && pt <= 0 && pl <= 0 && (int64_t)(oh - 1) * sh - pt < h && (int64_t)(ow - 1) * sw - pl < wd) {
    /* 1x1 inside the image: each output pixel's row is its input pixel */
    int8_t *yp = y;
    for (b = 0; b < n; b++)
      for (oy = 0; oy < oh; oy++) {
        const int8_t *xr = x + (((ptrdiff_t)b * h + ((ptrdiff_t)oy * sh - pt)) * wd - pl) * c;
        for (ox = 0; ox < ow; ox++, xr += (ptrdiff_t)sw * c, yp += oc)
          tc_mve_gemm_row(xr, c, w, rq, oc, yp, &q);
      }
    return;
  }
  for (b = 0; b < n; b++) {
    const int8_t *const xb = x + (ptrdiff_t)b * h * wd * c;
    for (oy = 0; oy < oh; oy++) {
      const int64_t iy0 = (int64_t)oy * sh - pt;
      int32_t ky0, ky1;
      tc_tap_range(iy0, dh, kh, h, &ky0, &ky1);
      for (ox = 0; ox < ow; ox++) {
        const int64_t ix0 = (int64_t)ox * sw - pl;
        int8_t *const yp = y + (((ptrdiff_t)b * oh + oy) * ow + ox) * oc;
        const int8_t *row;
        int32_t kx0, kx1;
        tc_tap_range(ix0, dw, kw, wd, &kx0, &kx1);
        if (contiguous && ky0 == 0 && ky1 == kh && kx0 == 0 && kx1 == kw) {
          row = xb + ((ptrdiff_t)iy0 * wd + (ptrdiff_t)ix0) * c;
        } else {
          int32_t ky, kx;
          if (shortrow && kx0 == 0 && kx1 == kw && ky1 > ky0) {
            /* whole filter rows of at most 16 bytes: one predicated copy or fill each */
            for (ky = 0; ky < kh; ky++) {
              int8_t *const d = col + (ptrdiff_t)ky * rowlen;
              if (ky < ky0 || ky >= ky1)
                vstrbq_p_s8(d, zpv, prow);
              else
                vstrbq_p_s8(d, vldrbq_z_s8(xb + ((ptrdiff_t)(iy0 + (int64_t)ky * dh) * wd + (ptrdiff_t)ix0) * c, prow),
                            prow);
            }
          } else
          for (ky = 0; ky < kh; ky++) {
            int8_t *const d = col + (ptrdiff_t)ky * rowlen;
            if (ky < ky0 || ky >= ky1 || kx1 <= kx0) {
              tc_mve_fill(d, zpv, rowlen);
              continue;
            }
            {
              const int8_t *const xr = xb + (ptrdiff_t)(iy0 + (int64_t)ky * dh) * wd * c;
              if (dw == 1) {
                tc_mve_fill(d, zpv, kx0 * c);
                tc_mve_copy(d + kx0 * c, xr + (ptrdiff_t)(ix0 + kx0) * c, (kx1 - kx0) * c);
                tc_mve_fill(d + kx1 * c, zpv, (kw - kx1) * c);
              } else {
                for (kx = 0; kx < kw; kx++) {
                  if (kx < kx0 || kx >= kx1)
                    tc_mve_fill(d + kx * c, zpv, c);
                  else
                    tc_mve_copy(d + kx * c, xr + (ptrdiff_t)(ix0 + (int64_t)kx * dw) * c, c);
                }
              }
            }
          }
          row = col;
        }
        tc_mve_gemm_row(row, K, w, rq, oc, yp, &q);
      }
    }
  }
}
