/* tinycc portable kernel: filter_bank_log (TFLite Micro's SignalFilterBankLog): out_scale * ln(x) in
 * 16.16 fixed point (log2 from the leading bit and a 128-segment correction table, times ln 2),
 * saturated to 32767; 0 where x << correction_bits <= 1. The segment table comes from the compiler.
 * tinycc: shared with the host executor. */
#include "tc_signal.h"

/* x >= 2; lut: the log2 fraction's correction per 1/128 segment (130 entries) */
static uint32_t tc_log32(uint32_t x, uint32_t out_scale, const uint16_t *lut)
{
  const int integer = tc_msb32(x) - 1;
  int32_t frac = tc_s32(x - ((uint32_t)1 << integer)), c0, c1, seg;
  uint32_t log2, loge;
  frac = integer < 16 ? frac << (16 - integer) : frac >> (integer - 16);
  seg = frac >> 9;
  c0 = lut[seg];
  c1 = lut[seg + 1];
  log2 = ((uint32_t)integer << 16) + (uint32_t)(frac + c0 + tc_asr32((c1 - c0) * (frac - 512 * seg), 16));
  loge = (uint32_t)(((uint64_t)45426 * log2 + 32768) >> 16);
  return (out_scale * loge + 32768u) >> 16;
}

/* buffers: in, out, lut (from the compiler: tinycc/ops/signal.py's LOG_LUT). ip: size out_scale correction_bits. */
void tc_filter_bank_log(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint32_t *in = (const uint32_t *)buf[TCB_FILTER_BANK_LOG_IN];
  int16_t *out = (int16_t *)buf[TCB_FILTER_BANK_LOG_OUT];
  const uint16_t *lut = (const uint16_t *)buf[TCB_FILTER_BANK_LOG_LUT];
  const int32_t size = ip[TCP_FILTER_BANK_LOG_SIZE];
  const uint32_t scale = (uint32_t)ip[TCP_FILTER_BANK_LOG_OUT_SCALE];
  const int bits = ip[TCP_FILTER_BANK_LOG_CORRECTION_BITS];
  int32_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++) {
    const uint32_t x = in[i] << bits;
    const uint32_t v = x > 1 ? tc_log32(x, scale, lut) : 0;
    out[i] = (int16_t)(v < 32767u ? v : 32767u);
  }
}
