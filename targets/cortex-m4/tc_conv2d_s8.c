/* tinycc Armv7E-M DSP kernel (Cortex-M4, M7, M33): conv2d_s8 (NHWC int8 convolution,
 * per-channel requantization).
 *
 * Output pixels two at a time: each one's receptive field is widened into an int16 GEMM row in
 * scratch (im2col: x - in_zp, 0 for a tap outside the image; a 1x1 convolution's row is its input
 * pixel's channels; the two rows interleaved: tc_dsp_conv_rows), then tc_dsp_gemm computes both pixels' output
 * channels two by two (SMLAD, weights packed by prepare_m4_gemm). Scratch: two rows of Kp int16
 * (Kp = kh * kw * c rounded up to a multiple of 4). */
#include "tc_dsp.h"

void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_CONV2D_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_CONV2D_S8_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_CONV2D_S8_W];
  const int32_t *const rq = (const int32_t *)buf[TCB_CONV2D_S8_BIAS]; /* bias and requantization, packed */
  const int32_t oc = ip[TCP_CONV2D_S8_OC];
  const int32_t npix = ip[TCP_CONV2D_S8_N] * ip[TCP_CONV2D_S8_OH] * ip[TCP_CONV2D_S8_OW];
  const tc_dsp_q q = {ip[TCP_CONV2D_S8_OUT_ZP], ip[TCP_CONV2D_S8_ACT_MIN], ip[TCP_CONV2D_S8_ACT_MAX]};
  tc_dsp_conv g;
  int32_t p;
  (void)fp;
  tc_dsp_conv_init(&g, x, ip, ip[TCP_CONV2D_S8_IN_ZP]);
  for (p = 0; p < npix; p += 2) {
    const tc_dsp_row rows = tc_dsp_conv_rows(&g, scratch, p, npix, 1);
    tc_dsp_gemm(&rows, g.kp, w, rq, oc, y + (ptrdiff_t)p * oc, y + (ptrdiff_t)(p + 1) * oc, &q);
  }
}
