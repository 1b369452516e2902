/* tinycc portable kernel: signal_energy (TFLite Micro's SignalEnergy): re^2 + im^2 of int16 (re, im)
 * pairs as uint32 for start <= i < end; the other outputs are 0 (TFLite Micro leaves them unwritten).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in (size pairs), out. ip: size start end. */
void tc_signal_energy(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *in = (const int16_t *)buf[TCB_SIGNAL_ENERGY_IN];
  uint32_t *out = (uint32_t *)buf[TCB_SIGNAL_ENERGY_OUT];
  const int32_t size = ip[TCP_SIGNAL_ENERGY_SIZE], start = ip[TCP_SIGNAL_ENERGY_START];
  const int32_t end = ip[TCP_SIGNAL_ENERGY_END];
  int32_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++) {
    const int32_t re = in[2 * i], im = in[2 * i + 1];
    out[i] = i >= start && i < end ? (uint32_t)(re * re) + (uint32_t)(im * im) : 0;
  }
}
