/* tinycc portable kernel: filter_bank_log (TFLite Micro's SignalFilterBankLog): out_scale * ln(x) in
 * 16.16 fixed point (log2 from the leading bit and a 128-segment correction table, times ln 2),
 * saturated to 32767; 0 where x << correction_bits <= 1. tinycc: shared with the host executor. */
#include "tc_signal.h"

static const uint16_t tc_log_lut[130] = {
  0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797, 2944, 3087, 3224,
  3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934, 5001,
  5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507, 5533, 5557, 5578, 5595, 5610, 5622, 5631,
  5637, 5640, 5641, 5638, 5633, 5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332,
  5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264,
  4184, 4103, 4020, 3935, 3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659, 2549,
  2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224, 1094, 963, 830, 695, 559, 421, 282, 142, 0,
  0};

/* x >= 2 */
static uint32_t tc_log32(uint32_t x, uint32_t out_scale)
{
  const int integer = tc_msb32(x) - 1;
  int32_t frac = tc_s32(x - ((uint32_t)1 << integer)), c0, c1, seg;
  uint32_t log2, loge;
  frac = integer < 16 ? frac << (16 - integer) : frac >> (integer - 16);
  seg = frac >> 9;
  c0 = tc_log_lut[seg];
  c1 = tc_log_lut[seg + 1];
  log2 = ((uint32_t)integer << 16) + (uint32_t)(frac + c0 + tc_asr32((c1 - c0) * (frac - 512 * seg), 16));
  loge = (uint32_t)(((uint64_t)45426 * log2 + 32768) >> 16);
  return (out_scale * loge + 32768u) >> 16;
}

/* buffers: in, out. ip: size out_scale correction_bits. */
void tc_filter_bank_log(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint32_t *in = (const uint32_t *)buf[TCB_FILTER_BANK_LOG_IN];
  int16_t *out = (int16_t *)buf[TCB_FILTER_BANK_LOG_OUT];
  const int32_t size = ip[TCP_FILTER_BANK_LOG_SIZE];
  const uint32_t scale = (uint32_t)ip[TCP_FILTER_BANK_LOG_OUT_SCALE];
  const int bits = ip[TCP_FILTER_BANK_LOG_CORRECTION_BITS];
  int32_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++) {
    const uint32_t x = in[i] << bits;
    const uint32_t v = x > 1 ? tc_log32(x, scale) : 0;
    out[i] = (int16_t)(v < 32767u ? v : 32767u);
  }
}
