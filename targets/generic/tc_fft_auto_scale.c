/* tinycc portable kernel: fft_auto_scale (TFLite Micro's SignalFftAutoScale): shifts int16 samples
 * left so that the largest magnitude uses 15 bits, and outputs the shift. The maximum is MaxAbs16's
 * loop, including its int16 wrap on a sample of -32768. tinycc: shared with the host executor. */
#include "tc_signal.h"

/* buffers: in, out (may be in), scale (one int32). ip: size. */
void tc_fft_auto_scale(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *in = (const int16_t *)buf[TCB_FFT_AUTO_SCALE_IN];
  int16_t *out = (int16_t *)buf[TCB_FFT_AUTO_SCALE_OUT];
  const int32_t size = ip[TCP_FFT_AUTO_SCALE_SIZE];
  int16_t max = 0;
  int32_t i;
  int bits;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++) {
    const int16_t v = in[i];
    if (v > max)
      max = v;
    else if (-v > max)
      max = tc_w16(-v);
  }
  bits = 16 - tc_msb32((uint32_t)(int32_t)max) - 1;
  if (bits < 0)
    bits = 0;
  for (i = 0; i < size; i++)
    out[i] = tc_w16((int32_t)((uint32_t)(int32_t)in[i] << bits));
  *(int32_t *)buf[TCB_FFT_AUTO_SCALE_SCALE] = bits;
}
