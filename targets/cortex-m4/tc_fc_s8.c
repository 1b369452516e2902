/* tinycc Armv7E-M DSP kernel (Cortex-M4, M7, M33): fc_s8 (int8 fully connected, per-channel
 * requantization). Input rows two at a time widened to int16 x - in_zp in scratch (interleaved), then
 * tc_dsp_gemm (SMLAD, weights packed by prepare_m4_gemm). Scratch: two rows of Kp int16
 * (Kp = depth rounded up to a multiple of 4; one row for a single batch). */
#include "tc_dsp.h"

void tc_fc_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_FC_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_FC_S8_OUT];
  const int32_t batches = ip[TCP_FC_S8_BATCHES], depth = ip[TCP_FC_S8_DEPTH], units = ip[TCP_FC_S8_UNITS],
                in_zp = ip[TCP_FC_S8_IN_ZP];
  const int32_t kp = tc_dsp_kp(depth);
  const uint32_t off2 = (uint32_t)(-in_zp & 0xFFFF) * 0x10001u;
  const tc_dsp_row pair = {(tc_dsp_word *)scratch, 4}, one = {(tc_dsp_word *)scratch, 2};
  const tc_dsp_row second = {(tc_dsp_word *)scratch + 2, 4};
  const tc_dsp_q q = {ip[TCP_FC_S8_OUT_ZP], ip[TCP_FC_S8_ACT_MIN], ip[TCP_FC_S8_ACT_MAX]};
  int32_t b;
  (void)fp;
  for (b = 0; b < batches; b += 2) {
    const int two = b + 1 < batches;
    const tc_dsp_row *const rows = two ? &pair : &one;
    tc_dsp_fill(rows, 0, x + (ptrdiff_t)b * depth, depth, in_zp, off2, 1);
    tc_dsp_zero16(rows, depth, kp - depth);
    if (two) {
      tc_dsp_fill(&second, 0, x + (ptrdiff_t)(b + 1) * depth, depth, in_zp, off2, 1);
      tc_dsp_zero16(&second, depth, kp - depth);
    }
    tc_dsp_gemm(rows, kp, (const int8_t *)buf[TCB_FC_S8_W], (const int32_t *)buf[TCB_FC_S8_BIAS], units,
                y + (ptrdiff_t)b * units, y + (ptrdiff_t)(b + 1) * units, &q);
  }
}
