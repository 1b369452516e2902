/* tinycc portable kernel: sigmoid_tanh_s16 (int16 LOGISTIC and TANH, TFLite Micro's table
 * interpolation; zero points 0, output scale 2**-15).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out int16 [size], table uint16 [256] (TFLite's sigmoid table).
   ip: size mode (0 logistic, 1 tanh) mult shift (the input rescale, mult 0: 3 << shift). In place
   is allowed. */
void tc_sigmoid_tanh_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int16_t *const x = (const int16_t *)buf[TCB_SIGMOID_TANH_S16_IN];
  int16_t *const y = (int16_t *)buf[TCB_SIGMOID_TANH_S16_OUT];
  const uint16_t *const tab = (const uint16_t *)buf[TCB_SIGMOID_TANH_S16_TABLE];
  const ptrdiff_t size = ip[TCP_SIGMOID_TANH_S16_SIZE];
  const int tanh = ip[TCP_SIGMOID_TANH_S16_MODE],
            shift = ip[TCP_SIGMOID_TANH_S16_MULT] ? (int)ip[TCP_SIGMOID_TANH_S16_SHIFT] : 0;
  const int64_t mult = ip[TCP_SIGMOID_TANH_S16_MULT] ? (int64_t)ip[TCP_SIGMOID_TANH_S16_MULT]
                                                     : (int64_t)3 << ip[TCP_SIGMOID_TANH_S16_SHIFT];
  ptrdiff_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++) {
    const int32_t v = tc_rescale16(x[i], mult, shift);
    y[i] = tanh ? tc_tanh_s16(v, tab) : tc_sigmoid_s16(v, tab);
  }
}
