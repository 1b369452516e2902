/* tinycc portable kernel: spectral_subtraction (TFLite Micro's SignalFilterBankSpectralSubtraction):
 * per channel, a low-pass noise estimate (the state; the alternate smoothing on odd channels), the
 * signal minus the estimate, floored at min_signal_remaining of the signal. The state is updated in
 * place and copied to noise. tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out, noise, state. ip: channels smoothing one_minus_smoothing alt_smoothing
   alt_one_minus_smoothing smoothing_bits subtraction_bits min_signal_remaining clamping. */
void tc_spectral_subtraction(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint32_t *in = (const uint32_t *)buf[TCB_SPECTRAL_SUBTRACTION_IN];
  uint32_t *out = (uint32_t *)buf[TCB_SPECTRAL_SUBTRACTION_OUT];
  uint32_t *noise = (uint32_t *)buf[TCB_SPECTRAL_SUBTRACTION_NOISE];
  uint32_t *state = (uint32_t *)buf[TCB_SPECTRAL_SUBTRACTION_STATE];
  const int32_t channels = ip[TCP_SPECTRAL_SUBTRACTION_CHANNELS];
  const int sb = ip[TCP_SPECTRAL_SUBTRACTION_SMOOTHING_BITS], ssb = ip[TCP_SPECTRAL_SUBTRACTION_SUBTRACTION_BITS];
  const uint32_t msr = (uint32_t)ip[TCP_SPECTRAL_SUBTRACTION_MIN_SIGNAL_REMAINING];
  const int clamping = ip[TCP_SPECTRAL_SUBTRACTION_CLAMPING];
  int32_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < channels; i++) {
    const int odd = i & 1;
    const uint32_t s = (uint32_t)ip[odd ? TCP_SPECTRAL_SUBTRACTION_ALT_SMOOTHING : TCP_SPECTRAL_SUBTRACTION_SMOOTHING];
    const uint32_t oms = (uint32_t)ip[odd ? TCP_SPECTRAL_SUBTRACTION_ALT_ONE_MINUS_SMOOTHING
                                          : TCP_SPECTRAL_SUBTRACTION_ONE_MINUS_SMOOTHING];
    const uint32_t up = in[i] << sb;
    uint32_t est, floor, sub;
    state[i] = (uint32_t)(((uint64_t)up * s + (uint64_t)state[i] * oms) >> ssb);
    est = state[i];
    if (est > up) {
      est = up;
      if (clamping)
        state[i] = up;
    }
    floor = (uint32_t)(((uint64_t)in[i] * msr) >> ssb);
    sub = (up - est) >> sb;
    out[i] = sub > floor ? sub : floor;
  }
  for (i = 0; i < channels; i++)
    noise[i] = state[i];
}
