/* tinycc portable kernel: signal_window (TFLite Micro's SignalWindow): each int16 sample times its
 * window weight, shifted right (arithmetic) and saturated to int16; the window repeats every wsize
 * samples. tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out (may be in), w. ip: size wsize shift. */
void tc_signal_window(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *in = (const int16_t *)buf[TCB_SIGNAL_WINDOW_IN];
  int16_t *out = (int16_t *)buf[TCB_SIGNAL_WINDOW_OUT];
  const int16_t *w = (const int16_t *)buf[TCB_SIGNAL_WINDOW_W];
  const int32_t size = ip[TCP_SIGNAL_WINDOW_SIZE], wsize = ip[TCP_SIGNAL_WINDOW_WSIZE];
  const int shift = ip[TCP_SIGNAL_WINDOW_SHIFT];
  int32_t i, k = 0;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++) {
    out[i] = (int16_t)tc_sat16(tc_asr32((int32_t)in[i] * w[k], shift));
    if (++k == wsize)
      k = 0;
  }
}
