/* tinycc portable kernel: pcan (TFLite Micro's SignalPCAN): per-channel gain from the noise
 * estimate through a piecewise-quadratic table (WideDynamicFunction, 125 int16 entries), the
 * signal-to-noise ratio shifted down by snr_shift, then PCAN's shrink (12 SNR bits, 6 output bits).
 * Signed intermediate results wrap as TFLite Micro's builds compute them. tinycc: shared with the
 * host executor. */
#include "tc_signal.h"

static int16_t tc_wide_dynamic(uint32_t x, const int16_t *lut)
{
  int32_t interval, frac;
  uint32_t r;
  if (x <= 2)
    return lut[x];
  interval = tc_msb32(x);
  lut += 4 * interval - 6;
  frac = (int32_t)((interval < 11 ? x << (11 - interval) : x >> (interval - 11)) & 0x3FF);
  r = (uint32_t)tc_asr32((int32_t)lut[2] * frac, 5);
  r += (uint32_t)(int32_t)lut[1] << 5;
  r *= (uint32_t)frac;
  r = (uint32_t)tc_asr32(tc_s32(r + (1u << 14)), 15) + (uint32_t)(int32_t)lut[0];
  return tc_w16(tc_s32(r));
}

/* buffers: in, out (may be in), noise, lut. ip: size snr_shift. */
void tc_pcan(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint32_t *in = (const uint32_t *)buf[TCB_PCAN_IN];
  uint32_t *out = (uint32_t *)buf[TCB_PCAN_OUT];
  const uint32_t *noise = (const uint32_t *)buf[TCB_PCAN_NOISE];
  const int16_t *lut = (const int16_t *)buf[TCB_PCAN_LUT];
  const int32_t size = ip[TCP_PCAN_SIZE];
  const int shift = ip[TCP_PCAN_SNR_SHIFT];
  int32_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++) {
    const uint32_t gain = (uint32_t)(int32_t)tc_wide_dynamic(noise[i], lut);
    const uint32_t snr = (uint32_t)(((uint64_t)in[i] * gain) >> shift);
    out[i] = snr < (2u << 12) ? (snr * snr) >> 20 : (snr >> 6) - 64;
  }
}
