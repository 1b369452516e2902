/* tinycc Armv7E-M DSP kernel (Cortex-M4, M7, M33): fc_s8 (int8 fully connected, per-channel
 * requantization). Input rows two at a time widened to int16 x - in_zp in scratch (interleaved), then
 * tc_dsp_gemm (SMLAD, weights packed by prepare_m4_gemm). Scratch: two rows of Kp int16
 * (Kp = depth rounded up to a multiple of 4; one row for a single batch) -- unless a row in chunks
 * needs less: TC_FC_CHUNK values of it widened at a time, every channel's sum kept in scratch
 * between chunks (TC_FC_CHUNK int16, then an int32 per channel of an even count), one row at a time.
 * A deep layer with few outputs (micro_speech's 4,000 x 4) then needs about 1 KB instead of 8.
 * tinycc/backend_c.py's scratch_m4_fc makes the same choice. */
#include "tc_dsp.h"

#define TC_FC_CHUNK 512

/* The scratch bytes of the chunked form and of the whole rows, and whether the chunked one is used. */
static int tc_fc_chunked(int32_t batches, int32_t kp, int32_t units)
{
  const int32_t rows = batches < 2 ? batches : 2;
  return 2 * TC_FC_CHUNK + 4 * (units + (units & 1)) < 2 * kp * rows;
}

/* One input row in chunks: for each, its values widened into the row at scratch, then every pair of
   channels' sums over it (their weights' groups at the chunk's offset); then requantized. */
static void tc_fc_row_chunked(const int8_t *x, int32_t depth, int32_t kp, int32_t in_zp, const int8_t *w,
                              const int32_t *rq, int32_t units, int8_t *y, const tc_dsp_q *q, void *scratch)
{
  const tc_dsp_row row = {(tc_dsp_word *)scratch, 2};
  int32_t *const acc = (int32_t *)(void *)((int8_t *)scratch + 2 * TC_FC_CHUNK);
  const int32_t *const pairs = rq + 1;
  const int fast = rq[0] & TC_DSP_FAST, full = q->act_min == -128 && q->act_max == 127;
  const uint32_t off2 = (uint32_t)(-in_zp & 0xFFFF) * 0x10001u;
  int32_t c0, o;
  for (o = 0; o < units; o += 2) {
    acc[o] = pairs[(o / 2) * TC_DSP_PAIR];
    acc[o + 1] = pairs[(o / 2) * TC_DSP_PAIR + 1];
  }
  for (c0 = 0; c0 < depth; c0 += TC_FC_CHUNK) {
    const int32_t n = depth - c0 < TC_FC_CHUNK ? depth - c0 : TC_FC_CHUNK, kq = tc_dsp_kp(n) >> 2;
    tc_dsp_fill(&row, 0, x + c0, n, in_zp, off2, 1);
    tc_dsp_zero16(&row, n, 4 * kq - n);
    for (o = 0; o < units; o += 2) {
      const tc_dsp_word *wp = (const tc_dsp_word *)(const void *)w + 2 * ((ptrdiff_t)(o / 2) * (kp >> 2) + (c0 >> 2));
      tc_dsp_dot_1x2(row.base, kq, &wp, &acc[o], &acc[o + 1]);
    }
  }
  for (o = 0; o < units; o++)
    y[o] = tc_dsp_out(acc[o], pairs + (o / 2) * TC_DSP_PAIR + 2 + (o & 1) * TC_DSP_RQ, q, fast, full);
}
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
  if (tc_fc_chunked(batches, kp, units)) {
    for (b = 0; b < batches; b++)
      tc_fc_row_chunked(x + (ptrdiff_t)b * depth, depth, kp, in_zp, (const int8_t *)buf[TCB_FC_S8_W],
                        (const int32_t *)buf[TCB_FC_S8_BIAS], units, y + (ptrdiff_t)b * units, &q, scratch);
    return;
  }
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
